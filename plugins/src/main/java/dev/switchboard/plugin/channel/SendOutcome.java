package dev.switchboard.plugin.channel;

import java.time.Duration;

/** How the platform answered a send, classified. */
public sealed interface SendOutcome {

  /** Accepted by the platform, with the id it gave the message. */
  record Sent(String platformMessageId) implements SendOutcome {
  }

  /** Not sent now; try again after {@code after} (the platform's retry_after when it gave one). */
  record RetryAfter(java.time.Duration after, String code, String detail) implements SendOutcome {
  }

  /** Will never succeed as it is: the platform's error code and description. */
  record PermanentFailure(String code, String detail) implements SendOutcome {
  }

  static SendOutcome retryAfter(Duration after, String code, String detail) {
    return new RetryAfter(after, code, detail);
  }
}
