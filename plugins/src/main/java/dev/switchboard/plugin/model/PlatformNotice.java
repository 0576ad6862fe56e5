package dev.switchboard.plugin.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something a webhook carried that is not a message or a receipt: a webhook-level error, a field
 * we do not handle, an event for an account that is not the tenant's, an account state change.
 * These are acknowledged, recorded in the event ledger, and counted.
 *
 * @param idempotencyKey stable key (platforms give none for most of these: decoders hash the raw JSON)
 * @param accountRef     platform account, or null
 * @param kind           what it is
 * @param detail         short machine-readable detail (the unhandled field's name, the foreign account id…)
 * @param errors         platform errors carried, if any
 * @param occurredAt     platform timestamp or receive time
 * @param rawJson        the platform's JSON
 */
public record PlatformNotice(String idempotencyKey, String accountRef, Kind kind, String detail,
                             List<PlatformError> errors, Instant occurredAt, String rawJson)
    implements InboundEvent {

  /** What kind of notice. */
  public enum Kind {
    /** The platform reported an error about the webhook or the account. */
    ERROR,
    /** A field or event kind this channel does not handle (acknowledged, counted, not an error). */
    UNHANDLED,
    /**
     * One item of an authentic call that could not be decoded (no id, wrong shape) and is not a
     * message (a receipt, a button press, an account event…): recorded with its raw JSON and
     * counted, while the rest of the call is stored as usual. A message item that cannot be decoded
     * is not a notice: it becomes an {@linkplain InboundMessage#undecodable() undecodable} message.
     */
    UNDECODABLE,
    /** Addressed to a platform account that is not the tenant's configured one: not stored as a message. */
    FOREIGN_ACCOUNT,
    /**
     * The platform account's state changed. {@code detail} is the state: {@code open},
     * {@code connecting}, {@code close}, {@code refused} (Evolution connection states) or {@code qr}
     * (a new pairing QR code is waiting to be scanned). The gateway keeps the latest per account.
     */
    ACCOUNT_STATE
  }

  public PlatformNotice {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(occurredAt, "occurredAt");
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  @Override
  public String eventType() {
    return "notice:" + kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
