package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.pgvector.PGvector;
import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.MemoryList;
import dev.switchboard.gateway.ai.AiRecords.MemorySearch;
import dev.switchboard.gateway.ai.AiRecords.MemoryWrite;
import dev.switchboard.gateway.ai.AiRecords.MemoryWritten;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.testing.Pglite;
import dev.switchboard.migrations.MemorySchema;
import dev.switchboard.migrations.Migrator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory SQL on a real pgvector (PGlite) through the reactive client, as the gateway runs it:
 * the schema is created by the memory migration, search is cosine top-k above a threshold among a
 * contact's active, unexpired memories only, and no statement reaches another tenant's or contact's.
 */
class ContactMemoriesIT {
  private static final String TENANT = "mem-sql-it";
  private static final String OTHER = "mem-sql-other";
  private static final int DIMENSIONS = 1536;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseUrl url = DatabaseUrl.parse(Pglite.url());
    MemorySchema schema = new Migrator(url.jdbcUrl(), url.user(), url.password()).migrateMemory(DIMENSIONS);
    assertThat(schema).isEqualTo(new MemorySchema(true, null, DIMENSIONS));
    Pglite.forget(TENANT, OTHER);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(url.connectOptions()).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A unit vector pointing mostly along axis {@code a}, a little along {@code b}. */
  private static String vector(int a, int b, float mix) {
    float[] v = new float[DIMENSIONS];
    v[a] = 1;
    v[b] += mix;
    return new PGvector(v).toString();
  }

  private static Memory write(String tenant, long contact, String content, String vector, Instant expires) throws Exception {
    MemoryWritten w = await(MemoryRepository.write(pool, new MemoryWrite(tenant, contact, content, vector, DIMENSIONS,
        0.5, "fact", "manual", expires, 0)));
    assertThat(w.outcome()).isEqualTo("stored");
    return w.memory();
  }

  @Test
  void theMigrationMadeAnHnswCosineIndexAndIsAppliedOnce() throws Exception {
    DatabaseUrl url = DatabaseUrl.parse(Pglite.url());
    assertThat(new Migrator(url.jdbcUrl(), url.user(), url.password()).migrateMemory(768))
        .as("an existing table keeps its size").isEqualTo(new MemorySchema(true, null, DIMENSIONS));
    String index = await(pool.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_memories_embedding'")
        .execute()).iterator().next().getString(0);
    assertThat(index).contains("USING hnsw").contains("vector_cosine_ops");
    assertThat(await(pool.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'").execute()).iterator().next()
        .getString(0)).startsWith("0.8");
  }

  @Test
  void searchIsTopKByCosineAboveTheThresholdAmongOneContactsLiveMemories() throws Exception {
    long contact = 101;
    Memory near = write(TENANT, contact, "near", vector(1, 2, 0.1f), null);
    Memory nearer = write(TENANT, contact, "nearer", vector(1, 2, 0.01f), null);
    write(TENANT, contact, "far", vector(7, 8, 0.1f), null);
    Memory expired = write(TENANT, contact, "expired", vector(1, 2, 0f), Instant.now().plusSeconds(1));
    Memory gone = write(TENANT, contact, "deleted", vector(1, 2, 0f), null);
    assertThat(await(MemoryRepository.delete(pool, TENANT, contact, gone.id()))).isTrue();
    assertThat(await(MemoryRepository.delete(pool, TENANT, contact, gone.id()))).as("soft, once").isFalse();
    write(TENANT, 102, "another contact's", vector(1, 2, 0f), null);
    write(OTHER, contact, "another tenant's, same contact id", vector(1, 2, 0f), null);
    await(pool.query("UPDATE contact_memories SET expires_at = now() - interval '1 second' WHERE id = " + expired.id())
        .execute());

    String query = vector(1, 2, 0f);
    List<Memory> found = await(MemoryRepository.search(pool, new MemorySearch(TENANT, contact, query, 5, 0.5)));
    assertThat(found).extracting(Memory::content).containsExactly("nearer", "near");
    assertThat(found.get(0).score()).isGreaterThan(found.get(1).score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(found.get(1).id()).isEqualTo(near.id());
    assertThat(await(MemoryRepository.search(pool, new MemorySearch(TENANT, contact, query, 1, 0.5))))
        .extracting(Memory::id).containsExactly(nearer.id());
    assertThat(await(MemoryRepository.search(pool, new MemorySearch(TENANT, contact, query, 5, 0))))
        .extracting(Memory::content).containsExactly("nearer", "near", "far");
    assertThat(await(MemoryRepository.list(pool, new MemoryList(TENANT, contact, null, 10))))
        .extracting(Memory::content).containsExactly("far", "nearer", "near");
    assertThat(await(MemoryRepository.list(pool, new MemoryList(TENANT, contact, nearer.id(), 10))))
        .extracting(Memory::content).containsExactly("near");
    assertThat(await(MemoryRepository.delete(pool, OTHER, contact, near.id()))).as("another tenant's id").isFalse();
    assertThat(await(MemoryRepository.delete(pool, TENANT, 102, near.id()))).as("another contact's id").isFalse();
  }

  @Test
  void aNearDuplicateIsNotStoredTwiceWhenAskedAndTheVectorRoundTrips() throws Exception {
    long contact = 201;
    Memory first = write(TENANT, contact, "Has a dog called Max", vector(3, 4, 0.05f), null);
    MemoryWritten again = await(MemoryRepository.write(pool, new MemoryWrite(TENANT, contact, "The dog is Max",
        vector(3, 4, 0.06f), DIMENSIONS, 0.5, null, "chat", null, 0.92)));
    assertThat(again.outcome()).isEqualTo("duplicate");
    assertThat(again.memory().id()).isEqualTo(first.id());
    assertThat(await(MemoryRepository.write(pool, new MemoryWrite(TENANT, contact, "Lives in Porto", vector(9, 4, 0.05f),
        DIMENSIONS, 0.5, null, "chat", null, 0.92))).outcome()).isEqualTo("stored");
    String stored = await(pool.preparedQuery("SELECT embedding::text FROM contact_memories WHERE tenant_id = $1 AND id = $2")
        .execute(io.vertx.sqlclient.Tuple.of(TENANT, first.id()))).iterator().next().getString(0);
    float[] values = new PGvector(stored).toArray();
    assertThat(values).hasSize(DIMENSIONS);
    assertThat(values[3]).isEqualTo(1f);
    assertThat(values[4]).isEqualTo(0.05f);
  }

  @Test
  void theJdbcSideSeesTheSameRowsWithPrepareThresholdZero() throws Exception {
    write(TENANT, 301, "seen by JDBC", vector(5, 6, 0f), null);
    try (Connection c = Pglite.connect(); var st = c.prepareStatement(
        "SELECT count(*) FROM contact_memories WHERE tenant_id = ? AND contact_id = ?")) {
      for (int i = 0; i < 8; i++) { // past pgjdbc's default prepareThreshold of 5: no named statement may appear
        st.setString(1, TENANT);
        st.setLong(2, 301);
        try (var rs = st.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(1);
        }
      }
    }
  }
}
