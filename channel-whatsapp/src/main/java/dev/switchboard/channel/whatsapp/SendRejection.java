package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.SendOutcome;

/**
 * A message refused before any call because the Cloud API could never accept it as it is (a kind
 * WhatsApp cannot carry, a text over the limit, a missing field). {@link SendMapper} turns it into a
 * {@link SendPlan.Refuse}; it never escapes the sender. The detail names the field, never a secret.
 */
final class SendRejection extends RuntimeException {
  /** A kind of content WhatsApp cannot carry (edits, keyboards, callback answers…). */
  static final String UNSUPPORTED_CONTENT = "unsupported_content";
  static final String INVALID_MESSAGE = "invalid_message";
  static final String INVALID_RECIPIENT = "invalid_recipient";

  private final String code;

  SendRejection(String code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  static SendRejection invalid(String detail) {
    return new SendRejection(INVALID_MESSAGE, detail);
  }

  static SendRejection unsupported(String detail) {
    return new SendRejection(UNSUPPORTED_CONTENT, detail);
  }

  /** Refuses {@code text} when it is longer than {@code limit} UTF-16 units, naming {@code what} and the limit. */
  static void checkLength(String what, String text, int limit) {
    if (text != null && text.length() > limit) {
      throw invalid(what + " is " + text.length() + " characters; WhatsApp takes at most " + limit);
    }
  }

  SendOutcome.PermanentFailure toOutcome() {
    return new SendOutcome.PermanentFailure(code, getMessage());
  }
}
