package dev.switchboard.gateway.channel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits {@code base · 2^(n-1)}, at most {@code max},
 * then a random part of it is taken off (half to all of it is kept), so senders that failed
 * together do not come back together. A platform's own wait ({@code retry_after}) is never cut.
 */
public record Backoff(Duration base, Duration max) {

  /** The wait after the {@code attempt}-th failed attempt (1-based), at least {@code platformWait}. */
  public Duration after(int attempt, Duration platformWait) {
    long baseMs = base.toMillis();
    long exp = attempt >= 31 ? Long.MAX_VALUE : baseMs << Math.max(0, attempt - 1);
    long capped = Math.min(exp < 0 ? Long.MAX_VALUE : exp, max.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(jittered, platformWait == null ? 0 : platformWait.toMillis()));
  }
}
