package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.RateLimit;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void noLimitAdmitsEverything() {
    Admission admission = new Admission();
    for (int i = 0; i < 1000; i++) {
      assertThat(admission.check("acme", null, 1000, 0)).isZero();
    }
  }

  @Test
  void overTheBurstTheCallerIsToldTheWholeSecondsToWait() {
    Admission admission = new Admission();
    RateLimit limit = new RateLimit(2, 4);
    assertThat(admission.check("acme", limit, 4, 0)).isZero();
    assertThat(admission.check("acme", limit, 1, 0)).isEqualTo(1); // 0.5 s rounds up to 1
    assertThat(admission.check("acme", limit, 1, SECOND / 2)).isZero();
  }

  @Test
  void tenantsHaveSeparateBuckets() {
    Admission admission = new Admission();
    RateLimit limit = new RateLimit(1, 1);
    assertThat(admission.check("acme", limit, 1, 0)).isZero();
    assertThat(admission.check("acme", limit, 1, 0)).isPositive();
    assertThat(admission.check("globex", limit, 1, 0)).as("another tenant's calls do not count").isZero();
  }

  @Test
  void aChangedLimitTakesEffectWithoutARestart() {
    Admission admission = new Admission();
    assertThat(admission.check("acme", new RateLimit(1, 1), 1, 0)).isZero();
    assertThat(admission.check("acme", new RateLimit(1, 1), 1, 0)).isPositive();
    // hot reload raised the limit at t = 10 ms: the 10 ms before accrued at 1/s (not enough)...
    assertThat(admission.check("acme", new RateLimit(1000, 1000), 1, SECOND / 100)).isPositive();
    // ...but from then on the refill runs at 1000/s: 2 ms later there are tokens again
    assertThat(admission.check("acme", new RateLimit(1000, 1000), 1, SECOND / 100 + 2_000_000)).isZero();
  }

  @Test
  void inAClusterEachNodeAdmitsItsShareAndTheShareFollowsTheMembership() {
    int[] members = {4};
    Admission admission = new Admission(() -> members[0]);
    RateLimit limit = new RateLimit(500, 500);
    assertThat(admission.check("acme", limit, 125, 0)).as("a quarter of the burst").isZero();
    assertThat(admission.check("acme", limit, 1, 0)).isPositive();
    assertThat(admission.check("acme", limit, 125, SECOND)).as("125/s refill").isZero();
    assertThat(admission.check("acme", limit, 1, SECOND)).isPositive();
    members[0] = 2; // two nodes left: this one admits half of the limit from now on (no new burst on a change)
    assertThat(admission.check("acme", limit, 125, 2 * SECOND)).as("accrued at the old share").isZero();
    assertThat(admission.check("acme", limit, 250, 3 * SECOND)).as("250/s refill").isZero();
    assertThat(admission.check("acme", limit, 1, 3 * SECOND)).isPositive();
  }

  @Test
  void aShareIsNeverBelowOneToken() {
    assertThat(Admission.share(1, 1.0 / 3)).isEqualTo(1.0);
    assertThat(Admission.share(500, 0.5)).isEqualTo(250.0);
    assertThat(Admission.share(500, 1.0)).isEqualTo(500.0);
  }
}
