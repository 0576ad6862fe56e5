package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.cluster.EvenShares;
import dev.switchboard.gateway.cluster.LimitShares;
import dev.switchboard.gateway.config.RateLimit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Keeps each tenant inside its inbound limit: one token bucket per tenant. Not thread-safe: it is
 * owned by {@link AdmissionVerticle} and touched only on its event loop. The inbox store does not
 * ask it per call: it leases tokens in chunks ({@link #lease}, see {@link LeasedTokens}), so a
 * webhook costs no hop between threads in the common case (a hop per call cost about a fifth of
 * the throughput on 2 cores).
 *
 * <p>In cluster mode each node admits its part of the limit ({@link LimitShares#fraction}: by the
 * demand each member reports, see {@code DemandShares}), of both {@code perSecond} and {@code burst}
 * (rounded up), without a round trip per call. Every token leased, and every one refused, counts as demand.
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
    long taken = lease(tenantId, limit, Math.max(1, cost), Math.max(1, cost), nowNanos);
    return taken >= 0 ? 0 : waitSeconds(-taken);
  }

  /**
   * Leases tokens of the tenant's bucket: {@code need} of them and, if they are there, more up to
   * {@code want} in all. Returns the tokens granted, or {@code -nanos} to wait for {@code need}
   * (nothing granted). The demand counted (cluster shares) is what was granted, or {@code need}
   * when refused: the tokens the calls behind the lease use or were refused.
   */
  public long lease(String tenantId, RateLimit limit, int need, int want, long nowNanos) {
    TokenBucket bucket = bucket(tenantId, limit, nowNanos);
    long taken = bucket.takeUpTo(need, Math.max(need, want), nowNanos);
    long demand = taken >= 0 ? taken : need;
    if (demand > 0) {
      shares.demand(tenantId, (int) Math.min(Integer.MAX_VALUE, demand), limit.perSecond());
    }
    return taken;
  }

  /** Puts back the {@code unused} tokens of a lease (the bucket never holds more than its burst). */
  public void giveBack(String tenantId, int unused, long nowNanos) {
    TokenBucket bucket = buckets.get(tenantId);
    if (bucket != null) {
      bucket.giveBack(unused, nowNanos);
    }
  }

  /** Tenants with a bucket. */
  public int tenants() {
    return buckets.size();
  }

  /** Whole seconds (at least one) to wait {@code nanos}. */
  public static long waitSeconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  private TokenBucket bucket(String tenantId, RateLimit limit, long nowNanos) {
    double part = shares.fraction(tenantId);
    double perSecond = share(limit.perSecond(), part);
    int burst = (int) Math.ceil(share(limit.burst(), part));
    TokenBucket bucket = buckets.computeIfAbsent(tenantId, t -> new TokenBucket(perSecond, burst, nowNanos));
    if (!bucket.sameLimit(perSecond, burst)) {
      bucket.reconfigure(perSecond, burst, nowNanos);
    }
    return bucket;
  }

  /** One node's {@code part} of {@code value} (never below one token). */
  public static double share(double value, double part) {
    return part >= 1.0 ? value : Math.max(1.0, value * part);
  }
}
