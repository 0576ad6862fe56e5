package dev.switchboard.channel.evolution;

import java.time.Instant;

/**
 * Message times as Evolution sends them: Unix seconds as a number, a numeric string, or a
 * protobuf Long object; a few integrations send milliseconds. The envelope's {@code date_time} is
 * never used: it is the server's local wall time written with a {@code Z}.
 */
final class EvoTimestamps {

  /** Below this a value is seconds; above it, milliseconds (10^11 s is the year 5138). */
  private static final long MILLIS_THRESHOLD = 100_000_000_000L;
  /** 9999-12-31T23:59:59Z: anything later is garbage. */
  private static final long MAX_SECONDS = 253_402_300_799L;

  private EvoTimestamps() {
  }

  /** The instant of a seconds (or milliseconds) value, or {@code fallback} when it is unusable. */
  static Instant seconds(Object value, Instant fallback) {
    Long v = EvoJson.integral(value);
    if (v == null || v <= 0) {
      return fallback;
    }
    long s = v >= MILLIS_THRESHOLD ? v / 1000 : v;
    return s <= MAX_SECONDS ? Instant.ofEpochSecond(s) : fallback;
  }

  /** The instant of a milliseconds value, or {@code fallback} when it is unusable. */
  static Instant millis(Object value, Instant fallback) {
    Long v = EvoJson.integral(value);
    if (v == null || v <= 0 || v / 1000 > MAX_SECONDS) {
      return fallback;
    }
    return Instant.ofEpochMilli(v);
  }
}
