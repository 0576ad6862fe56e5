package dev.switchboard.gateway.store;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.store.OutboxRecords.Claim;
import dev.switchboard.gateway.store.OutboxRecords.Claimed;
import dev.switchboard.gateway.store.OutboxRecords.DeadLetterQuery;
import dev.switchboard.gateway.store.OutboxRecords.DeadLetterReplay;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.store.OutboxRecords.Kind;
import dev.switchboard.gateway.store.OutboxRecords.MessageQuery;
import dev.switchboard.gateway.store.OutboxRecords.Settle;
import dev.switchboard.gateway.store.OutboxRecords.Settled;
import dev.switchboard.gateway.store.OutboxRecords.Settlement;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the outbox: stores accepted sends (group-committed: the sends that arrive while a
 * transaction is in flight go together in the next one, stored by one set-based call), leases due rows to the channel senders,
 * records their outcomes, and answers the reads of sent messages and dead letters. It keeps each
 * tenant's count of waiting sends, so a full queue is refused without a round trip.
 *
 * <p>The senders' claims and outcomes have connections of their own ({@code outbox-senders}), apart
 * from the enqueue batches and the reads ({@code outbox}): while the send API is at full load its
 * batches hold their connections back to back, and a claim or a settle waiting behind them is a
 * sender standing still while its backlog grows.
 */
