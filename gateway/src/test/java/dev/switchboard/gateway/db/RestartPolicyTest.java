package dev.switchboard.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theFirstRestartGoesAtOnceAndFurtherOnesBackOffDoubling() {
    RestartPolicy policy = RestartPolicy.defaults();
    long now = 0;
    assertThat(policy.next(now)).contains(Duration.ZERO);
    assertThat(policy.next(now += SECOND)).contains(Duration.ofSeconds(1));
    assertThat(policy.next(now += 2 * SECOND)).contains(Duration.ofSeconds(2));
    assertThat(policy.next(now += 3 * SECOND)).contains(Duration.ofSeconds(4));
    assertThat(policy.next(now + 5 * SECOND)).contains(Duration.ofSeconds(8));
  }

  @Test
  void givesUpOnceTheAttemptsWithinTheWindowAreUsedUp() {
    RestartPolicy policy = RestartPolicy.defaults();
    for (int i = 0; i < 5; i++) {
      assertThat(policy.next(i * 20 * SECOND)).isPresent();
    }
    assertThat(policy.next(100 * SECOND)).as("a sixth failure within 10 minutes").isEmpty();
  }

  @Test
  void anOccasionalCrashNeverExhaustsTheBudget() {
    RestartPolicy policy = RestartPolicy.defaults();
    long hour = 3_600 * SECOND;
    for (int i = 0; i < 50; i++) {
      assertThat(policy.next(i * hour)).as("crash %d, an hour after the one before", i).contains(Duration.ZERO);
    }
  }

  @Test
  void attemptsAgeOutOfTheWindowAndTheBackoffShrinksAgain() {
    RestartPolicy policy = new RestartPolicy(3, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(policy.next(0)).contains(Duration.ZERO);
    assertThat(policy.next(SECOND)).contains(Duration.ofSeconds(1));
    assertThat(policy.next(3 * SECOND)).contains(Duration.ofSeconds(2));
    assertThat(policy.next(10 * SECOND)).isEmpty();
    Optional<Duration> later = policy.next(62 * SECOND); // the first attempt is over a minute old
    assertThat(later).contains(Duration.ofSeconds(2));
    assertThat(policy.next(200 * SECOND)).contains(Duration.ZERO);
  }

  @Test
  void theBackoffIsCapped() {
    RestartPolicy policy = new RestartPolicy(20, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    Duration last = Duration.ZERO;
    for (int i = 0; i < 12; i++) {
      last = policy.next(i * SECOND).orElseThrow();
    }
    assertThat(last).isEqualTo(Duration.ofSeconds(30));
  }
}
