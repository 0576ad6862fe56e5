package dev.switchboard.gateway.outbound;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outbox's form of a send (its {@code payload} column), and how it becomes the plugin API's
 * {@link OutboundMessage}. The payload is the API's content ({@code type}, {@code text},
 * {@code media}, {@code template}, {@code interactive}, {@code reaction}, {@code location},
 * {@code contacts}, {@code previewUrl}) plus {@code to} (the chat id), {@code sendToken}, and —
 * written by the database when the send quotes or reacts to a stored message —
 * {@code refPlatformId} and {@code refFromMe}.
 */
public final class OutboundJson {
  private OutboundJson() {
  }

  /** The payload of a send to {@code chatId} with {@code sendToken}. */
  public static JsonObject payload(JsonObject content, String chatId, String sendToken) {
    return content.copy().put("to", chatId).put("sendToken", sendToken);
  }

  public static OutboundMessage toMessage(JsonObject p) {
    String type = p.getString("type");
    MessageType kind = MessageType.valueOf(type.toUpperCase(Locale.ROOT));
    String ref = p.getString("refPlatformId");
    JsonObject extras = new JsonObject();
    if (Boolean.TRUE.equals(p.getBoolean("previewUrl"))) {
      extras.put("previewUrl", true);
    }
    if (p.getValue("refFromMe") instanceof Boolean fromMe) {
      extras.put("targetFromMe", fromMe);
    }
    String text = p.getString("text");
    MediaRef media = null;
    JsonObject m = p.getJsonObject("media");
    if (m != null) {
      media = new MediaRef(m.getString("id"), m.getString("url"), null, null, m.getString("filename"),
          m.getString("caption"), null, kind == MessageType.VOICE, false);
      text = m.getString("caption");
    }
    Location location = null;
    JsonObject l = p.getJsonObject("location");
    if (l != null) {
      location = new Location(l.getDouble("latitude"), l.getDouble("longitude"), l.getString("name"),
          l.getString("address"), null);
    }
    List<SharedContact> contacts = new ArrayList<>();
    JsonArray cards = p.getJsonArray("contacts");
    if (cards != null) {
      for (int i = 0; i < cards.size(); i++) {
        JsonObject c = cards.getJsonObject(i);
        List<String> phones = new ArrayList<>();
        c.getJsonArray("phones").forEach(v -> phones.add((String) v));
        contacts.add(new SharedContact(c.getString("name"), phones, List.of(), null, null));
      }
    }
    Reaction reaction = null;
    String replyTo = ref;
    if (kind == MessageType.REACTION) {
      reaction = new Reaction(ref, p.getJsonObject("reaction").getString("emoji", ""));
      replyTo = null;
    }
    JsonObject template = p.getJsonObject("template");
    JsonObject interactive = p.getJsonObject("interactive");
    return new OutboundMessage(p.getString("sendToken"), p.getString("to"), kind, text, media, location, contacts,
        template == null ? null : template.encode(), interactive == null ? null : interactive.encode(), reaction,
        replyTo, null, extras.isEmpty() ? null : extras.encode());
  }
}
