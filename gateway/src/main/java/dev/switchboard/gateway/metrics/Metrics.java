package dev.switchboard.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own meters (exposed as {@code switchboard_*} on {@code /metrics}). Micrometer
 * registries are thread-safe; meters are looked up by name and tags, so every verticle may use them.
 */
public final class Metrics {
  private final MeterRegistry registry;
  /** Meters by name and tag values: registering looks a meter up by building its id, which is costly per call. */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer commitTimer;
  private final AtomicInteger openConnections = new AtomicInteger();

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    this.batchSize = DistributionSummary.builder("switchboard.store.batch.events")
        .description("Events written per group-commit transaction")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0).maximumExpectedValue(2048.0)
        .register(registry);
    this.commitTimer = Timer.builder("switchboard.store.commit")
        .description("Duration of one group-commit transaction")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    Gauge.builder("switchboard.http.connections.open", openConnections, AtomicInteger::get)
        .description("HTTP connections open now (served and being turned away)").register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + '|' + String.join("|", tags);
    return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
        .register(registry));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A webhook call answered: {@code outcome} is ok, duplicate, unauthentic, malformed, unknown_tenant, too_large, rate_limited, unavailable, … */
  public void webhook(String channel, String outcome) {
    counter("switchboard.webhooks", "Webhook calls answered, by channel and outcome",
        "channel", channel, "outcome", outcome).increment();
  }

  public void ackLatency(String channel, long nanos) {
    timers.computeIfAbsent(channel, c -> Timer.builder("switchboard.webhook.ack")
        .description("Time from receiving a webhook to answering it")
        .tag("channel", c)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Events found already stored (platform retries, concurrent copies). */
  public void duplicates(String channel, int count) {
    if (count > 0) {
      counter("switchboard.webhook.duplicates", "Webhook events that were already stored", "channel", channel)
          .increment(count);
    }
  }

  /** Newly stored events by channel and event type (message, message:echo, status, notice:*). */
  public void stored(String channel, String eventType, int count) {
    counter("switchboard.events.stored", "Inbound events durably stored", "channel", channel, "type", eventType)
        .increment(count);
  }

  public void batch(int events) {
    batchSize.record(events);
  }

  /** Duration of one group-commit transaction (start to commit). */
  public void commit(long nanos) {
    commitTimer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void storeFailure(String reason) {
    counter("switchboard.store.failures", "Group-commit transactions that failed", "reason", reason).increment();
  }

  /** An HTTP error answered on a non-webhook route. */
  public void httpError(String route, int status) {
    counter("switchboard.http.errors", "HTTP error answers by route and status",
        "route", route, "status", Integer.toString(status)).increment();
  }

  /** Conversations whose human takeover ended by itself (auto-resume). */
  public void conversationsResumed(int count) {
    Counter c = counter("switchboard.conversations.resumed",
        "Paused conversations resumed automatically after the tenant's takeover.autoResumeAfter");
    if (count > 0) {
      c.increment(count);
    }
  }

  /** Messages written by a person on the business side (the human-takeover signal), by channel. */
  public void humanReplies(String channel, int count) {
    if (count > 0) {
      counter("switchboard.takeover.signals", "Business-side human messages stored (each pauses the bot on its conversation)",
          "channel", channel).increment(count);
    }
  }

  /** API sends that corrected a message stored as typed by a person (a false takeover signal). */
  public void takeoverCorrections(String channel, int count) {
    if (count > 0) {
      counter("switchboard.takeover.corrections",
          "Messages first stored as typed by a person that an API send of the same id corrected (their pause is re-examined)",
          "channel", channel).increment(count);
    }
  }

  public void httpConnectionOpened() {
    openConnections.incrementAndGet();
  }

  public void httpConnectionEnded() {
    openConnections.decrementAndGet();
  }

  /**
   * Connections the gateway closed on its own, by reason: {@code idle} (no request within
   * {@code http.idleTimeout}), {@code request_timeout} (a body not in within {@code http.requestTimeout}),
   * {@code too_many_connections} (turned away over {@code http.maxConnections}). A count of 0 registers it.
   */
  public void httpConnectionsClosed(String reason, int count) {
    Counter c = counter("switchboard.http.connections.closed",
        "HTTP connections the gateway closed itself: idle, too slow, or over http.maxConnections", "reason", reason);
    if (count > 0) {
      c.increment(count);
    }
  }

  /** Restarts of the embedded PostgreSQL after it exited: {@code ok} (serving again) or {@code failed}. A count of 0 registers it. */
  public void embeddedDbRestarts(String outcome, int count) {
    Counter c = counter("switchboard.embedded.db.restarts",
        "Restarts of the embedded PostgreSQL after it exited, by outcome", "outcome", outcome);
    if (count > 0) {
      c.increment(count);
    }
  }
}
