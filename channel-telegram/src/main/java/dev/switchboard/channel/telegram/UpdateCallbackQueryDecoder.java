package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.channel.telegram.TgJson.isTrue;
import static dev.switchboard.channel.telegram.TgJson.textId;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code callback_query} (an inline-keyboard button press) as an INTERACTIVE message. Telegram
 * sends the button's {@code callback_data} only; the label the user saw is looked up in the
 * keyboard of the message the button was attached to, when Telegram includes that message.
 */
final class UpdateCallbackQueryDecoder {

  static final String KIND = "callback_query";

  private UpdateCallbackQueryDecoder() {
  }

  static InboundMessage decode(JsonObject query, UpdateContext ctx) {
    String queryId = textId(query, "id");
    if (queryId == null) {
      throw new TgUndecodableException(KIND + ": id missing");
    }
    JsonObject from = object(query, "from");
    ContactRef contact = TgParties.user(from);
    if (contact == null) {
      throw new TgUndecodableException(KIND + ": from missing");
    }
    String data = string(query, "data");
    String game = string(query, "game_short_name");
    String payload = data != null ? data : game;

    JsonObject message = object(query, "message"); // absent for buttons on inline-mode messages
    MessageIds ids = MessageIds.of(message);
    JsonObject chat = object(message, "chat");
    String chatId = id(chat, "id");
    String messageId = id(message, "message_id");

    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("callbackQueryId", queryId);
    put(extras, "chatInstance", string(query, "chat_instance"));
    put(extras, "inlineMessageId", string(query, "inline_message_id"));
    put(extras, "gameShortName", game);
    put(extras, "chatType", string(chat, "type"));
    put(extras, "businessConnectionId", nonBlank(message, "business_connection_id"));
    if (isTrue(from, "is_bot")) {
      extras.put("fromBot", true);
    }
    String title = data == null ? null : buttonLabel(message, data);

    return InboundMessage.builder()
        .idempotencyKey(ctx.key())
        .accountRef(ctx.botId())
        .platformMessageId("cbq:" + queryId)
        .chatId(chatId != null ? ids.chat(chatId) : contact.platformUserId())
        .contact(contact)
        .direction(Direction.INBOUND)
        .author(Author.CONTACT)
        .type(MessageType.INTERACTIVE)
        .text(title)
        .interactive(new InteractiveReply(KIND, payload, title, null, null))
        .replyToMessageId(chatId != null && messageId != null ? ids.message(chatId, messageId) : null)
        .extrasJson(new JsonObject(extras).encode())
        .occurredAt(ctx.receivedAt()) // callback queries carry no date
        .rawJson(ctx.rawJson())
        .build();
  }

  private static void put(Map<String, Object> extras, String key, Object value) {
    if (value != null) {
      extras.put(key, value);
    }
  }

  /** The text of the inline button whose {@code callback_data} is {@code data}, or null. */
  static String buttonLabel(JsonObject message, String data) {
    JsonArray rows = array(object(message, "reply_markup"), "inline_keyboard");
    if (rows == null) {
      return null;
    }
    for (int r = 0; r < rows.size(); r++) {
      if (!(rows.getValue(r) instanceof JsonArray row)) {
        continue;
      }
      for (int b = 0; b < row.size(); b++) {
        if (row.getValue(b) instanceof JsonObject button
            && data.equals(string(button, "callback_data"))) {
          return string(button, "text");
        }
      }
    }
    return null;
  }
}
