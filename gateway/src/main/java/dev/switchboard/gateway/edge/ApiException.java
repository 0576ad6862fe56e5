package dev.switchboard.gateway.edge;

/**
 * An error answer: HTTP status, a stable machine code and a message safe to show (no secrets, no
 * internals). Carries no stack trace: it is an answer, not a bug.
 *
 * @see ErrorResponder
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiException(int status, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "unavailable", message, 5L);
  }
}
