package dev.switchboard.gateway.ai;

import java.time.Instant;
import java.util.List;

/** The records the AI store answers on the bus (immutable, local to one JVM). */
public final class AiRecords {
  private AiRecords() {
  }

  /**
   * A conversation's messages before {@code beforeMessageId}, for a model's prompt.
   *
   * @param historyLimit how many (0: none, only the memory flag)
   */
  public record ContextQuery(String tenantId, long conversationId, long beforeMessageId, int historyLimit) {
  }

  /** One earlier message of the conversation: from the contact, or from the business (bot or person). */
  public record Turn(boolean fromContact, String text) {
  }

  /**
   * @param history         oldest first
   * @param memoryAvailable whether the memory store can be used
   */
  public record Context(List<Turn> history, boolean memoryAvailable) {
    public Context {
      history = List.copyOf(history);
    }
  }

  /**
   * One model call, to record ({@code ai_requests}) and count ({@code switchboard_llm_*}).
   *
   * @param purpose {@code chat}, {@code embedding} or {@code extraction}
   * @param outcome {@code ok}, {@code timeout}, {@code rate_limited}, {@code server_error}, {@code network},
   *                {@code client_error}, {@code bad_answer}
   * @param cost    in the currency of the tenant's configured prices, or null without prices
   */
  public record UsageRecord(String tenantId, Long contactId, Long conversationId, Long messageId, String plugin,
                            String purpose, String model, int promptTokens, int completionTokens, int latencyMs,
                            String outcome, Integer httpStatus, String error, Double cost) {
  }

  /** A tenant's usage in {@code [from, to)}, grouped by {@code day}, {@code model} or {@code contact}. */
  public record UsageQuery(String tenantId, Instant from, Instant to, String groupBy) {
  }

  /** Is {@code contactId} a contact of {@code tenantId}? Answered with a {@link Found}. */
  public record ContactQuery(String tenantId, long contactId) {
  }

  public record Found(boolean found) {
  }

  /** Asks the memory store whether memory can be used; answered with a {@code MemorySchema}. */
  public enum MemoryStatusQuery { INSTANCE }

  /**
   * The {@code topK} memories of one contact nearest to {@code vector} with a cosine similarity of at
   * least {@code minScore}, active and unexpired.
   *
   * @param vector the embedding in pgvector's text form ({@code [0.1,0.2,…]})
   */
  public record MemorySearch(String tenantId, long contactId, String vector, int topK, double minScore) {
  }

  /** A page of a contact's active, unexpired memories, newest first, before {@code beforeId} (or from the newest). */
  public record MemoryList(String tenantId, long contactId, Long beforeId, int limit) {
  }

  /**
   * Store one memory. With {@code dedupeAbove} in (0, 1], none is stored when the contact already has
   * an active memory at least that similar (the answer then names it).
   *
   * @param source    {@code chat}, {@code manual} or {@code import}
   * @param expiresAt or null for never
   */
  public record MemoryWrite(String tenantId, long contactId, String content, String vector, int dimensions,
                            double importance, String category, String source, Instant expiresAt,
                            double dedupeAbove) {
  }

  /** {@code stored} (memory is the new one) or {@code duplicate} (memory is the similar one kept). */
  public record MemoryWritten(String outcome, Memory memory) {
  }

  public record MemoryDelete(String tenantId, long contactId, long memoryId) {
  }

  /** One memory; {@code score} (cosine similarity) only in search answers. */
  public record Memory(long id, long contactId, String content, double importance, String category, String source,
                       Instant createdAt, Instant updatedAt, Instant expiresAt, Double score) {
  }

  public record Memories(List<Memory> memories) {
    public Memories {
      memories = List.copyOf(memories);
    }
  }
}
