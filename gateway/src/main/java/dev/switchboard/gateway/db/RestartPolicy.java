package dev.switchboard.gateway.db;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * When to restart a server that exited, and when to stop trying. The first restart after a quiet
 * spell goes at once; each further one within {@code window} waits twice as long as the one before
 * ({@code firstBackoff}, doubling up to {@code maxBackoff}). Once {@code maxRestarts} attempts fall
 * within {@code window} — failed ones, or ones that worked but the server died again — it is broken,
 * and {@link #next} says so. Pure: the caller passes the clock.
 */
final class RestartPolicy {
  private final int maxRestarts;
  private final long windowNanos;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  /** When each recent attempt was due, oldest first. */
  private final ArrayDeque<Long> attempts = new ArrayDeque<>();

  RestartPolicy(int maxRestarts, Duration window, Duration firstBackoff, Duration maxBackoff) {
    this.maxRestarts = maxRestarts;
    this.windowNanos = window.toNanos();
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** 5 attempts within 10 minutes, waiting 0, 1, 2, 4 and 8 s. */
  static RestartPolicy defaults() {
    return new RestartPolicy(5, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * Records an attempt and says how long to wait before making it; empty when the attempts within
   * the window are used up (give up).
   */
  Optional<Duration> next(long nowNanos) {
    while (!attempts.isEmpty() && nowNanos - attempts.peekFirst() > windowNanos) {
      attempts.pollFirst();
    }
    int recent = attempts.size();
    if (recent >= maxRestarts) {
      return Optional.empty();
    }
    Duration wait = recent == 0 ? Duration.ZERO : backoff(recent);
    attempts.addLast(nowNanos + wait.toNanos());
    return Optional.of(wait);
  }

  private Duration backoff(int recent) {
    Duration wait = firstBackoff;
    for (int i = 1; i < recent && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  int maxRestarts() {
    return maxRestarts;
  }

  Duration window() {
    return Duration.ofNanos(windowNanos);
  }
}
