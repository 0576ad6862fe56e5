package dev.switchboard.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two members on one event bus (the reports travel as they do between nodes: published JSON). */
class LimitSharesVerticleTest {
  private Vertx vertx;
  private final DemandShares a = new DemandShares(() -> 2);
  private final DemandShares b = new DemandShares(() -> 2);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.deployVerticle(new LimitSharesVerticle(a, "node-a", 50, new SimpleMeterRegistry()))
        .compose(id -> vertx.deployVerticle(new LimitSharesVerticle(b, "node-b", 50, new SimpleMeterRegistry())))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Asks {@code perSecond} tokens a second under {@code key}, every 10 ms, until cancelled. */
  private long load(DemandShares shares, String key, int perSecond) {
    return vertx.setPeriodic(10, id -> shares.demand(key, perSecond / 100, 500));
  }

  @Test
  void theMemberThatGetsAllOfATenantsCallsGetsNearlyAllOfItsLimitAndTheOtherOnlyAFloor() {
    long timer = load(a, "acme", 2000);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> {
          assertThat(a.fraction("acme")).isGreaterThan(0.9);
          assertThat(b.fraction("acme")).as("the idle member knows the key from the report").isLessThan(0.1);
        });
    assertThat(a.fraction("acme") + b.fraction("acme")).isBetween(0.95, 1.05);
    vertx.cancelTimer(timer);
  }

  @Test
  void whenTheCallsMoveToTheOtherMemberTheLimitFollowsThem() {
    long onA = load(a, "acme", 2000);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.fraction("acme") > 0.9);
    vertx.cancelTimer(onA);
    long onB = load(b, "acme", 2000);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> b.fraction("acme") > 0.9 && a.fraction("acme") < 0.1);
    vertx.cancelTimer(onB);
  }

  @Test
  void callsSpreadEvenlyGetEvenPartsAndAKeyNobodyAsksForAnyMoreIsForgotten() {
    long onA = load(a, "acme", 1000);
    long onB = load(b, "acme", 1000);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> Math.abs(a.fraction("acme") - 0.5) < 0.08 && Math.abs(b.fraction("acme") - 0.5) < 0.08);
    vertx.cancelTimer(onA);
    vertx.cancelTimer(onB);
    // no demand: the rates decay, the key leaves the reports and both fall back to even parts
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> a.fraction("acme") == 0.5 && b.fraction("acme") == 0.5);
  }
}
