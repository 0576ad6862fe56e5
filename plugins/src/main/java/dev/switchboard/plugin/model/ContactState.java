package dev.switchboard.plugin.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The contact blocked or unblocked the business (Telegram {@code my_chat_member} in a private chat:
 * {@code kicked} = blocked, {@code member} = unblocked). The gateway flags the contact; nothing is
 * dispatched and no reply is sent.
 *
 * @param idempotencyKey stable key
 * @param accountRef     platform account
 * @param contact        the person
 * @param blocked        true when they blocked the business, false when they unblocked it
 * @param occurredAt     platform timestamp
 * @param rawJson        the platform's JSON
 */
public record ContactState(String idempotencyKey, String accountRef, ContactRef contact, boolean blocked,
                           Instant occurredAt, String rawJson) implements InboundEvent {
  public ContactState {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  @Override
  public String eventType() {
    return blocked ? "contact:blocked" : "contact:unblocked";
  }
}
