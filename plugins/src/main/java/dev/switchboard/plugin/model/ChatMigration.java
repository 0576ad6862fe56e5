package dev.switchboard.plugin.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A chat changed its platform id (Telegram: a group upgraded to a supergroup,
 * {@code migrate_to_chat_id} / {@code migrate_from_chat_id}). The gateway moves the open
 * conversation of {@code fromChatId} to {@code toChatId}, so its history follows the chat.
 *
 * @param idempotencyKey stable key
 * @param accountRef     platform account
 * @param fromChatId     the old chat id
 * @param toChatId       the new chat id
 * @param occurredAt     platform timestamp
 * @param rawJson        the platform's JSON
 */
public record ChatMigration(String idempotencyKey, String accountRef, String fromChatId, String toChatId,
                            Instant occurredAt, String rawJson) implements InboundEvent {
  public ChatMigration {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(fromChatId, "fromChatId");
    Objects.requireNonNull(toChatId, "toChatId");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  @Override
  public String eventType() {
    return "chat:migrated";
  }
}
