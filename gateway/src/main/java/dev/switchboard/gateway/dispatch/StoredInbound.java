package dev.switchboard.gateway.dispatch;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message as stored (a row of {@code dispatch_claim}), back in the canonical shape plugins see:
 * the columns and the {@code content} JSON the inbox store wrote ({@code MessageContent}).
 */
final class StoredInbound {
  private StoredInbound() {
  }

  static InboundMessage from(Row r) {
    JsonObject content = r.getString("content") == null ? new JsonObject() : new JsonObject(r.getString("content"));
    String phone = r.getString("phone");
    String userId = r.getString("platform_user_id") != null ? r.getString("platform_user_id") : r.getString("chat_id");
    ContactRef contact = userId == null ? null : new ContactRef(userId,
        phone == null ? null : phone.substring(1), r.getString("display_name"), r.getString("username"));
    String undecodable = r.getString("undecodable");
    InboundMessage.Builder b = (undecodable != null ? InboundMessage.undecodable(undecodable) : InboundMessage.builder())
        .idempotencyKey(r.getString("platform_message_id"))
        .accountRef(r.getString("account_ref"))
        .platformMessageId(r.getString("platform_message_id"))
        .chatId(r.getString("chat_id"))
        .contact(contact)
        .direction(Direction.valueOf(r.getString("direction").toUpperCase(Locale.ROOT)))
        .author(Author.valueOf(r.getString("author").toUpperCase(Locale.ROOT)))
        .type(MessageType.valueOf(r.getString("type").toUpperCase(Locale.ROOT)))
        .text(r.getString("text"))
        .replyToMessageId(r.getString("reply_to"))
        .relatedMessageId(r.getString("related"))
        .forwarded(r.getShort("forwarded") == null ? 0 : r.getShort("forwarded"))
        .occurredAt(r.getOffsetDateTime("platform_ts").toInstant())
        .editedAt(r.getOffsetDateTime("edited_at") == null ? null : r.getOffsetDateTime("edited_at").toInstant())
        .rawJson(r.getString("raw"));
    JsonObject media = content.getJsonObject("media");
    if (media != null) {
      b.media(new MediaRef(media.getString("id"), media.getString("url"), media.getString("mimeType"),
          media.getString("sha256"), media.getString("fileName"), media.getString("caption"),
          media.getLong("sizeBytes"), media.getBoolean("voice", false), media.getBoolean("animated", false)));
    }
    JsonObject l = content.getJsonObject("location");
    if (l != null) {
      b.location(new Location(l.getDouble("latitude"), l.getDouble("longitude"), l.getString("name"),
          l.getString("address"), l.getString("url")));
    }
    JsonArray cards = content.getJsonArray("contacts");
    if (cards != null) {
      List<SharedContact> list = new ArrayList<>();
      for (int i = 0; i < cards.size(); i++) {
        JsonObject c = cards.getJsonObject(i);
        list.add(new SharedContact(c.getString("name"), strings(c.getJsonArray("phones")),
            strings(c.getJsonArray("emails")), c.getString("platformUserId"), c.getString("vcard")));
      }
      b.contacts(list);
    }
    JsonObject i = content.getJsonObject("interactive");
    if (i != null) {
      b.interactive(new InteractiveReply(i.getString("kind"), i.getString("id"), i.getString("title"),
          i.getString("description"), i.getString("responseJson")));
    }
    JsonObject reaction = content.getJsonObject("reaction");
    if (reaction != null) {
      b.reaction(new Reaction(reaction.getString("messageId"), reaction.getString("emoji")));
    }
    JsonObject extras = content.getJsonObject("extras");
    if (extras != null) {
      b.extrasJson(extras.encode());
    }
    String errors = r.getString("errors");
    if (errors != null) {
      List<PlatformError> list = new ArrayList<>();
      Object parsed = new JsonArray(errors);
      for (Object e : (JsonArray) parsed) {
        if (e instanceof JsonObject o) {
          list.add(new PlatformError(o.getString("code"), o.getString("title"), o.getString("message"),
              o.getString("details")));
        }
      }
      b.errors(list);
    }
    return b.build();
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }
}
