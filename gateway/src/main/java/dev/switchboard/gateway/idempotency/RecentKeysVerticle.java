package dev.switchboard.gateway.idempotency;

import dev.switchboard.gateway.idempotency.IdempotencyRecords.Committed;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Known;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Lookup;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.HashSet;
import java.util.Set;

/**
 * The single owner of the recent-keys cache ({@link RecentKeys}): it answers which keys of a store
 * batch were committed lately ({@link Addresses#IDEMPOTENCY_LOOKUP}) and learns each committed
 * batch's keys ({@link Addresses#IDEMPOTENCY_COMMITTED}). The inbox store asks once per batch, not
 * once per webhook, so the hop costs two messages per group commit. The cache is bounded
 * ({@code capacity} keys, oldest out first) and its size is exposed as gauges; the database's
 * unique key stays the authority, a miss only costs the round trip the cache would have saved.
 */
public final class RecentKeysVerticle extends VerticleBase {
  /** Default capacity: {@code -Dswitchboard.idempotency.recentKeys} (200,000 keys, ~28 MB of WhatsApp keys). */
  public static int defaultCapacity() {
    return Integer.getInteger("switchboard.idempotency.recentKeys", 200_000);
  }

  private final RecentKeys keys;
  private final Metrics metrics;
  private Counter looked;
  private Counter hits;
  private volatile int entries;
  private volatile long bytes;

  public RecentKeysVerticle(int capacity, Metrics metrics) {
    this.keys = new RecentKeys(capacity);
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var registry = metrics.registry();
    Gauge.builder("switchboard.idempotency.recent.entries", this, v -> v.entries)
        .description("Idempotency keys in the recent-keys cache (bounded)").register(registry);
    Gauge.builder("switchboard.idempotency.recent.bytes", this, v -> v.bytes).baseUnit("bytes")
        .description("Estimated heap of the recent-keys cache").register(registry);
    Gauge.builder("switchboard.idempotency.recent.capacity", keys, RecentKeys::capacity)
        .description("Most keys the recent-keys cache holds").register(registry);
    looked = Counter.builder("switchboard.idempotency.lookups")
        .description("Keys looked up in the recent-keys cache (one request per store batch)").register(registry);
    hits = Counter.builder("switchboard.idempotency.hits")
        .description("Keys the recent-keys cache knew as committed (no database round trip for their calls)")
        .register(registry);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<Lookup>localConsumer(Addresses.IDEMPOTENCY_LOOKUP, this::onLookup).completion(),
        bus.<Committed>localConsumer(Addresses.IDEMPOTENCY_COMMITTED, this::onCommitted).completion());
  }

  private void onLookup(Message<Lookup> message) {
    Set<String> known = null;
    for (String key : message.body().keys()) {
      if (keys.contains(key)) {
        if (known == null) {
          known = new HashSet<>();
        }
        known.add(key);
      }
    }
    looked.increment(message.body().keys().size());
    if (known == null) {
      message.reply(Known.NONE);
    } else {
      hits.increment(known.size());
      message.reply(new Known(known));
    }
  }

  private void onCommitted(Message<Committed> message) {
    for (String key : message.body().keys()) {
      keys.add(key);
    }
    entries = keys.size();
    bytes = keys.estimatedBytes();
  }
}
