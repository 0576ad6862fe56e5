package dev.switchboard.channel.whatsapp;

import java.util.regex.Pattern;

/**
 * Who a send is addressed to. A WhatsApp user is their phone number in E.164 digits (the
 * {@code wa_id} inbound messages carry), or — for users who hide their number — their
 * business-scoped user id (BSUID), sent as {@code recipient} instead of {@code to}.
 */
final class Recipients {
  private static final Pattern E164_DIGITS = Pattern.compile("[1-9][0-9]{6,14}");
  /**
   * A BSUID: an ISO country code, a dot and an alphanumeric id (e.g. {@code US.13491208655302741918});
   * parent ids carry a second part ({@code US.ENT.…}).
   */
  private static final Pattern BSUID = Pattern.compile("[A-Z]{2}\\.(?:[A-Z]{2,8}\\.)?[A-Za-z0-9]{1,128}");

  private Recipients() {
  }

  static String chatId(String to) {
    if (to == null || to.isBlank()) {
      throw new IllegalArgumentException("must be a phone number in E.164 (e.g. +14155550123)");
    }
    String t = to.strip();
    if (BSUID.matcher(t).matches()) {
      return t;
    }
    String digits = phoneDigits(t);
    if (digits == null) {
      throw new IllegalArgumentException("must be a phone number in E.164 (e.g. +14155550123), got '"
          + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "'");
    }
    return digits;
  }

  /** E.164 digits of {@code to} ({@code +} optional; spaces, dashes, dots and parentheses dropped), or null. */
  static String phoneDigits(String to) {
    String digits = to.strip().replaceAll("[\\s().-]", "");
    if (digits.startsWith("+")) {
      digits = digits.substring(1);
    }
    return E164_DIGITS.matcher(digits).matches() ? digits : null;
  }

  static boolean isBusinessScopedId(String chatId) {
    return chatId != null && BSUID.matcher(chatId).matches();
  }
}
