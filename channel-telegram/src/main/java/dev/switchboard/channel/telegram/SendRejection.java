package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.SendOutcome;

/**
 * A message refused before any call because Telegram could never accept it as it is (unsupported
 * type, a button id over 64 bytes, a missing field). Becomes a {@link SendOutcome.PermanentFailure};
 * never escapes the sender. The detail names the field, never a secret.
 */
final class SendRejection extends RuntimeException {
  static final String UNSUPPORTED_TYPE = "unsupported_type";
  static final String INVALID_MESSAGE = "invalid_message";
  static final String INVALID_RECIPIENT = "invalid_recipient";
  static final String INVALID_CONFIG = "invalid_config";

  private final String code;

  SendRejection(String code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  static SendRejection invalid(String detail) {
    return new SendRejection(INVALID_MESSAGE, detail);
  }

  SendOutcome.PermanentFailure toOutcome() {
    return new SendOutcome.PermanentFailure(code, getMessage());
  }
}
