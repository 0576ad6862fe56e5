package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an {@link OutboundMessage} into the Bot API calls that deliver it, in order. Pure: no I/O.
 * A text over {@value #TEXT_LIMIT} UTF-16 units becomes several {@code sendMessage} calls (the
 * reply on the first, the keyboard on the last). Anything Telegram could never accept is refused
 * here with a {@link SendRejection}, before a call is made.
 */
final class SendPlanner {
  static final int TEXT_LIMIT = 4096;
  static final int CAPTION_LIMIT = 1024;

  private static final Pattern CHAT_ID = Pattern.compile("-?\\d{1,19}");
  private static final Pattern CHANNEL_USERNAME = Pattern.compile("@[A-Za-z0-9_]{4,32}");
  private static final Pattern MESSAGE_ID = Pattern.compile("\\d{1,10}");

  private SendPlanner() {
  }

  /** The calls, in order (at least one). */
  static List<BotApiCall> plan(OutboundMessage message) {
    Object chatId = chatId(message.to());
    Extras extras = Extras.parse(message.extrasJson());
    return switch (message.type()) {
      case TEXT, INTERACTIVE -> text(message, chatId, extras);
      case IMAGE -> List.of(media(message, chatId, extras, "sendPhoto", "photo", true));
      case DOCUMENT -> List.of(media(message, chatId, extras, "sendDocument", "document", true));
      case AUDIO -> List.of(media(message, chatId, extras, "sendAudio", "audio", true));
      case VOICE -> List.of(media(message, chatId, extras, "sendVoice", "voice", true));
      case VIDEO -> List.of(media(message, chatId, extras, "sendVideo", "video", true));
      case ANIMATION -> List.of(media(message, chatId, extras, "sendAnimation", "animation", true));
      case STICKER -> List.of(media(message, chatId, extras, "sendSticker", "sticker", false));
      case VIDEO_NOTE -> List.of(media(message, chatId, extras, "sendVideoNote", "video_note", false));
      case LOCATION, VENUE -> List.of(location(message, chatId, extras));
      case CONTACTS -> List.of(contact(message, chatId, extras));
      case REACTION -> List.of(reaction(message, chatId));
      case EDIT -> List.of(edit(message, chatId, extras));
      case SYSTEM -> List.of(system(message, chatId, extras));
      default -> throw new SendRejection(SendRejection.UNSUPPORTED_TYPE,
          "Telegram sending does not support type " + message.type().label());
    };
  }

