package dev.switchboard.gateway.store;

import dev.switchboard.gateway.admission.LeasedTokens;
import dev.switchboard.gateway.config.StoreSettings;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.dispatch.Dispatch;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Committed;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Known;
import dev.switchboard.gateway.idempotency.IdempotencyRecords.Lookup;
import dev.switchboard.gateway.idempotency.RecentKeys;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ChatMigration;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the inbox: admits each webhook call against its tenant's inbound limit (with tokens leased
 * from the admission verticle, see {@link LeasedTokens}), then appends its events durably and
 * answers only after the commit.
 * Concurrent calls are group-committed: while a transaction is in flight, arriving calls queue
 * and go together in the next one, so durability costs one commit per batch rather than per call.
 * Up to {@link StoreSettings#maxInFlight()} batches are committed side by side, each on its own
 * connection: another one starts once {@link StoreSettings#minConcurrentBatch()} events wait or the
 * linger ends, so at a few tens of connections the store is not limited to one commit at a time.
 * Duplicates across concurrent batches are resolved by the database ({@code inbox_append} waits on
 * the unique key). A call whose conversation has a batch in flight waits for it (calls of other
 * conversations overtake it), so a conversation is never in two transactions at once: its calls
 * are committed batch after batch in the order they arrived, as with one transaction at a time.
 * Before a batch goes to the database its keys are looked up, in one request, in the recent-keys
 * cache (owned by {@code RecentKeysVerticle}): calls whose events were all committed lately are
 * answered as duplicates without a round trip, and each commit's keys are sent back to the cache.
 * The unique constraint stays the authority.
 *
 * <p>On undeploy the store drains: every queued call goes out at once (no linger) and is committed
 * or failed, and the pool closes only once no transaction is in flight.
 */
public final class InboxStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(InboxStoreVerticle.class);
  /** Requests to the admission and recent-keys verticles: local, answered in microseconds. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(2_000);

  private final DatabaseUrl database;
  private final StoreSettings settings;
  private final Metrics metrics;
  private final InboxRepository repository = new InboxRepository();
  private LeasedTokens leases;
  private long sweepTimer = -1;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Conversations (tenant, channel, chat) with a call in a batch in flight (never in two batches at once). */
  private final Set<String> busyChats = new HashSet<>();
  private Pool pool;
  private Counter orderWaits;
  private int queuedEvents;
  private int inFlight;
  private long lingerTimer = -1;
  private long lastUnavailableLog = System.nanoTime() - 10_000_000_000L;
  private Promise<Void> drained;

  /** A queued call with its events' conversations (empty when none has a chat, e.g. receipts). */
  private record Pending(AppendRequest request, Message<AppendRequest> message, Set<String> chats) {
    int events() {
      return request.events().size();
    }
  }

  /** How far one flush looks past calls held for their conversation's order. */
  private static final int SCAN_LIMIT = 4_096;

  /**
   * The tenants' inbound limits are held by the admission verticle (deployed beside this one, on
   * {@code Addresses.ADMISSION_LEASE}), the recent keys by the recent-keys verticle.
   */
  public InboxStoreVerticle(DatabaseUrl database, StoreSettings settings, Metrics metrics) {
    this.database = database;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.maxInFlight() + 2).setName("inbox")
            .setMaxWaitQueueSize(1_000))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    Gauge.builder("switchboard.store.queue.events", this, v -> v.queuedEvents)
        .description("Events waiting for the next group commit").register(metrics.registry());
    Gauge.builder("switchboard.store.inflight", this, v -> v.inFlight)
        .description("Group-commit transactions in flight").register(metrics.registry());
    orderWaits = Counter.builder("switchboard.store.order.waits")
        .description("Times a queued call was passed over because its conversation had a batch in flight (arrival order kept)")
        .register(metrics.registry());
    var bus = vertx.eventBus();
    leases = new LeasedTokens(bus);
    sweepTimer = vertx.setPeriodic(LeasedTokens.TTL_NANOS / 1_000_000, id -> leases.sweep());
    return Future.all(
        bus.<AppendRequest>localConsumer(Addresses.INBOX_APPEND, this::onAppend).completion(),
        bus.<AuditRecord>localConsumer(Addresses.INBOX_AUDIT, this::onAudit).completion(),
        bus.<Ping>localConsumer(Addresses.INBOX_PING, this::onPing).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    if (pool == null) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    int queued = queuedEvents;
    flushIfDue();
    checkDrained();
    return drained.future()
        .timeout(settings.timeout().toMillis() * 2, TimeUnit.MILLISECONDS)
        .onSuccess(v -> LOG.atInfo().addKeyValue("events", queued).log("inbox drained: queued calls committed or failed"))
        .recover(err -> {
          LOG.warn("inbox not drained in time; failing {} queued calls", queue.size());
          for (Pending p : queue) {
            p.message().fail(FailureCodes.STORAGE_UNAVAILABLE, "shutting down");
          }
          queue.clear();
          queuedEvents = 0;
          return Future.succeededFuture();
        })
        .compose(v -> pool.close());
  }

  private void checkDrained() {
    if (drained != null && queue.isEmpty() && inFlight == 0) {
      drained.tryComplete();
    }
  }

  private void onAppend(Message<AppendRequest> message) {
    AppendRequest request = message.body();
    int n = request.events().size();
    if (request.inboundLimit() == null || leases.tryTake(request.tenantId(), request.inboundLimit(), n)) {
      admitted(message); // no limit, or the tokens were leased already: no hop
      return;
    }
    leases.admit(request.tenantId(), request.inboundLimit(), n, waitSeconds -> {
      if (waitSeconds == 0) {
        admitted(message);
      } else if (waitSeconds > 0) {
        message.fail(FailureCodes.RATE_LIMITED, Long.toString(waitSeconds));
      } else {
        message.fail(FailureCodes.STORAGE_UNAVAILABLE, "admission unavailable");
      }
    });
  }

  private void admitted(Message<AppendRequest> message) {
    AppendRequest request = message.body();
    int n = request.events().size();
    if (n == 0) {
      message.reply(new AppendResult(0, 0));
      return;
    }
    if (queuedEvents + n > settings.maxQueuedEvents() && queuedEvents > 0) {
      message.fail(FailureCodes.STORAGE_UNAVAILABLE, "store overloaded");
      return;
    }
    queue.add(new Pending(request, message, chats(request)));
    queuedEvents += n;
    flushIfDue();
  }

  private static Set<String> chats(AppendRequest request) {
    Set<String> chats = Set.of();
    for (InboundEvent e : request.events()) {
      if (e instanceof InboundMessage m && m.chatId() != null) {
        if (chats.isEmpty()) {
          chats = new HashSet<>(2);
        }
        chats.add(request.tenantId() + '\u0000' + request.channel() + '\u0000' + m.chatId());
      }
    }
    return chats;
  }

  /**
   * Flush now when idle, when enough events wait for another concurrent batch, or when draining;
   * otherwise linger briefly for company.
   */
  private void flushIfDue() {
    boolean blocked = false;
    while (!queue.isEmpty() && inFlight < settings.maxInFlight()
        && (inFlight == 0 || queuedEvents >= settings.minConcurrentBatch() || drained != null)) {
      if (!flush()) {
        blocked = true; // everything waiting belongs to conversations in flight: their batches' end flushes again
        break;
      }
    }
    if (!blocked && !queue.isEmpty() && lingerTimer < 0 && inFlight < settings.maxInFlight()) {
      lingerTimer = vertx.setTimer(Math.max(1, settings.linger().toMillis()), id -> {
        lingerTimer = -1;
        if (!queue.isEmpty() && inFlight < settings.maxInFlight() && flush()) {
          flushIfDue();
        }
      });
    }
  }

  /**
   * Starts one batch: the queued calls in arrival order up to {@code maxBatchEvents}, leaving in
   * place (and in order) every call whose conversation has a batch in flight or an earlier call
   * left waiting. Several calls of one conversation may share the batch (a busy chat's calls go
   * together, as before); within a batch rows go in key order. Returns false when no call could go.
   */
  private boolean flush() {
    List<Pending> batch = new ArrayList<>();
    int events = 0;
    Set<String> waiting = null; // conversations of the calls this pass left in the queue: later ones wait too
    Iterator<Pending> it = queue.iterator();
    for (int scanned = 0; it.hasNext() && scanned < SCAN_LIMIT; scanned++) {
      Pending p = it.next();
      if (!batch.isEmpty() && events + p.events() > settings.maxBatchEvents()) {
        break;
      }
      if (busy(p.chats(), waiting)) {
        if (waiting == null) {
          waiting = new HashSet<>();
        }
        waiting.addAll(p.chats());
        orderWaits.increment();
        continue;
      }
      it.remove();
      events += p.events();
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return false;
    }
    for (Pending p : batch) {
      busyChats.addAll(p.chats());
    }
    queuedEvents -= events;
    inFlight++;
    metrics.batch(events);
    withoutRecent(batch)
        .compose(rest -> rest.isEmpty() ? Future.succeededFuture() : write(rest))
        .onComplete(ar -> {
          inFlight--;
          for (Pending p : batch) {
            busyChats.removeAll(p.chats());
          }
          flushIfDue();
          checkDrained();
        });
    return true;
  }

  private boolean busy(Set<String> chats, Set<String> waiting) {
    for (String c : chats) {
      if (busyChats.contains(c) || (waiting != null && waiting.contains(c))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asks the recent-keys cache, once for the whole batch, which keys were committed lately; answers
   * the calls whose events all were (duplicates, no round trip) and returns the others. If the
   * cache does not answer, every call goes to the database, which decides anyway.
   */
  private Future<List<Pending>> withoutRecent(List<Pending> batch) {
    List<String> keys = new ArrayList<>();
    for (Pending p : batch) {
      AppendRequest r = p.request();
      for (InboundEvent e : r.events()) {
        keys.add(RecentKeys.key(r.tenantId(), r.channel(), e.idempotencyKey()));
      }
    }
    return vertx.eventBus().<Known>request(Addresses.IDEMPOTENCY_LOOKUP, new Lookup(keys), LOCAL)
        .map(reply -> reply.body())
        .otherwise(Known.NONE)
        .map(known -> {
          if (known.keys().isEmpty()) {
            return batch;
          }
          List<Pending> rest = new ArrayList<>(batch.size());
          for (Pending p : batch) {
            if (allKnown(p.request(), known)) {
              metrics.duplicates(p.request().channel(), p.events());
              p.message().reply(new AppendResult(0, p.events()));
            } else {
              rest.add(p);
            }
          }
          return rest;
        });
  }

  private static boolean allKnown(AppendRequest r, Known known) {
    for (InboundEvent e : r.events()) {
      if (!known.keys().contains(RecentKeys.key(r.tenantId(), r.channel(), e.idempotencyKey()))) {
        return false;
      }
    }
    return true;
  }

  private Future<Void> write(List<Pending> batch) {
    List<InboxRepository.Item> items = new ArrayList<>();
    for (Pending p : batch) {
      AppendRequest r = p.request();
      for (InboundEvent e : r.events()) {
        items.add(new InboxRepository.Item(r.tenantId(), r.channel(), e, r.receivedAt()));
      }
    }
    // a deadlock with another transaction rolls the whole batch back: it runs again, so the
    // platform is not answered 503 for what was only bad timing
    return SqlStates.retryingConflicts(() -> {
      long start = System.nanoTime();
      return repository.append(pool, items)
          .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .onSuccess(written -> metrics.commit(System.nanoTime() - start));
    }, conflict -> {
      metrics.storeConflictRetry("inbox");
      LOG.atInfo().addKeyValue("sqlState", conflict.getSqlState())
          .log("a batch of {} webhooks was rolled back by a conflict with another transaction; running it again", batch.size());
    })
        .map(written -> {
          answer(batch, written);
          return (Void) null;
        })
        .recover(err -> {
          if (batch.size() > 1 && SqlStates.isDataError(err)) {
            // one call's data broke the batch: retry each call alone so the others are not held back
            metrics.storeFailure("data_split");
            Future<Void> chain = Future.succeededFuture();
            for (Pending p : batch) {
              chain = chain.compose(v -> write(List.of(p)));
            }
            return chain;
          }
          fail(batch, err);
          return Future.succeededFuture();
        });
  }

  private void answer(List<Pending> batch, InboxRepository.Written written) {
    Set<String> newKeys = written.newKeys();
    Map<String, Integer> storedByType = new HashMap<>();
    List<String> committed = new ArrayList<>();
    boolean anyQueued = false;
    for (Pending p : batch) {
      AppendRequest r = p.request();
      int stored = 0;
      int duplicates = 0;
      int humans = 0;
      int claims = 0;
      int unchained = 0;
      int queued = 0;
      int migrations = 0;
      for (InboundEvent e : r.events()) {
        String key = RecentKeys.key(r.tenantId(), r.channel(), e.idempotencyKey());
        if (newKeys.remove(key)) {
          stored++;
          storedByType.merge(r.channel() + '\u0000' + e.eventType(), 1, Integer::sum);
          if (e instanceof InboundMessage m && m.author() == Author.BUSINESS_HUMAN && m.chatId() != null
              && written.messagesStored().contains(key)) { // without a chat (undecodable) nothing is paused
            humans++;
          }
          if (written.claimed().contains(key)) {
            claims++;
          }
          if (e instanceof ChatMigration) {
            migrations++; // inbox_append re-keyed the chat's conversation
          }
          if (e instanceof InboundMessage message && written.dispatch().containsKey(key)) {
            vertx.eventBus().publish(Addresses.DISPATCH,
                new Dispatch(r.tenantId(), r.channel(), written.dispatch().get(key), message));
          } else if (written.handedOver().contains(key)) {
            unchained++; // no plugin chain: handed over as stored, nothing to dispatch
          } else if (written.queued().contains(key)) {
            queued++; // queued for its chain as stored: the dispatcher's claim takes it
          } else if (e instanceof InboundMessage m && m.direction() == Direction.INBOUND && m.editedAt() == null
              && written.messagesStored().contains(key)) {
            metrics.held("paused"); // stored while its conversation is paused (human takeover or by API)
          }
        } else {
          duplicates++;
        }
        committed.add(key);
      }
      metrics.duplicates(r.channel(), duplicates);
      metrics.humanReplies(r.channel(), humans);
      metrics.takeoverCorrections(r.channel(), claims);
      metrics.unchained(r.channel(), unchained);
      metrics.dispatchQueued("store", queued);
      anyQueued |= queued > 0;
      metrics.chatMigrations(r.channel(), "webhook", migrations);
      p.message().reply(new AppendResult(stored, duplicates));
    }
    storedByType.forEach((k, count) -> {
      int sep = k.indexOf('\u0000');
      metrics.stored(k.substring(0, sep), k.substring(sep + 1), count);
    });
    if (anyQueued) { // one wake-up per batch: the dispatcher claims what is due
      vertx.eventBus().publish(Addresses.EVT_DISPATCH_QUEUED, "store", LOCAL);
    }
    vertx.eventBus().send(Addresses.IDEMPOTENCY_COMMITTED, new Committed(committed), LOCAL);
  }

  private void fail(List<Pending> batch, Throwable err) {
    boolean data = SqlStates.isDataError(err);
    metrics.storeFailure(data ? "data" : "unavailable");
    if (data) {
      LOG.atError().addKeyValue("sqlState", ((PgException) err).getSqlState())
          .log("a webhook's events could not be stored: {}", ((PgException) err).getErrorMessage());
    } else if (System.nanoTime() - lastUnavailableLog > 5_000_000_000L) {
      lastUnavailableLog = System.nanoTime(); // once per 5 s during an outage, not once per call
      LOG.atWarn().log("storage unavailable, answering 503: {}", err.toString());
    }
    for (Pending p : batch) {
      if (data) {
        p.message().fail(FailureCodes.INTERNAL, "events could not be stored");
      } else {
        p.message().fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable");
      }
    }
  }

  private void onAudit(Message<AuditRecord> message) {
    repository.audit(pool, message.body())
        .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .onSuccess(v -> message.reply(null))
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable"));
  }

  private void onPing(Message<Ping> message) {
    pool.query("SELECT 1").execute()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(rows -> message.reply(null))
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "database unreachable"));
  }
}
