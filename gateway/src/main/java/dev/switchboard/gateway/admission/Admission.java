package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.config.RateLimit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Keeps each tenant inside its inbound limit: one token bucket per tenant. Not thread-safe: it is
 * owned by the inbox store verticle and touched only on its event loop, so admitting a call costs
 * no extra hop between threads (measured with bench/run.sh: a separate admission verticle cost about
 * a fifth of the throughput on 2 cores).
 *
 * <p>In cluster mode each node admits its share of the limit: {@code perSecond / members} and
 * {@code burst / members} (rounded up), re-divided as soon as the membership changes. Behind a load
 * balancer that spreads a tenant's calls evenly this holds the cluster-wide limit without a round
 * trip per call; the trade-off (a tenant whose calls all reach one node gets only that node's share)
 * is described in the README, "Cluster mode".
 */
public final class Admission {
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final IntSupplier members;

  /** A single node's admission: the whole limit. */
  public Admission() {
    this(() -> 1);
  }

  /** @param members how many nodes share each limit now (read on every call: keep it cheap) */
  public Admission(IntSupplier members) {
    this.members = members;
  }

  /** Takes {@code cost} tokens from the tenant's bucket: 0 when admitted, else the whole seconds to wait. */
  public long check(String tenantId, RateLimit limit, int cost, long nowNanos) {
    if (limit == null) {
      return 0;
    }
    int n = Math.max(1, members.getAsInt());
    double perSecond = share(limit.perSecond(), n);
    int burst = (int) Math.ceil(share(limit.burst(), n));
    TokenBucket bucket = buckets.computeIfAbsent(tenantId, t -> new TokenBucket(perSecond, burst, nowNanos));
    if (!bucket.sameLimit(perSecond, burst)) {
      bucket.reconfigure(perSecond, burst, nowNanos);
    }
    long waitNanos = bucket.tryTake(Math.max(1, cost), nowNanos);
    return waitNanos == 0 ? 0 : Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** One node's part of {@code value} when {@code members} nodes share it (never below one token). */
  public static double share(double value, int members) {
    return Math.max(1.0, value / members);
  }
}
