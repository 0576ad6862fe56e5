package dev.switchboard.channel.telegram;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.string;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Type-checked reads from a parsed Telegram update that never throw: a field that is absent or has
 * another JSON type reads as null.
 *
 * <p>Telegram ids are 64-bit integers (chat ids use up to 52 bits). They are read only from JSON
 * integer literals, which the parser keeps as {@code Integer}/{@code Long}/{@code BigInteger}, and
 * are turned into decimal text without passing through {@code double}; a fraction, an exponent, a
 * string or a value outside the signed 64-bit range is not an id.
 */
final class TgJson {

  private static final int MAX_DETAIL = 64;

  private TgJson() {
  }





  /** True only when the field is the JSON literal {@code true}. */
  static boolean isTrue(JsonObject o, String key) {
    return o != null && Boolean.TRUE.equals(o.getValue(key));
  }

  /** The field as a long when it is a JSON integer within the signed 64-bit range, else null. */
  static Long integer(JsonObject o, String key) {
    return o == null ? null : integer(o.getValue(key));
  }

  /** {@code value} as a long when it is an integer within the signed 64-bit range, else null. */
  static Long integer(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() < Long.SIZE) {
      return b.longValue();
    }
    return null;
  }

  /** A Telegram id (integer field) as decimal text, or null. */
  static String id(JsonObject o, String key) {
    Long v = integer(o, key);
    return v == null ? null : Long.toString(v);
  }

  /** A non-negative integer field (a size), or null. */
  static Long size(JsonObject o, String key) {
    Long v = integer(o, key);
    return v == null || v < 0 ? null : v;
  }

  /** A JSON number as a double (coordinates), or null. */
  static Double decimal(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof Number n ? n.doubleValue() : null;
  }

  /** An id that Telegram sends as a string (callback query ids) or, leniently, as an integer. */
  static String textId(JsonObject o, String key) {
    String s = nonBlank(o, key);
    return s != null ? s : id(o, key);
  }

  /**
   * A Unix-seconds field as an instant, or {@code fallback} when it is absent, not a positive
   * integer (Telegram uses 0 for "unknown"), or out of range.
   */
  static Instant time(JsonObject o, String key, Instant fallback) {
    Long seconds = integer(o, key);
    if (seconds == null || seconds <= 0) {
      return fallback;
    }
    try {
      return Instant.ofEpochSecond(seconds);
    } catch (DateTimeException e) {
      return fallback;
    }
  }

  /** Any JSON value (including null) as compact JSON text. */
  static String encode(Object value) {
    return value == null ? "null" : Json.encode(value);
  }

  /** A platform-supplied name cut to a short single-line token for notice details. */
  static String clip(String s) {
    if (s == null) {
      return null;
    }
    String t = s.length() > MAX_DETAIL ? s.substring(0, MAX_DETAIL) : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }

  /** {@code first + " " + last}, trimmed; null when both are missing or blank. */
  static String fullName(JsonObject o) {
    String first = string(o, "first_name");
    String last = string(o, "last_name");
    String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
    return name.isEmpty() ? null : name;
  }
}
