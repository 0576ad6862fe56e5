package dev.switchboard.plugin.channel;

import java.time.Duration;

/** How the platform answered a send, classified. */
public sealed interface SendOutcome {

  /**
   * Accepted by the platform, with the id it gave the message.
   *
   * @param platformMessageId the platform's id for the sent message (as stored: for Telegram
   *                          {@code <chat id>:<message id>})
   * @param movedToChatId     null, or the chat's new id when the platform said the chat moved and
   *                          the sender re-sent there (Telegram {@code migrate_to_chat_id}); the host
   *                          re-keys the conversation
   */
  record Sent(String platformMessageId, String movedToChatId) implements SendOutcome {
    public Sent(String platformMessageId) {
      this(platformMessageId, null);
    }
  }

  /** Not sent now; try again after {@code after} (the platform's retry_after when it gave one). */
  record RetryAfter(Duration after, String code, String detail) implements SendOutcome {
  }

  /**
   * Will never succeed as it is: the platform's error code and description.
   *
   * @param recipientUnreachable true when the recipient blocked the business, deactivated their
   *                             account or removed the bot from the chat: the host flags the contact
   *                             and stops sending to it
   */
  record PermanentFailure(String code, String detail, boolean recipientUnreachable) implements SendOutcome {
    public PermanentFailure(String code, String detail) {
      this(code, detail, false);
    }
  }

  static SendOutcome retryAfter(Duration after, String code, String detail) {
    return new RetryAfter(after, code, detail);
  }
}
