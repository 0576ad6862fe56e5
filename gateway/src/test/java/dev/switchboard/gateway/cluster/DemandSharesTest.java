package dev.switchboard.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DemandSharesTest {
  @Test
  void evenDemandGetsEvenParts() {
    assertThat(DemandShares.allocate(500, new double[] {1000, 1000})).containsExactly(new double[] {0.5, 0.5},
        within(1e-9));
  }

  @Test
  void aMemberThatGetsAllTheCallsGetsNearlyTheWholeLimitAndTheIdleOneKeepsAFloor() {
    double[] parts = DemandShares.allocate(500, new double[] {2000, 0});
    assertThat(parts[0]).isGreaterThan(0.94);
    assertThat(parts[1]).isGreaterThan(0.0).isLessThan(0.06);
    assertThat(parts[0] + parts[1]).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void aMemberAskingLessThanAnEvenPartGetsWhatItAsksAndTheRestGoesToTheOthers() {
    // 500/s among three: one asks 50/s, two ask 1,000/s each → 50 and 225 + 225 (max-min fair)
    double[] parts = DemandShares.allocate(500, new double[] {1000, 50, 1000});
    assertThat(parts[1] * 500).isCloseTo(50, within(1.0));
    assertThat(parts[0] * 500).isCloseTo(225, within(1.0));
    assertThat(parts[2] * 500).isCloseTo(225, within(1.0));
  }

  @Test
  void aLimitAboveAllDemandLeavesARemainderSpreadEvenly() {
    // 1,000/s, demand 100 + 300: each gets its demand plus half of the 600 left
    double[] parts = DemandShares.allocate(1000, new double[] {100, 300});
    assertThat(parts[0] * 1000).isCloseTo(400, within(1e-6));
    assertThat(parts[1] * 1000).isCloseTo(600, within(1e-6));
  }

  @Test
  void aKeyNobodyReportedIsSharedEvenlyAndAPublishedPartIsReadAsIs() {
    DemandShares shares = new DemandShares(() -> 4);
    assertThat(shares.fraction("acme")).isEqualTo(0.25);
    shares.publish(java.util.Map.of("acme", 0.9));
    assertThat(shares.fraction("acme")).isEqualTo(0.9);
    assertThat(shares.fraction("other")).isEqualTo(0.25);
  }

  @Test
  void demandIsCountedAndResetWhenDrained() {
    DemandShares shares = new DemandShares(() -> 2);
    shares.demand("acme", 3, 500);
    shares.demand("acme", 1, 500);
    assertThat(shares.drain()).containsOnlyKeys("acme");
    assertThat(shares.drain()).isEmpty();
  }
}
