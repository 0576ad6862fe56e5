package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.AuthFailureLimit;
import dev.switchboard.gateway.metrics.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private AuthFailures failures(int limit, int tracked) {
    return new AuthFailures(new AuthFailureLimit(limit, Duration.ofSeconds(60), tracked),
        new Metrics(new SimpleMeterRegistry()), now::get);
  }

  @Test
  void anAddressIsRefusedFromItsLimitUntilItsWindowEnds() {
    AuthFailures f = failures(3, 100);
    f.failed("10.0.0.1");
    f.failed("10.0.0.1");
    assertThat(f.retryAfterSeconds("10.0.0.1")).as("under the limit").isZero();
    now.addAndGet(10_000);
    f.failed("10.0.0.1");
    assertThat(f.retryAfterSeconds("10.0.0.1")).as("the window started at the first failure").isEqualTo(50);
    assertThat(f.retryAfterSeconds("10.0.0.2")).as("another address").isZero();

    now.addAndGet(49_500);
    assertThat(f.retryAfterSeconds("10.0.0.1")).as("rounded up").isEqualTo(1);
    now.addAndGet(500);
    assertThat(f.retryAfterSeconds("10.0.0.1")).as("the window has passed").isZero();
    f.failed("10.0.0.1");
    assertThat(f.retryAfterSeconds("10.0.0.1")).as("a new window counts from one").isZero();
  }

  @Test
  void memoryIsBoundedEndedWindowsFirstThenTheOldest() {
    AuthFailures f = failures(1, 3);
    f.failed("a");
    now.addAndGet(61_000);
    f.failed("b");
    now.addAndGet(1_000);
    f.failed("c");
    now.addAndGet(1_000);
    f.failed("d"); // a's window has ended: a goes
    assertThat(f.tracked()).isEqualTo(3);
    assertThat(f.retryAfterSeconds("b")).isPositive();
    now.addAndGet(1_000);
    f.failed("e"); // all windows open: the oldest (b) goes
    assertThat(f.tracked()).isEqualTo(3);
    assertThat(f.retryAfterSeconds("b")).isZero();
    assertThat(f.retryAfterSeconds("c")).isPositive();
    assertThat(f.retryAfterSeconds("e")).isPositive();
    for (int i = 0; i < 1000; i++) {
      f.failed("10.1." + i);
    }
    assertThat(f.tracked()).isEqualTo(3);
  }
}
