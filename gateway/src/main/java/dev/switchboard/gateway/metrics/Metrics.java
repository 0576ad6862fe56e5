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

  /** A batch transaction PostgreSQL rolled back for a deadlock or serialization failure, run again. */
  public void storeConflictRetry(String store) {
    counter("switchboard.store.conflict.retries",
        "Batch transactions rolled back by a deadlock or serialization failure and run again", "store", store).increment();
  }

  /** Time of one query of the tenant read API, by query ({@code conversations}, {@code messages}, …). */
  public void readQuery(String query, long nanos) {
    timers.computeIfAbsent("read|" + query, q -> Timer.builder("switchboard.store.read.latency")
        .description("Time of a tenant read API query in the read store (bus request to answer)")
        .tag("query", query)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** An HTTP error answered on a non-webhook route. */
  public void httpError(String route, int status) {
    counter("switchboard.http.errors", "HTTP error answers by route and status",
        "route", route, "status", Integer.toString(status)).increment();
  }

  /** A housekeeping beat: {@code ran} (this node holds the cluster's lease) or {@code other_node}. */
  public void housekeepingSweep(String outcome) {
    counter("switchboard.housekeeping.sweeps", "Housekeeping beats: done here (ran) or left to the lease holder (other_node)",
        "outcome", outcome).increment();
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

  /** Dead letters made, by kind ({@code outbound}, {@code forward}). */
  public void deadLetters(String kind, int count) {
    counter("switchboard.dead.letters", "Messages that failed for good and became dead letters, by kind", "kind", kind)
        .increment(count);
  }

  /** Dead letters put back in the queue by an operator. */
  public void deadLetterReplays(String kind) {
    counter("switchboard.dead.letter.replays", "Dead letters replayed through the admin API, by kind", "kind", kind)
        .increment();
  }

  /** A send's outcome: {@code sent}, {@code retry}, {@code failed}. */
  public void outbound(String channel, String outcome) {
    counter("switchboard.outbound", "Send attempts by channel and outcome (sent, retry, failed)",
        "channel", channel, "outcome", outcome).increment();
  }

  /**
   * A chat that changed its id (Telegram: a group upgraded to a supergroup), by where it was
   * learnt: {@code webhook} (the service message) or {@code send} (a send answered with the new id).
   */
  public void chatMigration(String channel, String source) {
    chatMigrations(channel, source, 1);
  }

  public void chatMigrations(String channel, String source, int count) {
    if (count > 0) {
      counter("switchboard.chat.migrations",
          "Chats found under a new id (a Telegram group upgraded to a supergroup), their conversation following it,"
              + " by source (webhook, send)",
          "channel", channel, "source", source).increment(count);
    }
  }

  /**
   * A claimed send given back to the outbox without calling the platform, because less than half of
   * its lease was left (a slow claim, or a long wait on this node): not in doubt, claimed again.
   */
  public void leaseShort(String channel) {
    counter("switchboard.outbound.lease.short",
        "Claimed sends given back uncalled because too little of their lease was left to call the platform and record the answer",
        "channel", channel).increment();
  }

  /** A vacuum of a work queue by the gateway (see QueueVacuumVerticle), and how long it took. */
  public void queueVacuum(String table, long nanos) {
    timers.computeIfAbsent("vacuum|" + table, t -> Timer.builder("switchboard.queue.vacuum")
        .description("Vacuums of a work queue run by the gateway when its dead rows passed the bound, and their duration")
        .tag("table", table)
        .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** A send found in doubt (its process died between calling the platform and recording the answer). */
  public void inDoubt(String channel) {
    counter("switchboard.outbound.in.doubt",
        "Sends found in doubt after a crash or lost lease (the platform may have them): resent or failed per outbound.inDoubt",
        "channel", channel).increment();
  }

  /** A platform throttle (or transient failure) that backed off sends, by the scope it applies to. */
  public void throttle(String channel, String scope) {
    counter("switchboard.outbound.throttles", "Back-offs asked for by a platform, by scope (message, recipient, account)",
        "channel", channel, "scope", scope).increment();
  }

  /** Time from a send's acceptance by the API to the platform accepting it. */
  public void sentLatency(String channel, long nanos) {
    timers.computeIfAbsent("sent|" + channel, c -> Timer.builder("switchboard.outbound.sent.latency")
        .description("Time from accepting a send (202) to the platform accepting it")
        .tag("channel", channel)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Sends accepted or refused by the API: {@code queued}, {@code duplicate}, {@code conflict}, {@code outside_window}, … */
  public void sendRequest(String outcome) {
    counter("switchboard.send.requests", "POST /v1/messages answers by outcome", "outcome", outcome).increment();
  }

  /** Messages the recovery sweep handed to their chains (stored, but their process died before the hand-over). */
  public void dispatchRecovered(int count) {
    counter("switchboard.dispatch.recovered", "Messages handed to their chains by the recovery sweep").increment(count);
  }

  /** A stored inbound message not handed to the chain, by reason ({@code daily_quota}, {@code paused}). */
  public void held(String reason) {
    counter("switchboard.messages.held", "Inbound messages stored but held back from the plugin chain, by reason",
        "reason", reason).increment();
  }

  /** New inbound messages of tenants without a plugin chain (marked handed over by inbox_append as stored). */
  public void unchained(String channel, int count) {
    if (count > 0) {
      counter("switchboard.dispatch.unchained",
          "Inbound messages of tenants without a plugin chain, handed over as they were stored (nothing to dispatch)",
          "channel", channel).increment(count);
    }
  }

  /**
   * Messages put in the dispatch queue, by the way they went: {@code store} (queued by inbox_append as
   * they were stored: a chain and no daily quota) or {@code take} (the dispatcher's hand-over after
   * the commit, for a tenant with a daily quota to count, and the recovery sweep).
   */
  public void dispatchQueued(String path, int count) {
    if (count > 0) {
      counter("switchboard.dispatch.handovers", "Inbound messages put in the dispatch queue, by path", "path", path)
          .increment(count);
    }
  }

  /** A chain entry that will run again (its plugin asked to retry). */
  public void dispatchRetry() {
    counter("switchboard.dispatch.retries", "Chain entries scheduled to run again").increment();
  }

  /** One plugin run: {@code continue}, {@code reply}, {@code stop}, {@code retry}, {@code failed}. */
  public void pluginRun(String plugin, String outcome, int latencyMs) {
    counter("switchboard.plugin.runs", "Message-plugin runs by plugin and outcome", "plugin", plugin, "outcome", outcome)
        .increment();
    timers.computeIfAbsent("plugin|" + plugin, k -> Timer.builder("switchboard.plugin.latency")
        .description("Duration of one message-plugin run").tag("plugin", plugin)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60)).register(registry))
        .record(latencyMs, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Time from a message's commit to the end of its chain. */
  public void dispatchLag(long nanos) {
    timers.computeIfAbsent("dispatch.lag", k -> Timer.builder("switchboard.dispatch.lag")
        .description("Time from storing an inbound message to the end of its plugin chain")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * A config file change: {@code applied}, {@code refused} (invalid: the old config stays),
   * {@code failed}; {@code cluster} (another node changed the tenants) and {@code admin} (the admin
   * API did) are directory reloads for other reasons.
   */
  public void configReload(String outcome) {
    counter("switchboard.config.reloads", "Config file changes by outcome (applied, refused, failed)", "outcome", outcome)
        .increment();
  }

  /** A failed authentication on {@code route} (a route template): {@code kind} tenant_key or admin_token. */
  public void authFailure(String route, String kind) {
    counter("switchboard.auth.failures", "Failed authentications by route and kind (tenant_key, admin_token)",
        "route", route, "kind", kind).increment();
  }

  /** A request answered 429 too_many_auth_failures on {@code route}: its address failed too often. */
  public void authBlocked(String route) {
    counter("switchboard.auth.blocked", "Requests refused 429 because their address failed to authenticate too often",
        "route", route).increment();
  }

  /** API sends that corrected a message stored as typed by a person (a false takeover signal). */
  public void takeoverCorrections(String channel, int count) {
    if (count > 0) {
      counter("switchboard.takeover.corrections",
          "Messages first stored as typed by a person that an API send of the same id corrected (their pause is re-examined)",
          "channel", channel).increment(count);
    }
  }

  /**
   * One call to a model provider (chat, embedding or extraction), by tenant, model and outcome
   * ({@code ok}, {@code timeout}, {@code rate_limited}, {@code server_error}, {@code network},
   * {@code client_error}, {@code bad_answer}), with the provider's token counts and the call's latency.
   */
  public void llmRequest(String tenant, String model, String outcome, int promptTokens, int completionTokens,
                         int latencyMs) {
    counter("switchboard.llm.requests", "Model calls by tenant, model and outcome",
        "tenant", tenant, "model", model, "outcome", outcome).increment();
    if (promptTokens > 0) {
      counter("switchboard.llm.tokens", "Tokens the model provider counted, by tenant, model and kind (prompt, completion)",
          "tenant", tenant, "model", model, "kind", "prompt").increment(promptTokens);
    }
    if (completionTokens > 0) {
      counter("switchboard.llm.tokens", "Tokens the model provider counted, by tenant, model and kind (prompt, completion)",
          "tenant", tenant, "model", model, "kind", "completion").increment(completionTokens);
    }
    timers.computeIfAbsent("llm|" + model, k -> Timer.builder("switchboard.llm.latency")
        .description("Duration of one model call, by model").tag("model", model)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(120)).register(registry))
        .record(latencyMs, java.util.concurrent.TimeUnit.MILLISECONDS);
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
