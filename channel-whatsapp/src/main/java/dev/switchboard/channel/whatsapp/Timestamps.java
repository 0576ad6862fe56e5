package dev.switchboard.channel.whatsapp;

import java.time.DateTimeException;
import java.time.Instant;

/** Meta's Unix-seconds timestamps (a string, sometimes a number) to {@link Instant}. */
final class Timestamps {

  private Timestamps() {
  }

  /** The instant, or {@code fallback} when the value is absent, not a number, or out of range. */
  static Instant parse(Object value, Instant fallback) {
    try {
      if (value instanceof String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 19) {
          return fallback;
        }
        return Instant.ofEpochSecond(Long.parseLong(t));
      }
      if (value instanceof Integer || value instanceof Long) {
        return Instant.ofEpochSecond(((Number) value).longValue());
      }
      if (value instanceof Number n) {
        double d = n.doubleValue();
        if (!Double.isFinite(d) || Math.abs(d) > 1e17) {
          return fallback;
        }
        return Instant.ofEpochSecond((long) d);
      }
    } catch (NumberFormatException | DateTimeException e) {
      return fallback;
    }
    return fallback;
  }
}
