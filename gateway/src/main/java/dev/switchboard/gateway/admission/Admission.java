package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.cluster.EvenShares;
import dev.switchboard.gateway.cluster.LimitShares;
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
 * <p>In cluster mode each node admits its part of the limit ({@link LimitShares#fraction}: by the
 * demand each member reports, see {@code DemandShares}), of both {@code perSecond} and {@code burst}
 * (rounded up), without a round trip per call. Every call, admitted or not, counts as demand.
 */
public final class Admission {
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final LimitShares shares;

  /** A single node's admission: the whole limit. */
  public Admission() {
    this(EvenShares.SINGLE);
  }

  /** Even parts: each of {@code members} nodes gets the same share of every limit. */
  public Admission(IntSupplier members) {
    this(new EvenShares(members));
  }

  /** @param shares this node's part of each tenant's limit (read on every call: cheap) */
  public Admission(LimitShares shares) {
    this.shares = shares;
  }

  /** Takes {@code cost} tokens from the tenant's bucket: 0 when admitted, else the whole seconds to wait. */
  public long check(String tenantId, RateLimit limit, int cost, long nowNanos) {
    if (limit == null) {
      return 0;
    }
    shares.demand(tenantId, cost, limit.perSecond());
    double part = shares.fraction(tenantId);
    double perSecond = share(limit.perSecond(), part);
    int burst = (int) Math.ceil(share(limit.burst(), part));
    TokenBucket bucket = buckets.computeIfAbsent(tenantId, t -> new TokenBucket(perSecond, burst, nowNanos));
    if (!bucket.sameLimit(perSecond, burst)) {
      bucket.reconfigure(perSecond, burst, nowNanos);
    }
    long waitNanos = bucket.tryTake(Math.max(1, cost), nowNanos);
    return waitNanos == 0 ? 0 : Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** One node's {@code part} of {@code value} (never below one token). */
  public static double share(double value, double part) {
    return part >= 1.0 ? value : Math.max(1.0, value * part);
  }
}
