package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.channel.telegram.TgJson.integer;
import static dev.switchboard.channel.telegram.TgJson.time;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.Reaction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code message_reaction} (one user, or an anonymous admin's chat, changed their reactions on a
 * message) as a REACTION message. The canonical reaction holds one emoji: the last plain emoji of
 * {@code new_reaction}; without one, the last custom emoji ({@code custom_emoji:<id>}), else
 * {@code paid}; empty when the reactions were removed. Both full lists stay in the extras.
 */
final class UpdateReactionDecoder {

  static final String KIND = "message_reaction";

  private UpdateReactionDecoder() {
  }

  static InboundMessage decode(JsonObject update, UpdateContext ctx) {
    JsonObject chat = object(update, "chat");
    String chatId = id(chat, "id");
    if (chatId == null) {
      throw new TgUndecodableException(KIND + ": chat id missing");
    }
    String messageId = id(update, "message_id");
    if (messageId == null) {
      throw new TgUndecodableException(KIND + ": message_id missing");
    }
    ContactRef contact = TgParties.user(object(update, "user"));
    if (contact == null) {
      contact = TgParties.chat(object(update, "actor_chat"));
    }
    if (contact == null) {
      throw new TgUndecodableException(KIND + ": user or actor_chat missing");
    }
    Instant date = time(update, "date", ctx.receivedAt());
    String target = chatId + ":" + messageId;

    Map<String, Object> extras = new LinkedHashMap<>();
    put(extras, "chatType", string(chat, "type"));
    put(extras, "oldReaction", array(update, "old_reaction"));
    put(extras, "newReaction", array(update, "new_reaction"));

    return InboundMessage.builder()
        .idempotencyKey(ctx.key())
        .accountRef(ctx.botId())
        .platformMessageId("reaction:" + target + ":" + contact.platformUserId() + ":" + ctx.updateId())
        .chatId(chatId)
        .contact(contact)
        .direction(Direction.INBOUND)
        .author(Author.CONTACT)
        .type(MessageType.REACTION)
        .reaction(new Reaction(target, emoji(array(update, "new_reaction"))))
        .extrasJson(extras.isEmpty() ? null : new JsonObject(extras).encode())
        .occurredAt(date)
        .rawJson(ctx.rawJson())
        .build();
  }

  private static void put(Map<String, Object> extras, String key, Object value) {
    if (value != null) {
      extras.put(key, value);
    }
  }

  /** The reaction's single canonical emoji; empty when {@code reactions} is empty or absent. */
  static String emoji(JsonArray reactions) {
    if (reactions == null) {
      return "";
    }
    String emoji = null;
    String custom = null;
    String other = null;
    for (int i = 0; i < reactions.size(); i++) {
      if (!(reactions.getValue(i) instanceof JsonObject r)) {
        continue;
      }
      String type = string(r, "type");
      if ("emoji".equals(type) && nonBlank(r, "emoji") != null) {
        emoji = string(r, "emoji");
      } else if ("custom_emoji".equals(type) && nonBlank(r, "custom_emoji_id") != null) {
        custom = "custom_emoji:" + string(r, "custom_emoji_id");
      } else if ("paid".equals(type)) {
        other = "paid";
      } else if (type != null && !type.isBlank() && other == null) {
        other = TgJson.clip(type); // a reaction type newer than this decoder: never "removed"
      }
    }
    return emoji != null ? emoji : custom != null ? custom : other != null ? other : "";
  }
}
