package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.bus.Codecs;
import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.gateway.metrics.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's local share of tokens against the real admission verticle over the bus: the limit
 * holds, most calls need no hop, calls are decided in arrival order, unspent tokens go back.
 * Everything runs on one event-loop context, as in the store.
 */
class LeasedTokensTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(7 * SECOND);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;
  private Context context;
  private LeasedTokens leases;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Codecs.registerAll(vertx.eventBus());
    vertx.deployVerticle(new AdmissionVerticle(new Admission(), new Metrics(registry), clock::get))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    context = vertx.getOrCreateContext();
    leases = new LeasedTokens(vertx.eventBus(), clock::get);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Admits {@code calls} calls of {@code events} each, as the store does, and returns each call's wait (0 = admitted) in order of decision. */
  private List<long[]> admit(String tenant, RateLimit limit, int calls, int events) throws Exception {
    return onContext(() -> {
      List<long[]> decided = Collections.synchronizedList(new ArrayList<>());
      Promise<List<long[]>> all = Promise.promise();
      for (int i = 0; i < calls; i++) {
        long call = i;
        if (leases.tryTake(tenant, limit, events)) {
          decided.add(new long[] {call, 0});
        } else {
          leases.admit(tenant, limit, events, wait -> {
            decided.add(new long[] {call, wait});
            if (decided.size() == calls) {
              all.tryComplete(decided);
            }
          });
        }
      }
      if (decided.size() == calls) {
        all.tryComplete(decided);
      }
      return all.future();
    });
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static long admitted(List<long[]> decided) {
    return decided.stream().filter(d -> d[1] == 0).count();
  }

  private double leasesAsked() {
    return registry.get("switchboard.admission.leases").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aHighLimitAdmitsNearlyEveryCallWithoutAHop() throws Exception {
    RateLimit limit = new RateLimit(1_000_000, 1_000_000);
    List<long[]> decided = admit("acme", limit, 10_000, 1);
    assertThat(admitted(decided)).isEqualTo(10_000);
    assertThat(leasesAsked()).as("one lease per chunk of %d calls", LeasedTokens.chunk(limit))
        .isLessThan(10_000 / 100.0);
  }

  @Test
  void theLimitHoldsThroughTheLeasesAndTheRestAreToldToWait() throws Exception {
    RateLimit limit = new RateLimit(100, 100); // a chunk of 6
    List<long[]> decided = admit("acme", limit, 150, 1);
    assertThat(admitted(decided)).as("exactly the burst: leased tokens come out of the bucket").isEqualTo(100);
    assertThat(decided).filteredOn(d -> d[1] != 0).allSatisfy(d -> assertThat(d[1]).isEqualTo(1));
    clock.addAndGet(SECOND / 2);
    assertThat(admitted(admit("acme", limit, 100, 1))).as("half a second refills 50").isEqualTo(50);
  }

  @Test
  void aTenantFarOverItsLimitIsRefusedWithoutAHopPerRefusedCall() throws Exception {
    RateLimit limit = new RateLimit(100, 100);
    List<long[]> decided = admit("acme", limit, 2_000, 1);
    assertThat(admitted(decided)).isEqualTo(100);
    assertThat(decided).filteredOn(d -> d[1] != 0).hasSize(1_900).allSatisfy(d -> assertThat(d[1]).isEqualTo(1));
    double refusedLeases = registry.get("switchboard.admission.leases").tag("outcome", "refused").counter().count();
    assertThat(refusedLeases).as("the refusal is remembered until the bucket refills, not asked per call")
        .isLessThanOrEqualTo(2);
    clock.addAndGet(LeasedTokens.MAX_REFUSAL_HOLD_NANOS);
    assertThat(admitted(admit("acme", limit, 10, 1))).as("once the hold is over, the refilled tokens are leased")
        .isEqualTo(5);
  }

  @Test
  void callsOfATenantAreDecidedInArrivalOrder() throws Exception {
    RateLimit limit = new RateLimit(1_000, 1_000);
    List<long[]> decided = admit("acme", limit, 2_000, 1);
    for (int i = 0; i < decided.size(); i++) {
      assertThat(decided.get(i)[0]).isEqualTo(i);
    }
    assertThat(admitted(decided)).isEqualTo(1_000);
  }

  @Test
  void aLowLimitLeasesExactlyEachCallsTokens() throws Exception {
    RateLimit limit = new RateLimit(1, 2);
    assertThat(LeasedTokens.chunk(limit)).isZero();
    List<long[]> decided = admit("acme", limit, 3, 1);
    assertThat(decided).extracting(d -> d[1]).containsExactly(0L, 0L, 1L);
    assertThat(onContext(() -> Future.succeededFuture(leases.held("acme")))).as("nothing held ahead").isZero();
  }

  @Test
  void tenantsHaveSeparateShares() throws Exception {
    RateLimit limit = new RateLimit(50, 50);
    assertThat(admitted(admit("acme", limit, 80, 1))).isEqualTo(50);
    assertThat(admitted(admit("globex", limit, 80, 1))).as("another tenant's calls do not count").isEqualTo(50);
  }

  @Test
  void unspentTokensGoBackAfterTheLeaseExpiresSoAnIdleTenantsBurstIsNotExceeded() throws Exception {
    RateLimit limit = new RateLimit(1_000, 1_000); // chunks of 62
    assertThat(admitted(admit("acme", limit, 1, 1))).isEqualTo(1);
    int held = onContext(() -> Future.succeededFuture(leases.held("acme")));
    assertThat(held).isPositive();
    clock.addAndGet(LeasedTokens.TTL_NANOS);
    onContext(() -> {
      leases.sweep();
      return Future.succeededFuture(leases.tenants());
    });
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("switchboard.admission.tokens.returned").counter().count() == held);
    clock.addAndGet(10 * SECOND); // idle long enough to refill to the burst
    assertThat(admitted(admit("acme", limit, 1_500, 1))).as("the burst, not the burst plus the old share").isEqualTo(1_000);
  }

  @Test
  void withoutTheAdmissionVerticleACallIsToldAdmissionIsUnavailableNotAdmitted() throws Exception {
    Vertx alone = Vertx.vertx();
    try {
      Codecs.registerAll(alone.eventBus());
      LeasedTokens orphan = new LeasedTokens(alone.eventBus(), clock::get);
      Promise<Long> decided = Promise.promise();
      alone.runOnContext(v -> orphan.admit("acme", new RateLimit(10, 10), 1, decided::complete));
      assertThat(decided.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(-1);
    } finally {
      alone.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCallLargerThanTheBurstIsAdmittedWhenTheBucketIsFull() throws Exception {
    RateLimit limit = new RateLimit(5, 5);
    assertThat(admit("acme", limit, 1, 20)).extracting(d -> d[1]).containsExactly(0L);
    assertThat(admit("acme", limit, 1, 1)).extracting(d -> d[1]).containsExactly(1L);
  }
}
