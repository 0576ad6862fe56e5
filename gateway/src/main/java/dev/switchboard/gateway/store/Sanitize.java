package dev.switchboard.gateway.store;

import java.util.regex.Pattern;

/**
 * PostgreSQL text cannot hold NUL, and jsonb rejects the {@code \u0000} escape. Platform data can
 * contain both (a hostile sender); they are replaced by U+FFFD so such a message is stored, not lost.
 */
final class Sanitize {
  private static final Pattern JSON_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  private Sanitize() {
  }

  static String text(String s) {
    return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
  }

  static String json(String s) {
    if (s == null) {
      return null;
    }
    String t = text(s);
    return t.contains("\\u0000") ? JSON_NUL.matcher(t).replaceAll("$1\\\\ufffd") : t;
  }
}
