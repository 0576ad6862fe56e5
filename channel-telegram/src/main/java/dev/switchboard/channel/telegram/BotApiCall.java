package dev.switchboard.channel.telegram;

import io.vertx.core.json.JsonObject;

/**
 * One Bot API method call a send is made of.
 *
 * @param method     the Bot API method, e.g. {@code sendMessage}
 * @param params     its JSON parameters (never the token: that is in the URL only)
 * @param idIfNoMessage the id reported as sent when the answer carries no {@code Message}
 *                   ({@code result: true}, or a harmless no-op error): the reacted-to or edited
 *                   message's {@code <chat id>:<message id>}, else the send token
 */
record BotApiCall(String method, JsonObject params, String idIfNoMessage) {

  /** True when the call is addressed to a chat (so a chat migration applies to it). */
  boolean hasChat() {
    return params.containsKey("chat_id");
  }

  /** The same call addressed to {@code chatId} (after Telegram said the chat moved there). */
  BotApiCall toChat(long chatId) {
    return new BotApiCall(method, params.copy().put("chat_id", chatId), idIfNoMessage);
  }
}
