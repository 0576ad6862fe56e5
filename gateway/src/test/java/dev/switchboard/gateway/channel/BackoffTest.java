package dev.switchboard.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

  @Test
  void eachAttemptWaitsAboutTwiceAsLongWithJitterAndNeverPastTheMaximum() {
    for (int attempt = 1; attempt <= 12; attempt++) {
      long full = Math.min(1000L << (attempt - 1), 300_000L);
      for (int i = 0; i < 200; i++) {
        long ms = backoff.after(attempt, Duration.ZERO).toMillis();
        assertThat(ms).as("attempt %d", attempt).isBetween(full / 2, full);
      }
    }
    assertThat(backoff.after(500, Duration.ZERO)).isLessThanOrEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void thePlatformsOwnWaitIsNeverCut() {
    assertThat(backoff.after(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void jitterSpreadsSendersThatFailedTogether() {
    long distinct = java.util.stream.IntStream.range(0, 100).mapToObj(i -> backoff.after(6, Duration.ZERO))
        .distinct().count();
    assertThat(distinct).isGreaterThan(50);
  }
}
