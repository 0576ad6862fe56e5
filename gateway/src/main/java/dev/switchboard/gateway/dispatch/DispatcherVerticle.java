package dev.switchboard.gateway.dispatch;

import dev.switchboard.gateway.api.Ids;
import dev.switchboard.gateway.api.SendCommand;
import dev.switchboard.gateway.api.SendRequestParser;
import dev.switchboard.gateway.api.SendService;
import dev.switchboard.gateway.channel.Backoff;
import dev.switchboard.gateway.config.DispatchSettings;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.gateway.work.ClaimLoop;
import dev.switchboard.gateway.work.TurnBatcher;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.message.ChainDecision;
import dev.switchboard.plugin.message.InboundContext;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every stored inbound message to its tenant's plugin chain, durably and in order per
 * conversation.
 *
 * <ol>
 *   <li><b>Hand-over.</b> A new message of a tenant with a chain and no daily quota is queued as it
 *       is stored: {@code inbox_append} inserts its queue row in the same statement, and the inbox
 *       store wakes this verticle after the commit (and so is one released from a pause). A message
 *       that needs the per-contact daily quota counted is published by the store after its commit,
 *       and this verticle hands those over in batches ({@code dispatch_take_keys}): a queue row per
 *       message, the {@code dispatched_at} marker, the quota. A message whose process died before
 *       that hand-over is found by the recovery sweep ({@code dispatch_recover}, every few seconds)
 *       once it is {@code dispatch.recoverAfter} old.</li>
 *   <li><b>Chains.</b> Queue rows are leased ({@code dispatch_claim}: FOR UPDATE SKIP LOCKED, one per
 *       conversation at a time) when messages were queued, when a settle says a finished
 *       conversation has a next message or a claim began while it was out, when freed room may take
 *       what a full or failed claim left, and
 *       every {@value #POLL_MS} ms; their chain runs from the entry it stopped at. Different
 *       conversations run concurrently; each tenant has at most
 *       {@code dispatch.maxInFlightPerTenant} running on this node.</li>
 *   <li><b>Outcomes.</b> Replies are queued to the outbox (keyed by event, entry and position, so a
 *       retry never sends one twice); a plugin that asks to retry runs again after a backoff, the
 *       conversation's later messages waiting; out of attempts or refused for good, the message is a
 *       dead letter of kind {@code forward}. Every plugin run is logged ({@code plugin_runs}).</li>
 * </ol>
 */
public final class DispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  private static final int CLAIM_LIMIT = 256;
  private static final int MAX_ACTIVE = 1024;
  private static final int TAKE_BATCH = 512;
  private static final int SETTLE_BATCH = 1024;
  private static final long POLL_MS = 200;
  private static final long RECOVER_MS = 5_000;
  private static final Duration ENTRY_TIMEOUT = Duration.ofMinutes(6);

  private final DatabaseUrl database;
  private final DispatchSettings settings;
  private final Metrics metrics;
  private final String owner;
  private final SendService sends;
  private final Backoff backoff;
  private final Map<String, Integer> runningByTenant = new HashMap<>();
  private final List<Run> runs = new ArrayList<>();
  private TurnBatcher<Dispatch> takes;
  private TurnBatcher<Outcome> outcomes;
  private ClaimLoop claims;
  private TenantDirectory directory = TenantDirectory.EMPTY;
  private Pool pool;
  private HttpClient http;
  private boolean recovering;
  private boolean stopping;
  private int active;
  private long pollTimer = -1;
  private long recoverTimer = -1;

  /** A claimed message on its way through the chain. */
  private record Job(long messageId, TenantView tenant, String channel, Long conversationId, String chatId, int position,
                     int attempts, Instant storedAt, InboundMessage message, InboundContext.EventIds ids) {
  }

  private record Outcome(long messageId, String kind, int position, Duration delay, String error) {
  }

  private record Run(String tenant, long messageId, String plugin, int position, String outcome, int latencyMs,
                     String error) {
  }

  public DispatcherVerticle(DatabaseUrl database, DispatchSettings settings, Metrics metrics, String owner,
                            SendService sends) {
    this.database = database;
    this.settings = settings;
    this.metrics = metrics;
    this.owner = owner + ":dispatch";
    this.sends = sends;
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffMax());
  }

  @Override
  public Future<?> start() {
    takes = new TurnBatcher<>(vertx, TAKE_BATCH, 1, this::takeKeys);
    outcomes = new TurnBatcher<>(vertx, SETTLE_BATCH, 2, this::settleBatch);
    claims = new ClaimLoop(vertx, CLAIM_LIMIT, this::room, this::claim);
    pool = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(6).setName("dispatch")
            .setMaxWaitQueueSize(1_000))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions()).using(vertx).build();
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(60).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(MAX_ACTIVE * 4));
    var bus = vertx.eventBus();
    return Future.all(
            bus.<TenantDirectory>localConsumer(Addresses.EVT_TENANTS_CHANGED, m -> adopt(m.body())).completion(),
            bus.<Dispatch>localConsumer(Addresses.DISPATCH, m -> onDispatch(m.body())).completion(),
            bus.<String>localConsumer(Addresses.EVT_DISPATCH_QUEUED, m -> poll()).completion())
        .compose(v -> bus.<TenantDirectory>request(Addresses.TENANTS_SNAPSHOT, "current"))
        .onSuccess(reply -> {
          adopt(reply.body());
          pollTimer = vertx.setPeriodic(POLL_MS, id -> poll());
          recoverTimer = vertx.setPeriodic(RECOVER_MS, id -> recover());
          recover();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    claims.stop();
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(recoverTimer);
    return http == null ? Future.succeededFuture() : http.close().eventually(() -> pool.close());
  }

  private void adopt(TenantDirectory next) {
    if (next.version() >= directory.version()) {
      directory = next;
    }
  }

  /** The tenants whose chain is not empty (the others' messages are only marked handed over). */
  private String[] chained() {
    return directory.tenants().values().stream().filter(t -> !t.chain().isEmpty()).map(TenantView::id)
        .toArray(String[]::new);
  }

  private void onDispatch(Dispatch d) {
    takes.add(d);
  }

  /**
   * Hands a batch of new messages over in one call ({@code dispatch_take_keys}), one batch after the
   * other (the batcher keeps one call in flight): the daily quota counts messages in the order they
   * were stored, so a later batch never overtakes an earlier one.
   */
  private Future<Void> takeKeys(List<Dispatch> batch) {
    String[] tenants = batch.stream().map(Dispatch::tenantId).toArray(String[]::new);
    String[] channels = batch.stream().map(Dispatch::channel).toArray(String[]::new);
    String[] pids = batch.stream().map(d -> d.message().platformMessageId()).toArray(String[]::new);
    return pool.preparedQuery("SELECT message_id, tenant_id, conversation_id, held, notice FROM dispatch_take_keys($1, $2, $3, $4)")
        .execute(Tuple.of(tenants, channels, pids, chained()))
        .onSuccess(this::handedOver)
        .onFailure(err -> LOG.atWarn().log("messages not handed to their chains yet (the recovery sweep will): {}",
            err.toString()))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  private void recover() {
    if (recovering || stopping) {
      return;
    }
    recovering = true;
    pool.preparedQuery("SELECT message_id, tenant_id, conversation_id, held, notice FROM dispatch_recover($1, $2, $3)")
        .execute(Tuple.of(settings.recoverAfter().toMillis() / 1000.0, 500, chained()))
        .onComplete(ar -> recovering = false)
        .onSuccess(rows -> {
          if (rows.size() > 0) {
            LOG.atInfo().addKeyValue("messages", rows.size())
                .log("handed {} messages that were stored but never dispatched to their chains", rows.size());
            metrics.dispatchRecovered(rows.size());
          }
          handedOver(rows);
          if (rows.size() == 500) {
            vertx.runOnContext(v -> recover());
          }
        })
        .onFailure(err -> LOG.atDebug().log("dispatch recovery sweep failed: {}", err.toString()));
  }

  private void handedOver(RowSet<Row> rows) {
    int queued = 0;
    for (Row r : rows) {
      if (!r.getBoolean("held")) {
        queued++;
      } else {
        metrics.held("daily_quota");
        if (r.getBoolean("notice")) {
          quotaNotice(r.getString("tenant_id"), r.getLong("conversation_id"), r.getLong("message_id"));
        }
      }
    }
    metrics.dispatchQueued("take", queued);
    poll();
  }

  private void quotaNotice(String tenantId, long conversationId, long messageId) {
    TenantView tenant = directory.tenant(tenantId).orElse(null);
    if (tenant == null || tenant.dailyQuotaNotice() == null) {
      return;
    }
    JsonObject body = new JsonObject().put("conversationId", Ids.CONVERSATION.format(conversationId))
        .put("text", tenant.dailyQuotaNotice()).put("idempotencyKey", "quota:" + Ids.MESSAGE.format(messageId));
    sends.submit(tenant, SendRequestParser.parse(body))
        .onFailure(err -> LOG.atWarn().log("the daily quota notice of tenant {} was not sent: {}", tenantId,
            err.getMessage()));
  }

  private void poll() {
    claims.poll();
  }

  /**
   * How many queue rows a claim may lease now: the node's free places, and no more than the chained
   * tenants' free places together. A row claimed for a tenant at its {@code maxInFlightPerTenant}
   * is only released again (a wasted claim and settle, and a 250 ms wait for that message), so with
   * one busy tenant the claim asks for exactly what it can start.
   */
  private int room() {
    int free = 0;
    for (TenantView t : directory.tenants().values()) {
      if (!t.chain().isEmpty()) {
        free += Math.max(0, settings.maxInFlightPerTenant() - runningByTenant.getOrDefault(t.id(), 0));
        if (free >= MAX_ACTIVE) {
          break;
        }
      }
    }
    return Math.min(MAX_ACTIVE - active, free);
  }

  /** Leases up to {@code room} queue rows and starts their chains; the number claimed. */
  private Future<Integer> claim(int room) {
    return pool.preparedQuery("SELECT * FROM dispatch_claim($1, $2, $3)")
        .execute(Tuple.of(owner, room, settings.lease().toMillis() / 1000.0))
        .map(rows -> {
          rows.forEach(this::admit);
          return rows.size();
        })
        .onFailure(err -> LOG.atDebug().log("dispatch claim failed: {}", err.toString()));
  }

  private void admit(Row r) {
    active++;
    long messageId = r.getLong("message_id");
    TenantView tenant = directory.tenant(r.getString("tenant_id")).orElse(null);
    if (tenant == null || tenant.chain().isEmpty()) {
      settle(new Outcome(messageId, "done", 0, Duration.ZERO, null));
      return;
    }
    if (runningByTenant.getOrDefault(tenant.id(), 0) >= settings.maxInFlightPerTenant()) {
      settle(new Outcome(messageId, "release", r.getInteger("entry_position"), Duration.ofMillis(250), null));
      return;
    }
    InboundMessage message;
    try {
      message = StoredInbound.from(r);
    } catch (RuntimeException e) {
      LOG.atError().log("stored message {} cannot be read back for its chain: {}", messageId, e.toString());
      settle(new Outcome(messageId, "dead", r.getInteger("entry_position"), Duration.ZERO,
          "unreadable: the stored message cannot be read back (" + e.getClass().getSimpleName() + ")"));
      return;
    }
    Long contactId = r.getLong("contact_id");
    InboundContext.EventIds ids = new InboundContext.EventIds(Ids.EVENT.format(messageId), Ids.MESSAGE.format(messageId),
        Ids.CONVERSATION.formatNullable(r.getLong("conversation_id")), contactId == null ? null : Ids.CONTACT.format(contactId),
        r.getString("phone"), r.getString("display_name"));
    runningByTenant.merge(tenant.id(), 1, Integer::sum);
    Job job = new Job(messageId, tenant, r.getString("channel"), r.getLong("conversation_id"), r.getString("chat_id"),
        r.getInteger("entry_position"), r.getInteger("attempts"), r.getOffsetDateTime("stored_at").toInstant(),
        message, ids);
    runFrom(job, job.position());
  }

  /** Runs chain entry {@code i} and goes on as it decides. */
  private void runFrom(Job job, int i) {
    List<MessagePluginRegistry.Entry> chain = job.tenant().chain();
    if (i >= chain.size()) {
      finish(job, new Outcome(job.messageId(), "done", i, Duration.ZERO, null));
      return;
    }
    MessagePluginRegistry.Entry entry = chain.get(i);
    int attempt = i == job.position() ? job.attempts() + 1 : 1;
    InboundContext ctx = new InboundContext(vertx, http, new TenantId(job.tenant().id()), new ChannelId(job.channel()),
        job.conversationId() == null ? 0 : job.conversationId(), job.message(), entry.settings(), job.ids(), attempt);
    long start = System.nanoTime();
    Future<ChainDecision> decision;
    try {
      decision = entry.plugin().handle(ctx);
    } catch (RuntimeException e) {
      decision = Future.failedFuture(e);
    }
    decision.timeout(ENTRY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture(new ChainDecision.Retry(Duration.ZERO,
            "plugin_error: " + entry.type() + " failed (" + err.getClass().getSimpleName() + ")")))
        .onSuccess(d -> decided(job, i, entry, attempt, start, d));
  }

  private void decided(Job job, int i, MessagePluginRegistry.Entry entry, int attempt, long start, ChainDecision d) {
    int latency = (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (d instanceof ChainDecision.Continue) {
      log(job, entry, i, "continue", latency, null);
      runFrom(job, i + 1);
    } else if (d instanceof ChainDecision.Stop stop) {
      log(job, entry, i, "stop", latency, null);
      finish(job, new Outcome(job.messageId(), "done", i, Duration.ZERO, null));
    } else if (d instanceof ChainDecision.Reply reply) {
      queueReplies(job, i, reply.replies(), 0, new ArrayList<>()).onComplete(ar -> {
        if (ar.failed()) {
          log(job, entry, i, "retry", latency, "replies not queued: " + ar.cause().getMessage());
          retry(job, i, attempt, Duration.ZERO, "replies_unavailable: " + ar.cause().getMessage());
          return;
        }
        List<String> refused = ar.result();
        log(job, entry, i, "reply", latency, refused.isEmpty() ? null : String.join("; ", refused));
        if (reply.stop()) {
          finish(job, new Outcome(job.messageId(), "done", i, Duration.ZERO, null));
        } else {
          runFrom(job, i + 1);
        }
      });
    } else if (d instanceof ChainDecision.Retry r) {
      log(job, entry, i, "retry", latency, r.reason());
      retry(job, i, attempt, r.after(), r.reason());
    } else if (d instanceof ChainDecision.Fail f) {
      log(job, entry, i, "failed", latency, f.code() + ": " + f.detail());
      finish(job, new Outcome(job.messageId(), "dead", i, Duration.ZERO, f.code() + ": " + f.detail()));
    }
  }

  private void retry(Job job, int i, int attempt, Duration after, String reason) {
    if (attempt >= settings.maxAttempts()) {
      finish(job, new Outcome(job.messageId(), "dead", i, Duration.ZERO,
          reason.split(":", 2)[0] + ": gave up after " + attempt + " attempts: " + reason));
    } else {
      metrics.dispatchRetry();
      finish(job, new Outcome(job.messageId(), "retry", i, backoff.after(attempt, after), reason));
    }
  }

  /**
   * Queues the replies one after the other (in order), each as a reply to the message, keyed so a
   * retry of the chain never queues one twice. A reply the send API refuses (bad content, a closed
   * window) is reported and skipped; the store being unavailable fails the whole step (retried).
   */
  private Future<List<String>> queueReplies(Job job, int i, List<JsonObject> replies, int n, List<String> refused) {
    if (n >= replies.size()) {
      return Future.succeededFuture(refused);
    }
    if (job.conversationId() == null) {
      refused.add("replies: the message has no conversation (its sender is unknown), nothing to reply to");
      return Future.succeededFuture(refused);
    }
    JsonObject body = replies.get(n).copy()
        .put("conversationId", job.ids().conversationId())
        .put("idempotencyKey", job.ids().eventId() + ":" + i + ":" + n);
    if (body.getValue("reaction") == null) {
      body.put("replyTo", job.ids().messageId());
    }
    Future<?> queued;
    try {
      SendCommand cmd = SendRequestParser.parse(body);
      queued = (job.chatId() == null ? sends.submit(job.tenant(), cmd)
          : sends.submitReply(job.tenant(), cmd, job.channel(), job.chatId())).map(r -> {
        if (!"queued".equals(r.outcome()) && !"existing".equals(r.outcome())) {
          refused.add("reply " + n + ": " + r.outcome());
        }
        return r;
      });
    } catch (ApiException e) {
      queued = Future.failedFuture(e);
    }
    return queued.recover(err -> {
      if (err instanceof ApiException api && api.status() < 500 && api.status() != 429) {
        refused.add("reply " + n + ": " + api.code() + " (" + api.getMessage() + ")");
        return Future.succeededFuture();
      }
      return Future.failedFuture(err instanceof ApiException api ? new IllegalStateException(api.getMessage()) : err);
    }).compose(v -> queueReplies(job, i, replies, n + 1, refused));
  }

  private void log(Job job, MessagePluginRegistry.Entry entry, int position, String outcome, int latencyMs, String error) {
    metrics.pluginRun(entry.type(), outcome, latencyMs);
    runs.add(new Run(job.tenant().id(), job.messageId(), entry.type(), position, outcome, latencyMs,
        error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error));
  }

  private void finish(Job job, Outcome outcome) {
    runningByTenant.computeIfPresent(job.tenant().id(), (k, n) -> n <= 1 ? null : n - 1);
    if ("done".equals(outcome.kind())) {
      metrics.dispatchLag(Math.max(0, Duration.between(job.storedAt(), Instant.now()).toNanos()));
    }
    settle(outcome);
  }

  private void settle(Outcome o) {
    outcomes.add(o);
  }

  /** Records a batch of outcomes and the plugin runs logged since the last one, in one call. */
  private Future<Void> settleBatch(List<Outcome> batch) {
    List<Run> logged = new ArrayList<>(runs);
    runs.clear();
    Tuple args = Tuple.from(new Object[] {owner,
        batch.stream().map(Outcome::messageId).toArray(Long[]::new),
        batch.stream().map(Outcome::kind).toArray(String[]::new),
        batch.stream().map(Outcome::position).toArray(Integer[]::new),
        batch.stream().map(o -> o.delay().toMillis() / 1000.0).toArray(Double[]::new),
        batch.stream().map(Outcome::error).toArray(String[]::new),
        logged.stream().map(Run::tenant).toArray(String[]::new),
        logged.stream().map(Run::messageId).toArray(Long[]::new),
        logged.stream().map(Run::plugin).toArray(String[]::new),
        logged.stream().map(Run::position).toArray(Integer[]::new),
        logged.stream().map(Run::outcome).toArray(String[]::new),
        logged.stream().map(Run::latencyMs).toArray(Integer[]::new),
        logged.stream().map(Run::error).toArray(String[]::new)});
    long claimsBefore = claims.started();
    return pool.preparedQuery("SELECT dead, more FROM dispatch_settle_more($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
            + " $12, $13)")
        .execute(args)
        .onSuccess(rows -> {
          active -= batch.size();
          Row r = rows.iterator().next();
          int dead = r.getInteger(0);
          if (dead > 0) {
            metrics.deadLetters("forward", dead);
          }
          claims.settled(claimsBefore, r.getBoolean(1)); // more: a finished conversation's next message is due
        })
        .onFailure(err -> {
          if (stopping) {
            active -= batch.size();
            return;
          }
          LOG.atWarn().log("chain outcomes not recorded yet, retrying: {}", err.toString());
          vertx.setTimer(1_000, id -> {
            runs.addAll(logged);
            outcomes.addAll(batch);
          });
        })
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }
}