  private static List<BotApiCall> text(OutboundMessage message, Object chatId, Extras extras) {
    if (message.text() == null || message.text().isBlank()) {
      throw SendRejection.invalid("text is empty");
    }
    JsonObject markup = KeyboardMarkup.from(message.interactiveJson());
    JsonObject reply = replyParameters(message.replyToMessageId());
    List<String> parts = TextSplitter.split(message.text(), TEXT_LIMIT);
    List<BotApiCall> calls = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      JsonObject params = extras.common(chatId).put("text", parts.get(i));
      extras.putParseMode(params);
      putIfSet(params, "reply_parameters", i == 0 ? reply : null);
      putIfSet(params, "reply_markup", i == parts.size() - 1 ? markup : null);
      calls.add(new BotApiCall("sendMessage", params, message.sendToken()));
    }
    return calls;
  }

  private static BotApiCall media(OutboundMessage message, Object chatId, Extras extras, String method,
                                  String field, boolean takesCaption) {
    MediaRef media = message.media();
    String file = media == null ? null : media.id() != null && !media.id().isBlank() ? media.id() : media.url();
    if (file == null || file.isBlank()) {
      throw SendRejection.invalid("media needs a Telegram file_id (media.id) or a URL (media.url)");
    }
    JsonObject params = extras.common(chatId).put(field, file);
    String caption = message.text() != null ? message.text() : media.caption();
    if (takesCaption && caption != null && !caption.isEmpty()) {
      if (caption.length() > CAPTION_LIMIT) {
        throw SendRejection.invalid("caption is " + caption.length() + " characters; Telegram takes at most "
            + CAPTION_LIMIT);
      }
      params.put("caption", caption);
      extras.putParseMode(params);
    }
    putIfSet(params, "reply_parameters", replyParameters(message.replyToMessageId()));
    putIfSet(params, "reply_markup", KeyboardMarkup.from(message.interactiveJson()));
    return new BotApiCall(method, params, message.sendToken());
  }

  private static BotApiCall location(OutboundMessage message, Object chatId, Extras extras) {
    Location location = message.location();
    if (location == null) {
      throw SendRejection.invalid("location is missing");
    }
    JsonObject params = extras.common(chatId)
        .put("latitude", location.latitude()).put("longitude", location.longitude());
    boolean venue = location.name() != null && !location.name().isBlank()
        && location.address() != null && !location.address().isBlank();
    if (venue) {
      params.put("title", location.name()).put("address", location.address());
    }
    putIfSet(params, "reply_parameters", replyParameters(message.replyToMessageId()));
    putIfSet(params, "reply_markup", KeyboardMarkup.from(message.interactiveJson()));
    return new BotApiCall(venue ? "sendVenue" : "sendLocation", params, message.sendToken());
  }

  private static BotApiCall contact(OutboundMessage message, Object chatId, Extras extras) {
    if (message.contacts().isEmpty()) {
      throw SendRejection.invalid("contacts is empty");
    }
    SharedContact contact = message.contacts().get(0);
    String phone = contact.phones().isEmpty() ? null : contact.phones().get(0);
    if (phone == null || phone.isBlank()) {
      throw SendRejection.invalid("the contact needs a phone number");
    }
    String name = contact.name() != null && !contact.name().isBlank() ? contact.name() : phone;
    JsonObject params = extras.common(chatId).put("phone_number", phone).put("first_name", name);
    putIfSet(params, "vcard", contact.vcard());
    putIfSet(params, "reply_parameters", replyParameters(message.replyToMessageId()));
    putIfSet(params, "reply_markup", KeyboardMarkup.from(message.interactiveJson()));
    return new BotApiCall("sendContact", params, message.sendToken());
  }

  private static BotApiCall reaction(OutboundMessage message, Object chatId) {
    if (message.reaction() == null) {
      throw SendRejection.invalid("reaction is missing");
    }
    MessageRef target = messageRef(message.reaction().targetMessageId(), chatId, "reaction.targetMessageId");
    JsonArray reactions = new JsonArray();
    if (!message.reaction().removed()) {
      reactions.add(new JsonObject().put("type", "emoji").put("emoji", message.reaction().emoji()));
    }
    JsonObject params = new JsonObject().put("chat_id", target.chatId())
        .put("message_id", target.messageId()).put("reaction", reactions);
    return new BotApiCall("setMessageReaction", params, target.id());
  }

  private static BotApiCall edit(OutboundMessage message, Object chatId, Extras extras) {
    MessageRef target = messageRef(message.targetMessageId(), chatId, "targetMessageId");
    String text = message.text();
    if (text == null || text.isBlank()) {
      throw SendRejection.invalid("text is empty");
    }
    if (text.length() > TEXT_LIMIT) {
      throw SendRejection.invalid("an edit's text is " + text.length() + " characters; Telegram takes at most "
          + TEXT_LIMIT + " and an edit cannot be split");
    }
    JsonObject markup = KeyboardMarkup.from(message.interactiveJson());
    if (markup != null && !KeyboardMarkup.isInline(markup)) {
      throw SendRejection.invalid("an edit can carry buttons or a list only (inline keyboard)");
    }
    JsonObject params = new JsonObject().put("chat_id", target.chatId())
        .put("message_id", target.messageId()).put("text", text);
    extras.putParseMode(params);
    putIfSet(params, "business_connection_id", extras.businessConnectionId());
    putIfSet(params, "reply_markup", markup);
    return new BotApiCall("editMessageText", params, target.id());
  }

  private static BotApiCall system(OutboundMessage message, Object chatId, Extras extras) {
    String action = extras.string("action");
    if ("typing".equals(action)) {
      JsonObject params = new JsonObject().put("chat_id", chatId).put("action", "typing");
      putIfSet(params, "message_thread_id", extras.threadId());
      putIfSet(params, "business_connection_id", extras.businessConnectionId());
      return new BotApiCall("sendChatAction", params, message.sendToken());
    }
    if ("answerCallback".equals(action)) {
      String queryId = extras.string("callbackQueryId");
      if (queryId == null) {
        throw SendRejection.invalid("answerCallback needs extras.callbackQueryId");
      }
      JsonObject params = new JsonObject().put("callback_query_id", queryId);
      putIfSet(params, "text", message.text() == null || message.text().isEmpty() ? null : message.text());
      if (Boolean.TRUE.equals(extras.value("showAlert"))) {
        params.put("show_alert", true);
      }
      return new BotApiCall("answerCallbackQuery", params, message.sendToken());
    }
    throw new SendRejection(SendRejection.UNSUPPORTED_TYPE,
        "system action '" + action + "' is not supported (typing, answerCallback)");
  }

  /** {@code to}: a chat id (decimal, negative for groups) or a {@code @channelusername}. */
  private static Object chatId(String to) {
    String value = to.trim();
    if (CHAT_ID.matcher(value).matches()) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new SendRejection(SendRejection.INVALID_RECIPIENT, "chat id is out of range");
      }
    }
    if (CHANNEL_USERNAME.matcher(value).matches()) {
      return value;
    }
    throw new SendRejection(SendRejection.INVALID_RECIPIENT,
        "'to' must be a Telegram chat id (digits, '-' for groups) or an @channelusername");
  }

  private static JsonObject replyParameters(String replyToMessageId) {
    if (replyToMessageId == null || replyToMessageId.isBlank()) {
      return null;
    }
    MessageRef target = messageRef(replyToMessageId, null, "replyToMessageId");
    return new JsonObject().put("message_id", target.messageId()).put("allow_sending_without_reply", true);
  }

  /**
   * A stored message id {@code <chat id>:<message id>} (a bare message id means the recipient's
   * chat).
   */
  private static MessageRef messageRef(String id, Object defaultChat, String field) {
    String value = id == null ? "" : id.trim();
    int colon = value.lastIndexOf(':');
    String chatPart = colon < 0 ? null : value.substring(0, colon);
    String messagePart = value.substring(colon + 1);
    if (!MESSAGE_ID.matcher(messagePart).matches()
        || chatPart != null && !CHAT_ID.matcher(chatPart).matches() && !CHANNEL_USERNAME.matcher(chatPart).matches()) {
      throw SendRejection.invalid(field + " must be '<chat id>:<message id>'");
    }
    Object chat = chatPart == null ? defaultChat : chatId(chatPart);
    return new MessageRef(chat, Long.parseLong(messagePart));
  }

  private static void putIfSet(JsonObject params, String name, Object value) {
    if (value != null) {
      params.put(name, value);
    }
  }

  /** A message in a chat; {@code chatId} is a Long, a {@code @username} or null (unknown). */
  private record MessageRef(Object chatId, long messageId) {
    String id() {
      return chatId + ":" + messageId;
    }
  }

  /** {@code extrasJson}: the Telegram options the canonical model has no field for. */
  private record Extras(JsonObject json) {

    static Extras parse(String extrasJson) {
      if (extrasJson == null || extrasJson.isBlank()) {
        return new Extras(new JsonObject());
      }
      try {
        return new Extras(new JsonObject(extrasJson));
      } catch (DecodeException | ClassCastException e) {
        throw SendRejection.invalid("extrasJson is not a JSON object");
      }
    }

    Object value(String name) {
      return json.getValue(name);
    }

    String string(String name) {
      return json.getValue(name) instanceof String s && !s.isBlank() ? s : null;
    }

    String businessConnectionId() {
      return string("businessConnectionId");
    }

    /** {@code threadId} as a number (given as a number or as digits). */
    Long threadId() {
      Object value = json.getValue("threadId");
      if (value == null) {
        return null;
      }
      if (value instanceof Number n) {
        return n.longValue();
      }
      if (value instanceof String s && MESSAGE_ID.matcher(s.trim()).matches()) {
        return Long.parseLong(s.trim());
      }
      throw SendRejection.invalid("extras.threadId must be a forum topic's message thread id");
    }

    /** The parameters every send method shares: chat, thread, business connection, notification. */
    JsonObject common(Object chatId) {
      JsonObject params = new JsonObject().put("chat_id", chatId);
      putIfSet(params, "message_thread_id", threadId());
      putIfSet(params, "business_connection_id", businessConnectionId());
      if (value("disableNotification") instanceof Boolean silent) {
        params.put("disable_notification", silent);
      }
      return params;
    }

    void putParseMode(JsonObject params) {
      putIfSet(params, "parse_mode", string("parseMode"));
    }
  }
}
