package dev.switchboard.plugin.message;

import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.Map;

/**
 * What a message plugin sees for one inbound message.
 *
 * @param vertx          the host's Vert.x (for timers; do not block its threads)
 * @param httpClient     the host's pooled HTTP client (one pool per server); do not close it
 * @param tenant         the tenant
 * @param channel        the channel the message came in on
 * @param conversationId the stored conversation's database id; 0 for an undecodable message whose
 *                       sender is unknown (it has no conversation)
 * @param message        the message
 * @param settings       this chain entry's settings from the tenant config (secrets decrypted)
 * @param ids            the message's public ids and its stable event id
 * @param attempt        1 for the first run of this plugin on this message, then 2, 3… on retries
 */
public record InboundContext(Vertx vertx, HttpClient httpClient, TenantId tenant, ChannelId channel,
                             long conversationId, InboundMessage message, Map<String, Object> settings,
                             EventIds ids, int attempt) {
  public InboundContext {
    settings = Map.copyOf(settings);
  }

  /**
   * The ids the HTTP API and bots know the message by.
   *
   * @param eventId        stable for this message: the same on every retry and replay (Standard
   *                       Webhooks' {@code webhook-id}), so receivers can deduplicate
   * @param messageId      the message's API id ({@code msg_…})
   * @param conversationId the conversation's API id ({@code conv_…}), or null (an undecodable message
 *                       whose sender is unknown)
   * @param contactId      the contact's API id ({@code ct_…}), or null
   * @param contactPhone   the contact's E.164 phone, or null
   * @param contactName    the contact's display name as stored, or null
   */
  public record EventIds(String eventId, String messageId, String conversationId, String contactId,
                         String contactPhone, String contactName) {
  }
}
