package dev.switchboard.gateway.store;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.store.ReadRecords.ContactGet;
import dev.switchboard.gateway.store.ReadRecords.ContactLookup;
import dev.switchboard.gateway.store.ReadRecords.ConversationGet;
import dev.switchboard.gateway.store.ReadRecords.ConversationList;
import dev.switchboard.gateway.store.ReadRecords.MessageList;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the tenant read API (conversations, their messages, contacts) on its own reactive pool, so
 * reads never queue behind the inbox's group commits or the outbox's claims. Every query is scoped
 * by the tenant the request carries. Each query's time is recorded
 * ({@code switchboard_store_read_latency_seconds}, by query).
 */
public final class ReadStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReadStoreVerticle.class);
  private static final long TIMEOUT_MS = 10_000;
  private static final int POOL_SIZE = 4;

  private final DatabaseUrl database;
  private final Metrics metrics;
  private Pool pool;

  public ReadStoreVerticle(DatabaseUrl database, Metrics metrics) {
    this.database = database;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(POOL_SIZE).setName("reads").setMaxWaitQueueSize(1_000))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<ConversationList>localConsumer(Addresses.READ_CONVERSATIONS,
            m -> answer(m, "conversations", q -> ReadRepository.conversations(pool, q))).completion(),
        bus.<ConversationGet>localConsumer(Addresses.READ_CONVERSATION,
            m -> answer(m, "conversation", q -> ReadRepository.conversation(pool, q.tenantId(), q.conversationId())
                .map(ReadStoreVerticle::json))).completion(),
        bus.<MessageList>localConsumer(Addresses.READ_MESSAGES,
            m -> answer(m, "messages", q -> ReadRepository.messages(pool, q))).completion(),
        bus.<ContactGet>localConsumer(Addresses.READ_CONTACT,
            m -> answer(m, "contact", q -> ReadRepository.contact(pool, q.tenantId(), q.contactId())
                .map(ReadStoreVerticle::json))).completion(),
        bus.<ContactLookup>localConsumer(Addresses.READ_CONTACTS,
            m -> answer(m, "contacts", q -> ReadRepository.contacts(pool, q))).completion()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** A single row travels as {@link JsonAnswer} (null json: not the tenant's, or missing); a list as its Page. */
  private static JsonAnswer json(JsonObject row) {
    return new JsonAnswer(row == null ? null : row.encode());
  }

  private <Q> void answer(Message<Q> message, String query, Function<Q, Future<?>> run) {
    long started = System.nanoTime();
    Future<?> result;
    try {
      result = run.apply(message.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(answer -> {
          metrics.readQuery(query, System.nanoTime() - started);
          message.reply(answer);
        })
        .onFailure(err -> {
          LOG.atWarn().addKeyValue("query", query).log("read failed: {}", err.toString());
          metrics.storeFailure("read");
          message.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable");
        });
  }
}
