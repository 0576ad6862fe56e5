package dev.switchboard.gateway.admission;

import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each tenant inside its inbound limit: one token bucket per tenant, owned here and
 * touched by nothing else. Over the limit the call is refused with the seconds to wait, which the
 * edge turns into 429 + Retry-After (platforms retry).
 */
public final class AdmissionVerticle extends VerticleBase {
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  @Override
  public Future<?> start() {
    return vertx.eventBus().<AdmissionRequest>localConsumer(Addresses.ADMISSION_CHECK, this::check).completion();
  }

  private void check(Message<AdmissionRequest> message) {
    AdmissionRequest r = message.body();
    long now = System.nanoTime();
    TokenBucket bucket = buckets.computeIfAbsent(r.tenantId(),
        t -> new TokenBucket(r.limit().perSecond(), r.limit().burst(), now));
    if (!bucket.sameLimit(r.limit().perSecond(), r.limit().burst())) {
      bucket.reconfigure(r.limit().perSecond(), r.limit().burst(), now);
    }
    long waitNanos = bucket.tryTake(Math.max(1, r.cost()), now);
    if (waitNanos == 0) {
      message.reply(null);
    } else {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      message.fail(FailureCodes.RATE_LIMITED, Long.toString(seconds));
    }
  }
}
