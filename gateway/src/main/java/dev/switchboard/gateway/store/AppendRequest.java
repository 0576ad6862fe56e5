package dev.switchboard.gateway.store;

import dev.switchboard.plugin.model.InboundEvent;
import java.time.Instant;
import java.util.List;

/** One webhook call's events to store durably; the reply comes once they are committed. */
public record AppendRequest(String tenantId, String channel, List<InboundEvent> events, Instant receivedAt) {
  public AppendRequest {
    events = List.copyOf(events);
  }
}
