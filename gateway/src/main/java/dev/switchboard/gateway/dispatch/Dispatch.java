package dev.switchboard.gateway.dispatch;

import dev.switchboard.plugin.model.InboundMessage;

/**
 * A new inbound message, durably stored, to be handed to its tenant's message plugins. Published on
 * {@link dev.switchboard.plugin.bus.Addresses#DISPATCH} by the inbox store after the commit; never
 * for a message of a paused conversation (human takeover). Undecodable messages are dispatched too
 * ({@link InboundMessage#undecodable()} says why), so the bot learns that something arrived.
 *
 * @param tenantId       the tenant
 * @param channel        the channel id
 * @param conversationId the stored conversation; null only for an undecodable message whose sender
 *                       or chat is unknown (it belongs to no conversation, and nobody can be answered)
 * @param message        the message as decoded
 */
public record Dispatch(String tenantId, String channel, Long conversationId, InboundMessage message) {
}
