package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.admission.AdmissionRecords.AdmitAnswer;
import dev.switchboard.gateway.admission.AdmissionRecords.AdmitRequest;
import dev.switchboard.gateway.admission.AdmissionRecords.Unused;
import dev.switchboard.gateway.bus.Codecs;
import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admission verticle alone, deployed in a Vert.x and asked over the bus, on a clock the test moves. */
class AdmissionVerticleTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(42 * SECOND);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Codecs.registerAll(vertx.eventBus());
    vertx.deployVerticle(new AdmissionVerticle(new Admission(), new Metrics(registry), clock::get))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private AdmitAnswer lease(String tenant, RateLimit limit, int need, int want) throws Exception {
    return vertx.eventBus().<AdmitAnswer>request(Addresses.ADMISSION_LEASE, new AdmitRequest(tenant, limit, need, want))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
  }

  @Test
  void theLimitHoldsAndARefusedCallIsToldTheWholeSecondsToWait() throws Exception {
    RateLimit limit = new RateLimit(2, 4);
    assertThat(lease("acme", limit, 4, 4)).isEqualTo(new AdmitAnswer(4, 0));
    AdmitAnswer refused = lease("acme", limit, 1, 1);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.waitSeconds()).isEqualTo(1); // 0.5 s rounds up
    assertThat(registry.get("switchboard.admission.leases").tag("outcome", "refused").counter().count()).isEqualTo(1);
  }

  @Test
  void theBucketRefillsAtTheLimitsRate() throws Exception {
    RateLimit limit = new RateLimit(2, 4);
    assertThat(lease("acme", limit, 4, 4).admitted()).isTrue();
    assertThat(lease("acme", limit, 1, 1).admitted()).isFalse();
    clock.addAndGet(SECOND / 2);
    assertThat(lease("acme", limit, 1, 1)).isEqualTo(new AdmitAnswer(1, 0));
    assertThat(lease("acme", limit, 1, 1).admitted()).isFalse();
    clock.addAndGet(SECOND);
    assertThat(lease("acme", limit, 1, 5)).as("two tokens accrued in a second: the lease takes both").isEqualTo(new AdmitAnswer(2, 0));
  }

  @Test
  void aLeaseTakesWhatTheBucketHasUpToWhatIsWantedButNeverLessThanTheNeed() throws Exception {
    RateLimit limit = new RateLimit(1000, 1000);
    assertThat(lease("acme", limit, 1, 257)).isEqualTo(new AdmitAnswer(257, 0));
    assertThat(lease("acme", limit, 0, 1000)).as("a refill ahead of need takes the rest").isEqualTo(new AdmitAnswer(743, 0));
    assertThat(lease("acme", limit, 0, 256)).as("a refill on an empty bucket is granted nothing, not refused")
        .isEqualTo(new AdmitAnswer(0, 0));
    assertThat(lease("acme", limit, 1, 257).admitted()).isFalse();
    assertThat(registry.get("switchboard.admission.tokens.leased").counter().count()).isEqualTo(1000);
  }

  @Test
  void tenantsHaveSeparateBuckets() throws Exception {
    RateLimit limit = new RateLimit(1, 1);
    assertThat(lease("acme", limit, 1, 1).admitted()).isTrue();
    assertThat(lease("acme", limit, 1, 1).admitted()).isFalse();
    assertThat(lease("globex", limit, 1, 1).admitted()).as("another tenant's calls do not count").isTrue();
    assertThat(registry.get("switchboard.admission.tenants").gauge().value()).isEqualTo(2);
  }

  @Test
  void unspentTokensGivenBackCanBeLeasedAgainButNeverAboveTheBurst() throws Exception {
    RateLimit limit = new RateLimit(10, 10);
    assertThat(lease("acme", limit, 10, 10).admitted()).isTrue();
    vertx.eventBus().send(Addresses.ADMISSION_UNUSED, new Unused("acme", 25));
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("switchboard.admission.tokens.returned").counter().count() == 25);
    assertThat(lease("acme", limit, 1, 100)).as("capped at the burst").isEqualTo(new AdmitAnswer(10, 0));
    assertThat(lease("acme", limit, 1, 1).admitted()).isFalse();
  }

  @Test
  void aChangedLimitTakesEffectOnTheNextLease() throws Exception {
    assertThat(lease("acme", new RateLimit(1, 1), 1, 1).admitted()).isTrue();
    assertThat(lease("acme", new RateLimit(1, 1), 1, 1).admitted()).isFalse();
    clock.addAndGet(SECOND / 100); // hot reload raised the limit: the 10 ms before accrued at 1/s...
    assertThat(lease("acme", new RateLimit(1000, 1000), 1, 1).admitted()).isFalse();
    clock.addAndGet(2_000_000); // ...from then on at 1000/s
    assertThat(lease("acme", new RateLimit(1000, 1000), 1, 1).admitted()).isTrue();
  }
}
