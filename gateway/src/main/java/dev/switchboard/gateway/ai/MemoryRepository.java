package dev.switchboard.gateway.ai;

import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.MemoryList;
import dev.switchboard.gateway.ai.AiRecords.MemorySearch;
import dev.switchboard.gateway.ai.AiRecords.MemoryWrite;
import dev.switchboard.gateway.ai.AiRecords.MemoryWritten;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code contact_memories} (pgvector). Every statement names one tenant and one contact. Vectors
 * travel in pgvector's text form, bound as text and cast ({@code $n::text::vector}), so the reactive
 * client needs no vector type of its own.
 */
public final class MemoryRepository {
  private static final String COLUMNS =
      "id, contact_id, content, importance, category, source, created_at, updated_at, expires_at";
  private static final String LIVE = "tenant_id = $1 AND contact_id = $2 AND is_active "
      + "AND (expires_at IS NULL OR expires_at > now())";

  /** The top k by cosine distance, then only those similar enough (score = 1 - distance). */
  static final String SEARCH = "SELECT * FROM (SELECT " + COLUMNS + ", 1 - (embedding <=> $3::text::vector) AS score"
      + " FROM contact_memories WHERE " + LIVE + " ORDER BY embedding <=> $3::text::vector LIMIT $4) nearest"
      + " WHERE score >= $5 ORDER BY score DESC";

  static final String LIST = "SELECT " + COLUMNS + " FROM contact_memories WHERE " + LIVE
      + " AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4";

  /** Inserts unless an active memory at least {@code $9} similar exists ($9 > 1: never a duplicate). */
  static final String WRITE = "INSERT INTO contact_memories (tenant_id, contact_id, content, embedding, importance,"
      + " category, source, expires_at) SELECT $1, $2, $3, $4::text::vector, $5, $6, $7, $8"
      + " WHERE NOT EXISTS (SELECT 1 FROM contact_memories WHERE " + LIVE
      + " AND 1 - (embedding <=> $4::text::vector) >= $9) RETURNING " + COLUMNS;

  static final String NEAREST = "SELECT " + COLUMNS + ", 1 - (embedding <=> $3::text::vector) AS score"
      + " FROM contact_memories WHERE " + LIVE + " ORDER BY embedding <=> $3::text::vector LIMIT 1";

  static final String DELETE = "UPDATE contact_memories SET is_active = false, updated_at = now()"
      + " WHERE tenant_id = $1 AND contact_id = $2 AND id = $3 AND is_active RETURNING id";

  private MemoryRepository() {
  }

  public static Future<List<Memory>> search(Pool pool, MemorySearch q) {
    return pool.preparedQuery(SEARCH).execute(Tuple.of(q.tenantId(), q.contactId(), q.vector(), q.topK(), q.minScore()))
        .map(MemoryRepository::memories);
  }

  public static Future<List<Memory>> list(Pool pool, MemoryList q) {
    return pool.preparedQuery(LIST).execute(Tuple.of(q.tenantId(), q.contactId(), q.beforeId(), q.limit()))
        .map(MemoryRepository::memories);
  }

  public static Future<MemoryWritten> write(Pool pool, MemoryWrite w) {
    double dedupe = w.dedupeAbove() > 0 ? w.dedupeAbove() : 2.0;
    Tuple args = Tuple.from(new Object[] {w.tenantId(), w.contactId(), w.content(), w.vector(), (float) w.importance(),
        w.category(), w.source(), w.expiresAt() == null ? null : w.expiresAt().atOffset(ZoneOffset.UTC), dedupe});
    return pool.preparedQuery(WRITE).execute(args).compose(rows -> rows.size() > 0
        ? Future.succeededFuture(new MemoryWritten("stored", memories(rows).get(0)))
        : pool.preparedQuery(NEAREST).execute(Tuple.of(w.tenantId(), w.contactId(), w.vector()))
            .map(near -> new MemoryWritten("duplicate", memories(near).get(0))));
  }

  public static Future<Boolean> delete(Pool pool, String tenant, long contactId, long memoryId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(tenant, contactId, memoryId)).map(rows -> rows.size() > 0);
  }

  private static List<Memory> memories(RowSet<Row> rows) {
    List<Memory> list = new ArrayList<>();
    boolean scored = rows.columnsNames().contains("score");
    for (Row r : rows) {
      list.add(new Memory(r.getLong("id"), r.getLong("contact_id"), r.getString("content"),
          r.getFloat("importance"), r.getString("category"), r.getString("source"),
          instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")),
          instant(r.getOffsetDateTime("expires_at")), scored ? r.getDouble("score") : null));
    }
    return list;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
