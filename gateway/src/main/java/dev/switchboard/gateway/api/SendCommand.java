package dev.switchboard.gateway.api;

import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code POST /v1/messages} body.
 *
 * @param channel          the channel, or null when only {@code conversationId} was given
 * @param to               the recipient as given, or null with {@code conversationId}
 * @param conversationId   the conversation to send to (database id), or null
 * @param type             what is sent
 * @param content          the send in the outbox's form (see {@code OutboundJson}), without recipient
 * @param text             the text (or caption, or interactive body) stored with the message
 * @param referencedId     the message quoted ({@code replyTo}) or reacted to, as a database id, or null
 * @param idempotencyKey   the client's key, or null
 * @param requestHash      SHA-256 of the canonical request body (same key + same body = same send)
 */
public record SendCommand(String channel, String to, Long conversationId, MessageType type, JsonObject content,
                          String text, Long referencedId, String idempotencyKey, String requestHash) {
}
