package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.admission.AdmissionRecords.AdmitAnswer;
import dev.switchboard.gateway.admission.AdmissionRecords.AdmitRequest;
import dev.switchboard.gateway.admission.AdmissionRecords.Unused;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.function.LongSupplier;

/**
 * The single owner of the tenants' inbound token buckets ({@link Admission}): it leases tokens on
 * {@link Addresses#ADMISSION_LEASE} and takes unspent ones back on {@link Addresses#ADMISSION_UNUSED}.
 * Its one client on a node is the inbox store, which asks for a chunk of tokens at a time
 * ({@link LeasedTokens}) rather than once per webhook, so the hop is paid once per chunk.
 * In cluster mode the buckets hold this node's share of each limit (the {@link Admission} given).
 */
public final class AdmissionVerticle extends VerticleBase {
  private final Admission admission;
  private final Metrics metrics;
  private final LongSupplier clock;
  private Counter granted;
  private Counter refused;
  private Counter tokensLeased;
  private Counter tokensReturned;

  public AdmissionVerticle(Admission admission, Metrics metrics) {
    this(admission, metrics, System::nanoTime);
  }

  /** @param clock monotonic nanos (tests pass their own to show refills without waiting) */
  public AdmissionVerticle(Admission admission, Metrics metrics, LongSupplier clock) {
    this.admission = admission;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    var registry = metrics.registry();
    granted = Counter.builder("switchboard.admission.leases").tag("outcome", "granted")
        .description("Token leases asked of the admission verticle by the inbox store (one per chunk of webhooks)")
        .register(registry);
    refused = Counter.builder("switchboard.admission.leases").tag("outcome", "refused")
        .description("Token leases asked of the admission verticle by the inbox store (one per chunk of webhooks)")
        .register(registry);
    tokensLeased = Counter.builder("switchboard.admission.tokens.leased")
        .description("Inbound tokens (events) leased to the inbox store").register(registry);
    tokensReturned = Counter.builder("switchboard.admission.tokens.returned")
        .description("Leased inbound tokens given back unspent (lease expired or limit changed)").register(registry);
    Gauge.builder("switchboard.admission.tenants", admission, Admission::tenants)
        .description("Tenants with an inbound token bucket").register(registry);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<AdmitRequest>localConsumer(Addresses.ADMISSION_LEASE, this::onLease).completion(),
        bus.<Unused>localConsumer(Addresses.ADMISSION_UNUSED, this::onUnused).completion());
  }

  private void onLease(Message<AdmitRequest> message) {
    AdmitRequest r = message.body();
    long taken = admission.lease(r.tenantId(), r.limit(), r.need(), r.want(), clock.getAsLong());
    if (taken >= 0) {
      granted.increment();
      tokensLeased.increment(taken);
      message.reply(new AdmitAnswer((int) taken, 0));
    } else {
      refused.increment();
      message.reply(new AdmitAnswer(0, Admission.waitSeconds(-taken), -taken));
    }
  }

  private void onUnused(Message<Unused> message) {
    Unused u = message.body();
    tokensReturned.increment(u.tokens());
    admission.giveBack(u.tenantId(), u.tokens(), clock.getAsLong());
  }
}
