package dev.switchboard.gateway.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The opaque {@code nextCursor} of the keyset lists: base64url of {@code <list>:<id of the last row shown>}.
 * The next page holds the rows before that one in the list's order (newest first by id), so rows added
 * while a client pages never shift the pages it has not read. A cursor that was changed, or comes from
 * another list, answers {@code 400 invalid_request} naming {@code cursor}.
 */
final class Cursor {
  private static final Pattern KEYSET = Pattern.compile("([a-z]+):([1-9][0-9]{0,18})");

  private Cursor() {
  }

  static String encode(String list, Long lastId) {
    if (lastId == null) {
      return null;
    }
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((list + ":" + lastId).getBytes(StandardCharsets.US_ASCII));
  }

  /** The id the page starts before, or null for the first page. */
  static Long decode(String list, String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String keyset = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      Matcher m = KEYSET.matcher(keyset);
      if (m.matches() && m.group(1).equals(list)) {
        return Long.parseLong(m.group(2));
      }
    } catch (IllegalArgumentException e) {
      // not base64url, or a number out of range: answered below
    }
    throw SendRequestParser.invalid("cursor", "is not a cursor of this list (give back nextCursor as it was)");
  }
}
