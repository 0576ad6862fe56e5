package dev.switchboard.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The gateway's own meters (exposed as {@code switchboard_*} on {@code /metrics}). Micrometer
 * registries are thread-safe; meters are looked up by name and tags, so every verticle may use them.
 */
public final class Metrics {
  private final MeterRegistry registry;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A webhook call answered: {@code outcome} is ok, duplicate, unauthentic, malformed, unknown_tenant, too_large, rate_limited, unavailable, … */
  public void webhook(String channel, String outcome) {
    Counter.builder("switchboard.webhooks").description("Webhook calls answered, by channel and outcome")
        .tag("channel", channel).tag("outcome", outcome).register(registry).increment();
  }

  public void ackLatency(String channel, long nanos) {
    Timer.builder("switchboard.webhook.ack").description("Time from receiving a webhook to answering it")
        .tag("channel", channel)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Events found already stored (platform retries, concurrent copies). */
  public void duplicates(String channel, int count) {
    if (count > 0) {
      Counter.builder("switchboard.webhook.duplicates").description("Webhook events that were already stored")
          .tag("channel", channel).register(registry).increment(count);
    }
  }

  /** Newly stored events by channel and event type (message, message:echo, status, notice:*). */
  public void stored(String channel, String eventType, int count) {
    Counter.builder("switchboard.events.stored").description("Inbound events durably stored")
        .tag("channel", channel).tag("type", eventType).register(registry).increment(count);
  }

  public void batch(int events) {
    DistributionSummary.builder("switchboard.store.batch.events")
        .description("Events written per group-commit transaction")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0).maximumExpectedValue(2048.0)
        .register(registry).record(events);
  }

  public void storeFailure(String reason) {
    Counter.builder("switchboard.store.failures").description("Group-commit transactions that failed")
        .tag("reason", reason).register(registry).increment();
  }

  /** An HTTP error answered on a non-webhook route. */
  public void httpError(String route, int status) {
    Counter.builder("switchboard.http.errors").description("HTTP error answers by route and status")
        .tag("route", route).tag("status", Integer.toString(status)).register(registry).increment();
  }
}
