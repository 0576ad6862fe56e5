package dev.switchboard.gateway.ai;

import dev.switchboard.gateway.ai.AiRecords.Context;
import dev.switchboard.gateway.ai.AiRecords.ContextQuery;
import dev.switchboard.gateway.ai.AiRecords.ContactQuery;
import dev.switchboard.gateway.ai.AiRecords.Found;
import dev.switchboard.gateway.ai.AiRecords.Memories;
import dev.switchboard.gateway.ai.AiRecords.MemoryDelete;
import dev.switchboard.gateway.ai.AiRecords.MemoryList;
import dev.switchboard.gateway.ai.AiRecords.MemorySearch;
import dev.switchboard.gateway.ai.AiRecords.MemoryStatusQuery;
import dev.switchboard.gateway.ai.AiRecords.MemoryWrite;
import dev.switchboard.gateway.ai.AiRecords.UsageQuery;
import dev.switchboard.gateway.ai.AiRecords.UsageRecord;
import dev.switchboard.gateway.config.MemorySettings;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.migrations.MemorySchema;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the AI data: reads conversation history for prompts and records every model call
 * ({@code ai_requests} and the {@code switchboard_llm_*} meters) on the main database, and owns the
 * contact memories ({@code contact_memories}, pgvector) on the memory database — the main one unless
 * {@code memory.databaseUrl} names another. Without pgvector there the memory requests fail with
 * {@link FailureCodes#MEMORY_UNAVAILABLE} and the rest works.
 */
public final class AiStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AiStoreVerticle.class);
  private static final long TIMEOUT_MS = 10_000;

  private final DatabaseUrl database;
  private final DatabaseUrl memoryDatabase;
  private final MemorySettings settings;
  private final MemorySchema memory;
  private final Metrics metrics;
  private Pool pool;
  private Pool memoryPool;

  public AiStoreVerticle(DatabaseUrl database, DatabaseUrl memoryDatabase, MemorySettings settings, MemorySchema memory,
                         Metrics metrics) {
    this.database = database;
    this.memoryDatabase = memoryDatabase;
    this.settings = settings;
    this.memory = memory;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = pool(database, 4, "ai");
    if (memory.available()) {
      memoryPool = pool(memoryDatabase, settings.poolSize(), "memory");
    }
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<ContextQuery>localConsumer(Addresses.AI_CONTEXT, this::onContext).completion(),
        bus.<UsageRecord>localConsumer(Addresses.AI_USAGE_RECORD, m -> record(m.body())).completion(),
        bus.<UsageQuery>localConsumer(Addresses.AI_USAGE_QUERY, m -> answer(m,
            AiRepository.usage(pool, m.body()).map(json -> new JsonAnswer(json.encode())))).completion(),
        bus.<ContactQuery>localConsumer(Addresses.AI_CONTACT, m -> answer(m,
            AiRepository.contactExists(pool, m.body().tenantId(), m.body().contactId()).map(Found::new))).completion(),
        bus.<MemoryStatusQuery>localConsumer(Addresses.MEMORY_STATUS, m -> m.reply(memory)).completion(),
        bus.<MemorySearch>localConsumer(Addresses.MEMORY_SEARCH, m -> withMemory(m, m.body().vector(),
            p -> MemoryRepository.search(p, m.body()).map(Memories::new))).completion(),
        bus.<MemoryList>localConsumer(Addresses.MEMORY_LIST, m -> withMemory(m, null,
            p -> MemoryRepository.list(p, m.body()).map(Memories::new))).completion(),
        bus.<MemoryWrite>localConsumer(Addresses.MEMORY_WRITE, m -> withMemory(m, m.body().vector(),
            p -> MemoryRepository.write(p, m.body()))).completion(),
        bus.<MemoryDelete>localConsumer(Addresses.MEMORY_DELETE, m -> withMemory(m, null,
            p -> MemoryRepository.delete(p, m.body().tenantId(), m.body().contactId(), m.body().memoryId())
                .map(Found::new))).completion()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    return memoryPool == null ? closed : closed.eventually(() -> memoryPool.close());
  }

  private Pool pool(DatabaseUrl url, int size, String name) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName(name).setMaxWaitQueueSize(1_000))
        .with(new NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(url.connectOptions()).using(vertx).build();
  }

  private void onContext(Message<ContextQuery> m) {
    ContextQuery q = m.body();
    answer(m, AiRepository.history(pool, q.tenantId(), q.conversationId(), q.beforeMessageId(), q.historyLimit())
        .map(turns -> new Context(turns, memory.available())));
  }

  private void record(UsageRecord u) {
    metrics.llmRequest(u.tenantId(), u.model(), u.outcome(), u.promptTokens(), u.completionTokens(), u.latencyMs());
    AiRepository.record(pool, u).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(err -> LOG.atWarn().log("a model call of tenant {} was counted but not recorded in ai_requests: {}",
            u.tenantId(), err.toString()));
  }

  /**
   * Runs a memory request: refused when memory is unavailable, or when a vector's size is not the
   * table's (a provider whose embeddings do not fit {@code memory.dimensions}).
   */
  private <T> void withMemory(Message<?> m, String vector, Function<Pool, Future<T>> work) {
    if (!memory.available()) {
      m.fail(FailureCodes.MEMORY_UNAVAILABLE, memory.reason());
      return;
    }
    if (vector != null && Vectors.dimensions(vector) != memory.dimensions()) {
      m.fail(FailureCodes.BAD_REQUEST, "the embedding has " + Vectors.dimensions(vector) + " dimensions; the memory "
          + "store holds " + memory.dimensions() + " (memory.dimensions, fixed when contact_memories was created)");
      return;
    }
    answer(m, work.apply(memoryPool));
  }

  private static <T> void answer(Message<?> m, Future<T> result) {
    result.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(m::reply)
        .onFailure(err -> {
          LOG.atDebug().log("AI store request failed: {}", err.toString());
          m.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable");
        });
  }
}
