package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.admission.AdmissionRecords.AdmitAnswer;
import dev.switchboard.gateway.admission.AdmissionRecords.AdmitRequest;
import dev.switchboard.gateway.admission.AdmissionRecords.Unused;
import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The inbox store's local share of each tenant's inbound tokens, leased from
 * {@link AdmissionVerticle} (the owner of the buckets) a chunk at a time. A webhook whose tokens
 * are here is admitted on the store's own thread with no hop ({@link #tryTake}); when the share
 * runs low a refill is asked ahead, asynchronously, so at full load only one call in a chunk ever
 * waits for the actor. A call that finds too few tokens waits, in arrival order, for a lease made
 * for it ({@link #admit}); refused, it is told the seconds to wait (429).
 *
 * <p>The chunk is 1/16 of the limit's rate or burst, whichever is smaller, and at most
 * {@link #MAX_CHUNK}: a tenant limited to a few calls a second leases exactly what each call needs
 * (a hop per call, at a rate where it costs nothing), a tenant with a high limit takes 256 at a
 * time. The tokens held here were taken from the bucket (at most 1½ chunks, under a tenth of the
 * burst), so the rate holds and a burst passes the bucket's by no more than what is held; unspent
 * ones go back after {@link #TTL_NANOS} or when the limit changes, so an idle tenant's share does
 * not add to its next burst. A refusal is remembered until the bucket could hold the tokens again
 * (at most {@link #MAX_REFUSAL_HOLD_NANOS}): every call of the tenant waiting then, and every call
 * that finds the share empty before that, is refused at once with the same wait, so a tenant far
 * over its limit costs one hop per refusal period, not one per refused call (the calls over the
 * limit queued behind each other's hops, and the admitted ones behind them). Not thread-safe:
 * confined to the store's event loop.
 */
public final class LeasedTokens {
  /** How long leased tokens may be spent before they go back to the bucket. */
  public static final long TTL_NANOS = 1_000_000_000L;
  /** The largest chunk leased at a time. */
  static final int MAX_CHUNK = 256;
  /** The longest a refusal is answered locally before the actor is asked again. */
  static final long MAX_REFUSAL_HOLD_NANOS = 50_000_000L;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000);

  /** The outcome of a call's admission: 0 admitted, above 0 the seconds to wait, -1 admission unavailable. */
  @FunctionalInterface
  public interface Decision {
    void decided(long waitSeconds);
  }

  private static final class Share {
    RateLimit limit;
    int tokens;
    long expiresAt;
    boolean asking;
    /** Until then (nanos) a call the share cannot serve is refused here, told {@code refusedWait}. */
    long refusedUntil;
    long refusedWait;
    boolean refusing;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);
  }

  private record Waiter(RateLimit limit, int need, Decision decision) {
  }

  private final EventBus bus;
  private final LongSupplier clock;
  private final Map<String, Share> shares = new HashMap<>();

  public LeasedTokens(EventBus bus) {
    this(bus, System::nanoTime);
  }

  public LeasedTokens(EventBus bus, LongSupplier clock) {
    this.bus = bus;
    this.clock = clock;
  }

  /** The tokens leased per hop for {@code limit}: 0 means each call leases exactly its own. */
  static int chunk(RateLimit limit) {
    return Math.min(MAX_CHUNK, Math.min(limit.perSecond(), limit.burst()) / 16);
  }

  /**
   * Takes {@code events} tokens (at least one) from the local share: true when the call is
   * admitted here and now, false when it must go through {@link #admit}.
   */
  public boolean tryTake(String tenantId, RateLimit limit, int events) {
    Share s = shares.get(tenantId);
    int need = Math.max(1, events);
    if (s == null || !s.waiters.isEmpty() || s.tokens < need || !current(tenantId, s, limit)) {
      return false;
    }
    s.tokens -= need;
    refillIfLow(tenantId, s);
    return true;
  }

  /** Decides the call once tokens are leased for it, after the calls of its tenant that wait before it. */
  public void admit(String tenantId, RateLimit limit, int events, Decision decision) {
    Share s = shares.computeIfAbsent(tenantId, t -> new Share());
    if (s.refusing && s.waiters.isEmpty() && s.tokens < Math.max(1, events)) {
      if (clock.getAsLong() - s.refusedUntil < 0 && leasedUnder(s, limit)) {
        decision.decided(s.refusedWait);
        return;
      }
      s.refusing = false;
    }
    s.waiters.add(new Waiter(limit, Math.max(1, events), decision));
    pump(tenantId, s);
  }

  /** Gives back the tokens of every expired idle share and forgets it (memory: the tenants of the last second). */
  public void sweep() {
    long now = clock.getAsLong();
    for (Iterator<Map.Entry<String, Share>> it = shares.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Share> e = it.next();
      Share s = e.getValue();
      if (!s.asking && s.waiters.isEmpty() && now - s.expiresAt >= 0) {
        giveBack(e.getKey(), s);
        it.remove();
      }
    }
  }

  /** Tenants with a local share now. */
  public int tenants() {
    return shares.size();
  }

  /** The tokens held for {@code tenantId} now (tests, metrics). */
  public int held(String tenantId) {
    Share s = shares.get(tenantId);
    return s == null ? 0 : s.tokens;
  }

  /** Whether the share holds what was leased under {@code limit} (the one in force for the call). */
  private static boolean leasedUnder(Share s, RateLimit limit) {
    return s.limit == limit || limit.equals(s.limit);
  }

  /** False (and the tokens given back) when the share expired or was leased under another limit. */
  private boolean current(String tenantId, Share s, RateLimit limit) {
    if (leasedUnder(s, limit) && clock.getAsLong() - s.expiresAt < 0) {
      return true;
    }
    giveBack(tenantId, s);
    s.limit = limit;
    return false;
  }

  private void pump(String tenantId, Share s) {
    boolean took = false;
    while (!s.waiters.isEmpty()) {
      Waiter w = s.waiters.peek();
      if (s.tokens >= w.need() && current(tenantId, s, w.limit())) {
        s.tokens -= w.need();
        s.waiters.poll();
        took = true;
        w.decision().decided(0);
        continue;
      }
      if (!s.asking) {
        ask(tenantId, s, w.limit(), w.need(), w.need() + chunk(w.limit()), w);
      }
      return;
    }
    if (took) {
      refillIfLow(tenantId, s);
    }
  }

  /** After a take only: a refill that found the bucket empty is not asked again until tokens are spent. */
  private void refillIfLow(String tenantId, Share s) {
    int chunk = s.limit == null ? 0 : chunk(s.limit);
    if (!s.asking && chunk > 0 && s.tokens < chunk / 2 + 1) {
      ask(tenantId, s, s.limit, 0, chunk, null);
    }
  }

  private void ask(String tenantId, Share s, RateLimit limit, int need, int want, Waiter forWaiter) {
    s.asking = true;
    bus.<AdmitAnswer>request(Addresses.ADMISSION_LEASE, new AdmitRequest(tenantId, limit, need, want), LOCAL)
        .onComplete(ar -> {
          s.asking = false;
          if (ar.failed()) {
            while (!s.waiters.isEmpty()) {
              s.waiters.poll().decision().decided(-1);
            }
            return;
          }
          AdmitAnswer answer = ar.result().body();
          if (answer.admitted()) {
            if (!leasedUnder(s, limit)) {
              giveBack(tenantId, s); // held under a limit no longer in force
              s.limit = limit;
            }
            s.tokens += answer.granted();
            s.expiresAt = clock.getAsLong() + TTL_NANOS;
          } else if (forWaiter != null && s.waiters.peek() == forWaiter) {
            // the bucket is short now: refuse every call waiting (in order), and the calls that
            // come before it could serve them, without asking again
            s.refusing = true;
            s.refusedUntil = clock.getAsLong() + Math.min(MAX_REFUSAL_HOLD_NANOS, Math.max(0, answer.waitNanos()));
            s.refusedWait = answer.waitSeconds();
            if (!leasedUnder(s, limit)) {
              giveBack(tenantId, s);
              s.limit = limit;
            }
            while (!s.waiters.isEmpty() && s.waiters.peek().need() > s.tokens) {
              s.waiters.poll().decision().decided(answer.waitSeconds());
            }
          }
          pump(tenantId, s);
        });
  }

  private void giveBack(String tenantId, Share s) {
    if (s.tokens > 0) {
      bus.send(Addresses.ADMISSION_UNUSED, new Unused(tenantId, s.tokens), LOCAL);
      s.tokens = 0;
    }
  }
}
