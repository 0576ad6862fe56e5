package dev.switchboard.plugin.channel;

import java.time.Duration;
import java.util.Objects;

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

  /**
   * What a throttle or a transient failure applies to, so the host backs off no more than that:
   * this one message, every send to its recipient (chat), or every send of the account.
   */
  enum Scope {
    /** Only this message (a transient error: 5xx, timeout, connection refused). */
    MESSAGE,
    /** Every send to this recipient (WhatsApp 131056 pair rate, Telegram per-chat flood control). */
    RECIPIENT,
    /** Every send of this account (WhatsApp 130429 throughput, an app or WABA rate limit). */
    ACCOUNT
  }

  /**
   * Not sent now; try again after {@code after} (the platform's retry_after when it gave one).
   *
   * @param scope what the wait applies to (see {@link Scope}); the 3-argument form means
   *              {@link Scope#MESSAGE}
   */
  record RetryAfter(Duration after, String code, String detail, Scope scope) implements SendOutcome {
    public RetryAfter {
      Objects.requireNonNull(after, "after");
      scope = scope == null ? Scope.MESSAGE : scope;
    }

    public RetryAfter(Duration after, String code, String detail) {
      this(after, code, detail, Scope.MESSAGE);
    }
  }

  /**
   * Will never succeed as it is: the platform's error code and description.
   *
   * @param recipientUnreachable true when the recipient blocked the business, deactivated their
   *                             account or removed the bot from the chat: the host flags the contact
   *                             and stops sending to it
   * @param accountUnusable      true when the account itself cannot send (token expired or revoked,
   *                             number not registered): the host flags the account down on
   *                             {@code /ready} and in {@code switchboard_channel_account_up}
   */
  record PermanentFailure(String code, String detail, boolean recipientUnreachable, boolean accountUnusable)
      implements SendOutcome {
    public PermanentFailure(String code, String detail, boolean recipientUnreachable) {
      this(code, detail, recipientUnreachable, false);
    }

    public PermanentFailure(String code, String detail) {
      this(code, detail, false, false);
    }
  }

  static SendOutcome retryAfter(Duration after, String code, String detail) {
    return new RetryAfter(after, code, detail);
  }
}
