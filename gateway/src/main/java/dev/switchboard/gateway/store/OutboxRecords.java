package dev.switchboard.gateway.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The records the outbox store answers on the bus (all immutable, local to one JVM). */
public final class OutboxRecords {
  private OutboxRecords() {
  }

  /**
   * One accepted send to store ({@code outbox_enqueue_batch}, one element of a batch).
   *
   * @param conversationId the conversation given by the client, or null (then channel + chatId)
   * @param contactUserId  the platform user id of the contact to create when the chat is new
   * @param phone          the contact's E.164 phone when the recipient is a phone number, else null
   * @param window         the free-form window to enforce (WhatsApp: 24 h), or null
   */
  public record Enqueue(String tenantId, String channel, String accountRef, Long conversationId, String chatId,
                        String contactUserId, String phone, String idempotencyKey, String requestHash,
                        String sendToken, String type, String text, String contentJson, Long referencedId,
                        String payloadJson, Duration window) {
  }

  /** What {@code outbox_enqueue_batch} said of one send. */
  public record Enqueued(String outcome, Long messageId, Long conversationId, String status, String requestHash,
                         String detail) {
    public boolean queued() {
      return "queued".equals(outcome);
    }
  }

  /** Lease up to {@code limit} due rows of {@code channel}. */
  public record Claim(String channel, String owner, int limit, Duration lease) {
  }

  /**
   * One claimed outbox row. {@code inDoubt}: a previous owner recorded "sending" and never the answer.
   * {@code leaseLeft}: how much of the lease was left when the database granted it (the lease began at
   * the claim's start, however long the claim took).
   */
  public record Item(long id, String tenantId, String channel, long messageId, long conversationId,
                     String payloadJson, boolean inDoubt, int attempts, Instant acceptedAt, Duration leaseLeft) {
  }

  public record Claimed(List<Item> items) {
    public Claimed {
      items = List.copyOf(items);
    }
  }

  /** What to record of one row ({@code outbox_settle}). */
  public enum Kind { SENDING, SENT, RETRY, RELEASE, FAILED }

  /**
   * @param platformMessageId for SENT
   * @param delay             for RETRY and RELEASE
   * @param recipientUnreachable for FAILED: flag the contact as unreachable
   * @param accountUnusable   for FAILED: flag the channel account down
   * @param chatMove          for SENT: the chat the send found moved (re-key its conversation), or null
   */
  public record Settlement(Item item, Kind kind, String platformMessageId, Duration delay, String code,
                           String detail, boolean recipientUnreachable, boolean accountUnusable,
                           ChatMove chatMove) {
    public Settlement(Item item, Kind kind, String platformMessageId, Duration delay, String code,
                      String detail, boolean recipientUnreachable, boolean accountUnusable) {
      this(item, kind, platformMessageId, delay, code, detail, recipientUnreachable, accountUnusable, null);
    }

    public static Settlement of(Item item, Kind kind) {
      return new Settlement(item, kind, null, Duration.ZERO, null, null, false, false);
    }
  }

  /**
   * A send's chat changed its id (Telegram: a group upgraded to a supergroup); the message went to
   * {@code toChatId}. Recorded with the send: the tenant's conversation of {@code fromChatId} and its
   * queued sends follow the new id ({@code chat_migrate}, V19).
   */
  public record ChatMove(String fromChatId, String toChatId) {
  }

  public record Settle(String owner, List<Settlement> settlements) {
    public Settle {
      settlements = List.copyOf(settlements);
    }
  }

  /** How many dead letters a settle made. */
  public record Settled(int deadLetters) {
  }

  /** The channel and chat of a tenant's conversation (for a send given only a conversationId). */
  public record ConversationQuery(String tenantId, long conversationId) {
  }

  /** A conversation's channel and chat id; {@code channel} is null when the tenant has no such conversation. */
  public record ConversationRef(String channel, String chatId) {
  }

  /** Read one message of a tenant. */
  public record MessageQuery(String tenantId, long messageId) {
  }

  /** Dead letters: one ({@code id}), or a page of a tenant's / everyone's, newest first. */
  public record DeadLetterQuery(Long id, String tenantId, String kind, Long beforeId, int limit) {
  }

  public record DeadLetterReplay(long id) {
  }

  /** A result carried as JSON text for the HTTP edge (a message, a dead letter, a page): built once, never parsed on the bus. */
  public record JsonAnswer(String json) {
  }
}
