package dev.switchboard.gateway.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyUsageTest {

  @Test
  void eachKeyIsWrittenOncePerDrainWithItsLatestUse() {
    ApiKeyUsage usage = new ApiKeyUsage();
    usage.used(1, 1_000);
    usage.used(1, 3_000);
    usage.used(1, 2_000); // a request that finished later but started earlier
    usage.used(2, 5_000);

    assertThat(usage.drain()).isEqualTo(Map.of(1L, 3_000L, 2L, 5_000L));
    assertThat(usage.drain()).as("nothing used since: nothing to write").isEmpty();
  }

  @Test
  void usesWhoseWriteFailedComeBackWithoutHidingANewerUse() {
    ApiKeyUsage usage = new ApiKeyUsage();
    usage.used(1, 1_000);
    usage.used(2, 1_000);
    Map<Long, Long> failed = usage.drain();
    usage.used(1, 9_000);

    usage.restore(failed);

    assertThat(usage.drain()).isEqualTo(Map.of(1L, 9_000L, 2L, 1_000L));
  }
}
