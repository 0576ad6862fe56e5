package dev.switchboard.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.bus.Codecs;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Committed;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Known;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Lookup;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recent-keys verticle alone, deployed in a Vert.x and asked over the bus. */
class RecentKeysVerticleTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;

  private void start(int capacity) throws Exception {
    vertx = Vertx.vertx();
    Codecs.registerAll(vertx.eventBus());
    vertx.deployVerticle(new RecentKeysVerticle(capacity, new Metrics(registry)))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void commit(String... keys) {
    vertx.eventBus().send(Addresses.IDEMPOTENCY_COMMITTED, new Committed(List.of(keys)));
  }

  private java.util.Set<String> lookup(String... keys) throws Exception {
    return vertx.eventBus().<Known>request(Addresses.IDEMPOTENCY_LOOKUP, new Lookup(List.of(keys)))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body().keys();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void aBatchsLookupFindsTheKeysCommittedBeforeAndOnlyThose() throws Exception {
    start(100);
    String a = RecentKeys.key("acme", "whatsapp", "wamid.1");
    String b = RecentKeys.key("acme", "whatsapp", "wamid.2");
    commit(a);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gauge("switchboard.idempotency.recent.entries") == 1);

    assertThat(lookup(a, b)).containsExactly(a);
    assertThat(registry.get("switchboard.idempotency.lookups").counter().count()).isEqualTo(2);
    assertThat(registry.get("switchboard.idempotency.hits").counter().count()).isEqualTo(1);
  }

  @Test
  void tenantsDoNotShareKeys() throws Exception {
    start(100);
    commit(RecentKeys.key("acme", "telegram", "42:7"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gauge("switchboard.idempotency.recent.entries") == 1);

    assertThat(lookup(RecentKeys.key("globex", "telegram", "42:7"))).isEmpty();
    assertThat(lookup(RecentKeys.key("acme", "telegram", "42:7"))).hasSize(1);
  }

  @Test
  void theCacheIsBoundedOldestOutAndItsMemoryIsMeasured() throws Exception {
    start(3);
    String[] keys = new String[5];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = RecentKeys.key("acme", "whatsapp", "wamid.bounded." + i);
    }
    commit(keys[0], keys[1], keys[2]);
    commit(keys[3], keys[4]);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> lookupQuietly(keys[4]).size() == 1);

    assertThat(lookup(keys)).containsExactlyInAnyOrder(keys[2], keys[3], keys[4]);
    assertThat(gauge("switchboard.idempotency.recent.entries")).isEqualTo(3);
    assertThat(gauge("switchboard.idempotency.recent.capacity")).isEqualTo(3);
    double perKey = RecentKeys.ENTRY_OVERHEAD_BYTES + keys[0].length();
    assertThat(gauge("switchboard.idempotency.recent.bytes")).isEqualTo(3 * perKey);
  }

  private java.util.Set<String> lookupQuietly(String key) {
    try {
      return lookup(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