public final class OutboxStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxStoreVerticle.class);
  private static final int MAX_BATCH = 256;
  private static final int MAX_IN_FLIGHT = 2;
  /** A claim and the settles in flight of a busy channel sender (two batchers of two calls each), and one to spare. */
  private static final int SENDER_CONNECTIONS = 6;
  private static final long TIMEOUT_MS = 10_000;

  private final DatabaseUrl database;
  private final Metrics metrics;
  private final int queuePerTenant;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Waiting sends per tenant (and per channel, for the gauge): this node's view. */
  private final Map<String, Integer> waitingByTenant = new HashMap<>();
  private final Map<String, AtomicLong> waitingByChannel = new ConcurrentHashMap<>();
  private Pool pool;
  private Pool senderPool;
  private final AccountMarks accountMarks = new AccountMarks();
  private int inFlight;

  private record Pending(Enqueue request, Message<Enqueue> message) {
  }

  public OutboxStoreVerticle(DatabaseUrl database, Metrics metrics, int queuePerTenant) {
    this.database = database;
    this.metrics = metrics;
    this.queuePerTenant = queuePerTenant;
  }

  @Override
  public Future<?> start() {
    pool = newPool("outbox", MAX_IN_FLIGHT + 2);
    senderPool = newPool("outbox-senders", SENDER_CONNECTIONS);
    var bus = vertx.eventBus();
    return pool.query(OutboxRepository.QUEUED_BY_TENANT).execute()
        .onSuccess(rows -> {
          for (Row r : rows) {
            waitingByTenant.merge(r.getString(0), r.getInteger(2), Integer::sum);
            channelCount(r.getString(1)).addAndGet(r.getLong(2));
          }
        })
        .compose(v -> Future.all(List.of(
            bus.<Enqueue>localConsumer(Addresses.OUTBOX_ENQUEUE, this::onEnqueue).completion(),
            bus.<Claim>localConsumer(Addresses.OUTBOX_CLAIM, this::onClaim).completion(),
            bus.<Settle>localConsumer(Addresses.OUTBOX_SETTLE, this::onSettle).completion(),
            bus.<MessageQuery>localConsumer(Addresses.OUTBOX_MESSAGE, this::onMessage).completion(),
            bus.<OutboxRecords.ConversationQuery>localConsumer(Addresses.OUTBOX_CONVERSATION, m ->
                OutboxRepository.conversation(pool, m.body().tenantId(), m.body().conversationId())
                    .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .onSuccess(m::reply)
                    .onFailure(err -> m.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable"))).completion(),
            bus.<DeadLetterQuery>localConsumer(Addresses.DEAD_LETTERS, this::onDeadLetters).completion(),
            bus.<DeadLetterReplay>localConsumer(Addresses.DEAD_LETTER_REPLAY, this::onReplay).completion())));
  }

  private Pool newPool(String name, int connections) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(connections).setName(name).setMaxWaitQueueSize(1_000))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
  }

  @Override
  public Future<?> stop() {
    return Future.all(pool == null ? Future.succeededFuture() : pool.close(),
        senderPool == null ? Future.succeededFuture() : senderPool.close());
  }

  private AtomicLong channelCount(String channel) {
    return waitingByChannel.computeIfAbsent(channel, c -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("switchboard.outbound.queue", count, AtomicLong::get)
          .description("Messages waiting in the outbox (queued, or being sent), by channel")
          .tag("channel", c).register(metrics.registry());
      return count;
    });
  }

  private void onEnqueue(Message<Enqueue> message) {
    Enqueue e = message.body();
    if (waitingByTenant.getOrDefault(e.tenantId(), 0) >= queuePerTenant) {
      message.fail(FailureCodes.RATE_LIMITED, "the tenant's outbound queue is full");
      return;
    }
    queue.add(new Pending(e, message));
    flush();
  }

  private void flush() {
    while (!queue.isEmpty() && inFlight < MAX_IN_FLIGHT) {
      List<Pending> batch = new ArrayList<>();
      while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
        batch.add(queue.poll());
      }
      inFlight++;
      write(batch).onComplete(ar -> {
        inFlight--;
        flush();
      });
    }
  }

  private Future<Void> write(List<Pending> batch) {
    List<Enqueue> requests = batch.stream().map(Pending::request).toList();
    // a deadlock with another transaction rolls the whole batch back: it runs again (a failed reply
    // would make the dispatcher call the bot again for it)
    return SqlStates.retryingConflicts(
        () -> OutboxRepository.enqueue(pool, requests).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS),
        conflict -> {
          metrics.storeConflictRetry("outbox");
          LOG.atInfo().addKeyValue("sqlState", conflict.getSqlState())
              .log("a batch of {} sends was rolled back by a conflict with another transaction; running it again", batch.size());
        })
        .map(results -> {
          Set<String> channels = new HashSet<>();
          for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            Enqueued r = results.get(i);
            if (r.queued()) {
              waitingByTenant.merge(p.request().tenantId(), 1, Integer::sum);
              channelCount(p.request().channel()).incrementAndGet();
              channels.add(p.request().channel());
            }
            p.message().reply(r);
          }
          for (String channel : channels) { // one wake-up per channel and batch, not per send
            vertx.eventBus().publish(Addresses.EVT_OUTBOX_QUEUED, channel);
          }
          return (Void) null;
        })
        .recover(err -> {
          if (batch.size() > 1 && SqlStates.isDataError(err)) {
            // one send's data broke the batch: store each alone so the others are not held back
            Future<Void> chain = Future.succeededFuture();
            for (Pending p : batch) {
              chain = chain.compose(v -> write(List.of(p)));
            }
            return chain;
          }
          boolean data = SqlStates.isDataError(err);
          if (data) {
            LOG.atError().log("a send could not be stored: {}", err.getMessage());
          } else {
            LOG.atWarn().log("outbox unavailable: {}", err.toString());
          }
          for (Pending p : batch) {
            p.message().fail(data ? FailureCodes.INTERNAL : FailureCodes.STORAGE_UNAVAILABLE,
                data ? "the send could not be stored" : "storage unavailable");
          }
          return Future.succeededFuture();
        });
  }

  private void onClaim(Message<Claim> message) {
    Claim c = message.body();
    OutboxRepository.claim(senderPool, c.channel(), c.owner(), c.limit(), c.lease().toMillis() / 1000.0)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(items -> message.reply(new Claimed(items)))
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable"));
  }

  private void onSettle(Message<Settle> message) {
    Settle s = message.body();
    OutboxRepository.settle(senderPool, s.owner(), s.settlements(), accountMarks)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(dead -> {
          for (Settlement st : s.settlements()) {
            if (st.kind() == Kind.SENT || st.kind() == Kind.FAILED) {
              waitingByTenant.computeIfPresent(st.item().tenantId(), (k, n) -> n <= 1 ? null : n - 1);
              channelCount(st.item().channel()).decrementAndGet();
            }
          }
          if (dead > 0) {
            metrics.deadLetters("outbound", dead);
          }
          message.reply(new Settled(dead));
        })
        .onFailure(err -> {
          LOG.atWarn().log("outbox outcomes not recorded (the rows are retried after their lease): {}", err.toString());
          message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable");
        });
  }

  private void onMessage(Message<MessageQuery> message) {
    MessageQuery q = message.body();
    answer(message, OutboxRepository.message(pool, q.tenantId(), q.messageId()));
  }

  private void onDeadLetters(Message<DeadLetterQuery> message) {
    DeadLetterQuery q = message.body();
    answer(message, q.id() != null
        ? OutboxRepository.deadLetter(pool, q.id())
        : OutboxRepository.deadLetters(pool, q.tenantId(), q.kind(), q.beforeId(), q.limit()));
  }

  private void onReplay(Message<DeadLetterReplay> message) {
    OutboxRepository.replay(pool, message.body().id())
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(row -> {
          String outcome = row.getString(0);
          if ("replayed".equals(outcome) && "forward".equals(row.getString(4))) {
            metrics.deadLetterReplays("forward");
            vertx.eventBus().publish(Addresses.EVT_DISPATCH_QUEUED, row.getString(2));
          } else if ("replayed".equals(outcome)) {
            metrics.deadLetterReplays("outbound");
            waitingByTenant.merge(row.getString(2), 1, Integer::sum);
            channelCount(row.getString(3)).incrementAndGet();
            vertx.eventBus().publish(Addresses.EVT_OUTBOX_QUEUED, row.getString(3));
          }
          message.reply(new JsonAnswer(new JsonObject().put("outcome", outcome).encode()));
        })
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable"));
  }

  private static void answer(Message<?> message, Future<JsonObject> result) {
    result.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(json -> message.reply(new JsonAnswer(json == null ? null : json.encode())))
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable"));
  }
}
