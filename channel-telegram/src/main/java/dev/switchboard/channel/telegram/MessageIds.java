package dev.switchboard.channel.telegram;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;

import io.vertx.core.json.JsonObject;

/**
 * Platform ids of a message's chat and of messages in it. Telegram message ids are unique only
 * inside a chat, so a message is {@code <chat id>:<message_id>}. Chats of a connected business
 * account live in another id space: they are prefixed {@code biz:<business_connection_id>:}.
 */
final class MessageIds {

  private final String prefix;

  private MessageIds(String prefix) {
    this.prefix = prefix;
  }

  /** The id space of {@code message}: business when it carries a {@code business_connection_id}. */
  static MessageIds of(JsonObject message) {
    String connection = nonBlank(message, "business_connection_id");
    return new MessageIds(connection == null ? "" : "biz:" + connection + ":");
  }

  String chat(String chatId) {
    return prefix + chatId;
  }

  String message(String chatId, String messageId) {
    return prefix + chatId + ":" + messageId;
  }
}
