package dev.switchboard.plugin.channel;

import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.Future;

/**
 * Sends messages through one tenant's account on one platform. Turns an {@link OutboundMessage}
 * into the platform's HTTP call and classifies the answer; retries, pacing and dead letters are the
 * host's job. The returned future fails only on programming errors; platform and network trouble is
 * a {@link SendOutcome}.
 */
public interface ChannelSender {
  Future<SendOutcome> send(OutboundMessage message);
}
