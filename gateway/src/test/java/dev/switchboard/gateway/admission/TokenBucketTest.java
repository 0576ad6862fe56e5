package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Time is simulated: every call passes its own nanos, nothing sleeps. */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 987_654_321_000L; // System.nanoTime() has an arbitrary origin

  @Test
  void fullBurstIsAllowedThenRefused() {
    TokenBucket bucket = new TokenBucket(10, 5, T0);

    for (int i = 0; i < 5; i++) {
      assertThat(bucket.tryTake(1, T0)).as("request %d of the burst", i + 1).isZero();
    }
    assertThat(bucket.tryTake(1, T0)).isPositive();
  }

  @Test
  void refusedRequestTakesNothing() {
    TokenBucket bucket = new TokenBucket(1, 2, T0);
    bucket.tryTake(1, T0);

    assertThat(bucket.tryTake(2, T0)).as("needs 2, has 1").isPositive();
    assertThat(bucket.tryTake(1, T0)).as("the refused call did not spend the remaining token").isZero();
  }

  @Test
  void waitTimeIsTheTimeUntilEnoughTokensHaveFlowedIn() {
    TokenBucket bucket = new TokenBucket(10, 5, T0); // one token per 100 ms
    bucket.tryTake(5, T0);

    assertThat(bucket.tryTake(1, T0)).isEqualTo(SECOND / 10);
    assertThat(bucket.tryTake(3, T0)).isEqualTo(3 * SECOND / 10);
    assertThat(bucket.tryTake(1, T0 + 40_000_000L)).as("40 ms later: 60 ms to go").isEqualTo(60_000_000L);
  }

  @Test
  void waitTimeRoundsUpSoThatWaitingItIsEnough() {
    TokenBucket bucket = new TokenBucket(3, 1, T0); // a token every 333.33… ms
    bucket.tryTake(1, T0);

    long wait = bucket.tryTake(1, T0);
    assertThat(wait).isEqualTo(333_333_334L);
    assertThat(bucket.tryTake(1, T0 + wait - 1)).as("one nanosecond early").isPositive();
    assertThat(bucket.tryTake(1, T0 + wait)).isZero();
  }

  @Test
  void refillsAtTheRateOverSimulatedTime() {
    TokenBucket bucket = new TokenBucket(10, 5, T0);
    bucket.tryTake(5, T0);

    long later = T0 + 300_000_000L; // 300 ms → 3 tokens
    assertThat(bucket.tryTake(1, later)).isZero();
    assertThat(bucket.tryTake(1, later)).isZero();
    assertThat(bucket.tryTake(1, later)).isZero();
    assertThat(bucket.tryTake(1, later)).isPositive();
  }

  @Test
  void refillNeverExceedsTheBurst() {
    TokenBucket bucket = new TokenBucket(100, 3, T0);
    bucket.tryTake(3, T0);

    long muchLater = T0 + 3600 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryTake(1, muchLater)).isZero();
    }
    assertThat(bucket.tryTake(1, muchLater)).as("idle for an hour still allows only the burst").isPositive();
  }

  @Test
  void sustainedRateIsHonouredAfterTheBurst() {
    TokenBucket bucket = new TokenBucket(50, 10, T0);
    int allowed = 0;
    // one request every millisecond for 10 simulated seconds
    for (long t = T0; t < T0 + 10 * SECOND; t += 1_000_000L) {
      if (bucket.tryTake(1, t) == 0) {
        allowed++;
      }
    }
    assertThat(allowed).isBetween(10 + 50 * 10 - 1, 10 + 50 * 10);
  }

  @Test
  void clockGoingBackwardsNeitherRefillsNorBreaks() {
    TokenBucket bucket = new TokenBucket(10, 2, T0);
    bucket.tryTake(2, T0);

    assertThat(bucket.tryTake(1, T0 - 5 * SECOND)).isEqualTo(SECOND / 10);
    assertThat(bucket.tryTake(1, T0 + SECOND / 10)).isZero();
  }

  @Test
  void costLargerThanTheBurstIsCappedToTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 5, T0);

    assertThat(bucket.tryTake(100, T0)).as("a full bucket admits a batch bigger than the burst").isZero();
    assertThat(bucket.tryTake(1, T0)).as("and it emptied the bucket").isPositive();
    assertThat(bucket.tryTake(100, T0)).as("an empty bucket waits for a full burst, not for 100 tokens")
        .isEqualTo(SECOND / 2);
    assertThat(bucket.tryTake(100, T0 + SECOND / 2)).isZero();
  }

  @Test
  void reconfigureKeepsWhatWasSpent() {
    TokenBucket bucket = new TokenBucket(10, 10, T0);
    bucket.tryTake(8, T0); // 2 left

    bucket.reconfigure(10, 100, T0);

    assertThat(bucket.tryTake(2, T0)).isZero();
    assertThat(bucket.tryTake(1, T0)).as("a bigger burst is not a fresh bucket").isPositive();
  }

  @Test
  void reconfigureToASmallerBurstCapsTheTokens() {
    TokenBucket bucket = new TokenBucket(10, 10, T0);

    bucket.reconfigure(10, 3, T0);

    assertThat(bucket.tryTake(3, T0)).isZero();
    assertThat(bucket.tryTake(1, T0)).isPositive();
  }

  @Test
  void reconfigureAppliesTheNewRate() {
    TokenBucket bucket = new TokenBucket(1, 10, T0);
    bucket.tryTake(10, T0);
    assertThat(bucket.tryTake(1, T0)).isEqualTo(SECOND);

    bucket.reconfigure(1000, 10, T0);

    assertThat(bucket.tryTake(1, T0)).isEqualTo(SECOND / 1000);
    assertThat(bucket.tryTake(5, T0 + 5 * SECOND / 1000)).isZero();
  }

  @Test
  void timeBeforeAReconfigureAccruesAtTheOldRate() {
    TokenBucket bucket = new TokenBucket(1, 10, T0);
    bucket.tryTake(10, T0); // empty

    // two seconds pass at 1/s, then the rate becomes 1000/s: 2 tokens, not 2000 (capped at 10)
    bucket.reconfigure(1000, 10, T0 + 2 * SECOND);

    assertThat(bucket.tryTake(2, T0 + 2 * SECOND)).isZero();
    assertThat(bucket.tryTake(1, T0 + 2 * SECOND)).isPositive();
  }

  @Test
  void sameLimitComparesRateAndBurst() {
    TokenBucket bucket = new TokenBucket(10, 20, T0);

    assertThat(bucket.sameLimit(10, 20)).isTrue();
    assertThat(bucket.sameLimit(10, 21)).isFalse();
    assertThat(bucket.sameLimit(11, 20)).isFalse();
    bucket.reconfigure(11, 21, T0);
    assertThat(bucket.sameLimit(11, 21)).isTrue();
  }
}
