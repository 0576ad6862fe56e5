package dev.switchboard.gateway.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shares the cluster's limits by demand ({@link DemandShares}): every {@link #reportMillis} it
 * publishes what this node was asked for under each key to every member, and recomputes this
 * node's part of each limit from its own demand and the members' latest reports. A member whose
 * report is older than three intervals counts as asking nothing (it left, or it stalls); a member
 * the cluster has but that has not reported yet counts the same, so a joining node starts at the
 * floor and rises with its first report.
 *
 * <p>Cost: one small JSON message per member per interval (a few keys: tenants and accounts in use),
 * nothing per call beyond the adder {@link DemandShares#demand} bumps.
 */
public final class LimitSharesVerticle extends VerticleBase {
  /** Cluster-wide address of the demand reports. */
  static final String ADDRESS = "sb.cluster.limit-demand";
  /** Weight of the newest interval in a key's demand rate. */
  private static final double NEW_WEIGHT = 0.5;
  /** Below this many tokens a second a key's demand is gone (and no longer reported). */
  private static final double IDLE_RATE = 0.5;

  private final DemandShares shares;
  private final String node;
  private final long reportMillis;
  private final MeterRegistry registry;
  /** This node's demand rate (tokens/s) and limit per key. */
  private final Map<String, double[]> local = new HashMap<>();
  /** The members' latest reports: node → (arrival nanos, key → {rate, limit}). */
  private final Map<String, Report> peers = new HashMap<>();
  private long timer = -1;
  private long lastTickNanos;
  private Counter received;
  private volatile int reporting;

  private record Report(long atNanos, Map<String, double[]> keys) {
  }

  public LimitSharesVerticle(DemandShares shares, String node, long reportMillis, MeterRegistry registry) {
    this.shares = shares;
    this.node = node;
    this.reportMillis = reportMillis;
    this.registry = registry;
  }

  /** The report interval: {@code -Dswitchboard.cluster.shareReportMillis} (default 200 ms). */
  public static long defaultReportMillis() {
    return Long.getLong("switchboard.cluster.shareReportMillis", 200L);
  }

  @Override
  public Future<?> start() {
    received = Counter.builder("switchboard.cluster.limit.reports")
        .description("Demand reports received from other members (limits are shared by demand)").register(registry);
    Gauge.builder("switchboard.cluster.limit.peers", this, v -> v.reporting)
        .description("Other members whose demand report is fresh").register(registry);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ADDRESS, m -> onReport(m.body()));
    lastTickNanos = System.nanoTime();
    timer = vertx.setPeriodic(reportMillis, id -> tick());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void onReport(JsonObject body) {
    String from = body.getString("node");
    JsonObject keys = body.getJsonObject("keys");
    if (from == null || from.equals(node) || keys == null) {
      return;
    }
    Map<String, double[]> parsed = new HashMap<>();
    for (String key : keys.fieldNames()) {
      JsonArray v = keys.getJsonArray(key);
      if (v != null && v.size() == 2) {
        parsed.put(key, new double[] {v.getDouble(0), v.getDouble(1)});
      }
    }
    peers.put(from, new Report(System.nanoTime(), parsed));
    received.increment();
  }

  private void tick() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
    lastTickNanos = now;
    Map<String, double[]> asked = shares.drain();
    Set<String> keys = new HashSet<>(local.keySet());
    keys.addAll(asked.keySet());
    JsonObject report = new JsonObject();
    for (String key : keys) {
      double[] now_ = asked.get(key);
      double[] state = local.computeIfAbsent(key, k -> new double[2]);
      double rate = now_ == null ? 0 : now_[0] / seconds;
      state[0] = NEW_WEIGHT * rate + (1 - NEW_WEIGHT) * state[0];
      if (now_ != null) {
        state[1] = now_[1];
      }
      if (state[0] < IDLE_RATE && now_ == null) {
        local.remove(key);
        shares.forget(key);
      } else {
        report.put(key, new JsonArray().add(state[0]).add(state[1]));
      }
    }
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("node", node).put("keys", report));
    recompute(now);
  }

  /** Every known key's part for this node: its demand against the fresh reports of the others. */
  private void recompute(long now) {
    List<Report> fresh = freshPeers(now);
    reporting = fresh.size();
    peers.values().removeIf(r -> now - r.atNanos() > 10 * staleNanos());
    int silent = Math.max(0, shares.members() - 1 - fresh.size()); // members not reporting: asking nothing
    Map<String, Double> limits = new HashMap<>();
    local.forEach((k, v) -> limits.put(k, v[1]));
    for (Report r : fresh) {
      r.keys().forEach((k, v) -> limits.putIfAbsent(k, v[1]));
    }
    Map<String, Double> fractions = new HashMap<>();
    limits.forEach((key, limit) -> {
      double[] demands = new double[1 + fresh.size() + silent];
      double[] mine = local.get(key);
      demands[0] = mine == null ? 0 : mine[0];
      for (int i = 0; i < fresh.size(); i++) {
        double[] theirs = fresh.get(i).keys().get(key);
        demands[1 + i] = theirs == null ? 0 : theirs[0];
      }
      fractions.put(key, DemandShares.allocate(limit, demands)[0]);
    });
    shares.publish(fractions);
  }

  private List<Report> freshPeers(long now) {
    List<Report> fresh = new ArrayList<>();
    for (Report r : peers.values()) {
      if (now - r.atNanos() <= staleNanos()) {
        fresh.add(r);
      }
    }
    return fresh;
  }

  private long staleNanos() {
    return 3 * reportMillis * 1_000_000L;
  }
}
