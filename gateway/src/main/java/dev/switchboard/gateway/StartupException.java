package dev.switchboard.gateway;

/** Start-up cannot succeed; the message is the one line printed before exiting non-zero. */
public class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
