package dev.switchboard.gateway.store;

import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.plugin.model.InboundEvent;
import java.time.Instant;
import java.util.List;

/**
 * One webhook call's events to store durably; the reply comes once they are committed. The call is
 * first admitted against {@code inboundLimit} (the tenant's limit as configured now; null = none),
 * one token per event.
 */
public record AppendRequest(String tenantId, String channel, List<InboundEvent> events, Instant receivedAt,
                            RateLimit inboundLimit) {
  public AppendRequest {
    events = List.copyOf(events);
  }
}
