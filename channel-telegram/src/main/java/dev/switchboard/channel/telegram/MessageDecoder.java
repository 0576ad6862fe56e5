package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.channel.telegram.TgJson.integer;
import static dev.switchboard.channel.telegram.TgJson.isTrue;
import static dev.switchboard.channel.telegram.TgJson.time;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ChatMigration;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message-like update item ({@code message}, {@code channel_post}, {@code business_message}
 * and their {@code edited_*} versions) as an {@link InboundMessage}, or as a {@link ChatMigration}
 * for the service messages that announce a group's move to a supergroup.
 */
final class MessageDecoder {

  private static final List<String> LEGACY_FORWARD_FIELDS = List.of("forward_from",
      "forward_from_chat", "forward_from_message_id", "forward_signature", "forward_sender_name",
      "forward_date");

  private MessageDecoder() {
  }

  /**
   * @param kind   the update field the message came in (for notice details)
   * @param edited true for the {@code edited_*} kinds: the result carries {@code editedAt}
   * @throws TgUndecodableException when the message has no chat id, message id or sender
   */
  static InboundEvent decode(String kind, JsonObject m, UpdateContext ctx, boolean edited) {
    JsonObject chat = object(m, "chat");
    String chatId = id(chat, "id");
    if (chatId == null) {
      throw new TgUndecodableException(kind + ": chat id missing");
    }
    String messageId = id(m, "message_id");
    if (messageId == null) {
      throw new TgUndecodableException(kind + ": message_id missing");
    }
    if ("0".equals(messageId)) {
      throw new TgUndecodableException(kind + ": scheduled message (message_id 0)");
    }
    Instant date = time(m, "date", ctx.receivedAt());
    ChatMigration migration = migration(kind, m, chatId, date, ctx);
    if (migration != null) {
      return migration;
    }
    ContactRef contact = TgParties.sender(m);
    if (contact == null) {
      throw new TgUndecodableException(kind + ": sender missing");
    }
    MessageIds ids = MessageIds.of(m);
    MessageContent content = MessageContentDecoder.decode(m);

    Map<String, Object> extras = new LinkedHashMap<>();
    put(extras, "chatType", string(chat, "type"));
    put(extras, "businessConnectionId", nonBlank(m, "business_connection_id"));
    put(extras, "threadId", integer(m, "message_thread_id"));
    if (isTrue(m, "is_topic_message")) {
      extras.put("isTopicMessage", true);
    }
    put(extras, "mediaGroupId", nonBlank(m, "media_group_id"));
    JsonObject forwardOrigin = forwardOrigin(m);
    put(extras, "forwardOrigin", forwardOrigin);
    if (isTrue(m, "is_automatic_forward")) {
      extras.put("automaticForward", true);
    }
    put(extras, "quote", object(m, "quote"));
    put(extras, "externalReply", object(m, "external_reply"));
    JsonObject from = object(m, "from");
    if (isTrue(from, "is_bot") && contact.platformUserId().equals(id(from, "id"))) {
      extras.put("fromBot", true);
    }
    extras.putAll(content.extras);

    return InboundMessage.builder()
        .idempotencyKey(ctx.key())
        .accountRef(ctx.botId())
        .platformMessageId(ids.message(chatId, messageId))
        .chatId(ids.chat(chatId))
        .contact(contact)
        .direction(Direction.INBOUND)
        .author(Author.CONTACT)
        .type(content.type)
        .text(content.text)
        .media(content.media)
        .location(content.location)
        .contacts(content.contacts)
        .replyToMessageId(replyTo(m, chatId, ids))
        .relatedMessageId(pinned(m, chatId, ids))
        .forwarded(forwardOrigin == null ? 0 : 1)
        .errors(content.errors)
        .extrasJson(extras.isEmpty() ? null : new JsonObject(extras).encode())
        .occurredAt(date)
        .editedAt(edited ? time(m, "edit_date", ctx.receivedAt()) : null)
        .rawJson(ctx.rawJson())
        .build();
  }

