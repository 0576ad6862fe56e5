package dev.switchboard.plugin.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A delivery receipt for a message the business sent.
 *
 * @param idempotencyKey    stable key, e.g. {@code status:<wamid>:<status>}
 * @param accountRef        platform account
 * @param platformMessageId the platform id of the message this status is about
 * @param status            the new status
 * @param recipientId       the recipient's platform id, or null
 * @param errors            errors (for {@code failed})
 * @param extrasJson        pricing / conversation details as JSON object text, or null
 * @param occurredAt        platform timestamp
 * @param rawJson           the platform's JSON for this status
 */
public record StatusUpdate(String idempotencyKey, String accountRef, String platformMessageId,
                           MessageStatus status, String recipientId, List<PlatformError> errors,
                           String extrasJson, Instant occurredAt, String rawJson)
    implements InboundEvent {

  public StatusUpdate {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(platformMessageId, "platformMessageId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(occurredAt, "occurredAt");
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  @Override
  public String eventType() {
    return "status";
  }
}
