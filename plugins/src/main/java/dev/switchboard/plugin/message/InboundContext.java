package dev.switchboard.plugin.message;

import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * What a message plugin sees for one inbound message.
 *
 * @param vertx          the host's Vert.x (for timers and clients; do not block its threads)
 * @param tenant         the tenant
 * @param channel        the channel the message came in on
 * @param conversationId the stored conversation's id
 * @param message        the message
 * @param settings       this chain entry's settings from the tenant config (secrets decrypted)
 */
public record InboundContext(Vertx vertx, TenantId tenant, ChannelId channel, long conversationId,
                             InboundMessage message, Map<String, Object> settings) {
  public InboundContext {
    settings = Map.copyOf(settings);
  }
}