  /**
   * A message-like update item that could not be read ({@code m} may be null), kept as an
   * UNSUPPORTED message flagged with {@code reason}: its platform id when its chat and message id
   * can be read (else {@code undecodable:<update key>}), its chat and sender when they can, the
   * whole update as raw JSON. Never an edit: an unreadable edit does not replace what is stored.
   */
  static InboundMessage undecodable(JsonObject m, UpdateContext ctx, String reason, Instant when) {
    String chatId = id(object(m, "chat"), "id");
    String messageId = id(m, "message_id");
    MessageIds ids = MessageIds.of(m);
    ContactRef sender;
    try {
      sender = TgParties.sender(m);
    } catch (RuntimeException e) { // as unreadable as the rest: no sender then
      sender = null;
    }
    return InboundMessage.undecodable(reason)
        .idempotencyKey(ctx.key())
        .accountRef(ctx.botId())
        .platformMessageId(chatId != null && messageId != null && !"0".equals(messageId)
            ? ids.message(chatId, messageId) : "undecodable:" + ctx.key())
        .chatId(chatId == null ? null : ids.chat(chatId))
        .contact(sender)
        .occurredAt(when)
        .rawJson(ctx.rawJson())
        .build();
  }

  private static void put(Map<String, Object> extras, String key, Object value) {
    if (value != null) {
      extras.put(key, value);
    }
  }

  /** The migration a service message announces, or null when it announces none. */
  private static ChatMigration migration(String kind, JsonObject m, String chatId, Instant date,
                                         UpdateContext ctx) {
    if (m.getValue("migrate_to_chat_id") != null) { // sent in the old group
      String to = id(m, "migrate_to_chat_id");
      if (to == null) {
        throw new TgUndecodableException(kind + ": migrate_to_chat_id is not an id");
      }
      return new ChatMigration(ctx.key(), ctx.botId(), chatId, to, date, ctx.rawJson());
    }
    if (m.getValue("migrate_from_chat_id") != null) { // sent in the new supergroup
      String from = id(m, "migrate_from_chat_id");
      if (from == null) {
        throw new TgUndecodableException(kind + ": migrate_from_chat_id is not an id");
      }
      return new ChatMigration(ctx.key(), ctx.botId(), from, chatId, date, ctx.rawJson());
    }
    return null;
  }

  /**
   * The quoted message: {@code reply_to_message} (same id space, its chat or this one), else an
   * {@code external_reply} that names its chat and message.
   */
  private static String replyTo(JsonObject m, String chatId, MessageIds ids) {
    JsonObject reply = object(m, "reply_to_message");
    String replyId = id(reply, "message_id");
    if (replyId != null) {
      String replyChat = id(object(reply, "chat"), "id");
      return ids.message(replyChat != null ? replyChat : chatId, replyId);
    }
    JsonObject external = object(m, "external_reply");
    String externalChat = id(object(external, "chat"), "id");
    String externalId = id(external, "message_id");
    return externalChat != null && externalId != null ? externalChat + ":" + externalId : null;
  }

  /** For a pinned_message service message, the pinned message's platform id. */
  private static String pinned(JsonObject m, String chatId, MessageIds ids) {
    JsonObject pinned = object(m, "pinned_message");
    String pinnedId = id(pinned, "message_id");
    if (pinnedId == null) {
      return null;
    }
    String pinnedChat = id(object(pinned, "chat"), "id");
    return ids.message(pinnedChat != null ? pinnedChat : chatId, pinnedId);
  }

  /** {@code forward_origin}, or the legacy {@code forward_*} fields gathered in one object. */
  private static JsonObject forwardOrigin(JsonObject m) {
    JsonObject origin = object(m, "forward_origin");
    if (origin != null) {
      return origin;
    }
    JsonObject legacy = new JsonObject();
    for (String field : LEGACY_FORWARD_FIELDS) {
      Object value = m.getValue(field);
      if (value != null) {
        legacy.put(field, value);
      }
    }
    return legacy.isEmpty() ? null : legacy;
  }
}
