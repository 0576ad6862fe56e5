package dev.switchboard.plugin.model;

import java.time.Instant;

/**
 * One thing a platform told us in a webhook call. A call may carry several.
 * Each has an idempotency key that is stable across platform retries: the gateway stores each
 * key once per tenant and channel.
 */
public sealed interface InboundEvent permits InboundMessage, StatusUpdate, PlatformNotice, ContactState, ChatMigration {

  /** Stable per tenant and channel across retries (e.g. the WhatsApp wamid). */
  String idempotencyKey();

  /** The platform account it arrived for (WhatsApp phone_number_id, Telegram bot id, Evolution instance). */
  String accountRef();

  /** When the platform says it happened; the gateway's receive time when the platform gives none. */
  Instant occurredAt();

  /**
   * Short type tag for the event ledger, e.g. {@code message}, {@code message:undecodable},
   * {@code status}, {@code notice:error}.
   */
  String eventType();

  /** The platform's JSON for this one event (not the whole call), for audit and debugging. */
  String rawJson();
}
