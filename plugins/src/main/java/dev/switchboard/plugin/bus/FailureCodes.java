package dev.switchboard.plugin.bus;

/** {@code ReplyException.failureCode()} values used on the bus; the edge maps them to HTTP statuses. */
public final class FailureCodes {
  /** Over a rate limit: HTTP 429. */
  public static final int RATE_LIMITED = 429;
  /** Storage unavailable (database down or overloaded): HTTP 503. */
  public static final int STORAGE_UNAVAILABLE = 503;
  /** Bad input that passed the edge: HTTP 400. */
  public static final int BAD_REQUEST = 400;
  /** Contact memory cannot be used (the memory database has no pgvector): HTTP 503 memory_unavailable. */
  public static final int MEMORY_UNAVAILABLE = 5031;
  /** Unexpected failure: HTTP 500 without details. */
  public static final int INTERNAL = 500;

  private FailureCodes() {
  }
}
