package dev.switchboard.gateway.store;

import java.time.Instant;

/** An audit row for an authentic call we could not decode (kept so an operator can see what came). */
public record AuditRecord(String tenantId, String channel, String idemKey, String detail,
                          String bodyExcerpt, Instant receivedAt) {
}
