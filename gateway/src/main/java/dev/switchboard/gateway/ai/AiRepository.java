package dev.switchboard.gateway.ai;

import dev.switchboard.gateway.ai.AiRecords.Turn;
import dev.switchboard.gateway.ai.AiRecords.UsageQuery;
import dev.switchboard.gateway.ai.AiRecords.UsageRecord;
import dev.switchboard.gateway.api.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The AI tables of the main database: conversation history for prompts, usage accounting, contact checks. */
final class AiRepository {
  /**
   * The conversation's latest messages before one, newest first (the caller reverses): both
   * directions, with text or a caption; a send that failed never reached the contact and is left out.
   */
  static final String HISTORY = """
      SELECT direction = 'inbound' AS from_contact, coalesce(text, content->'media'->>'caption') AS text
        FROM messages
       WHERE tenant_id = $1 AND conversation_id = $2 AND id < $3
         AND coalesce(text, content->'media'->>'caption') IS NOT NULL
         AND type NOT IN ('reaction', 'edit', 'revoke', 'system')
         AND NOT (direction = 'outbound' AND status = 'failed')
       ORDER BY id DESC
       LIMIT $4""";

  static final String RECORD = """
      INSERT INTO ai_requests (tenant_id, contact_id, conversation_id, message_id, plugin, purpose, model,
                               prompt_tokens, completion_tokens, latency_ms, outcome, http_status, error, cost)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::float8::numeric)""";

  static final String CONTACT = "SELECT 1 FROM contacts WHERE tenant_id = $1 AND id = $2";

  private static final String TOTALS = """
      count(*) AS requests, count(*) FILTER (WHERE outcome <> 'ok') AS errors,
      coalesce(sum(prompt_tokens), 0) AS prompt_tokens, coalesce(sum(completion_tokens), 0) AS completion_tokens,
      sum(cost)::float8 AS cost, coalesce(avg(latency_ms), 0)::float8 AS avg_latency_ms
      FROM ai_requests WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3""";

  /** Usage grouped by each key the API offers; every one scoped to the tenant and the time range. */
  static final Map<String, String> USAGE = Map.of(
      "day", "SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS key, " + TOTALS
          + " GROUP BY 1 ORDER BY 1",
      "model", "SELECT model AS key, " + TOTALS + " GROUP BY 1 ORDER BY 1",
      "contact", "SELECT contact_id AS key, " + TOTALS + " GROUP BY 1 ORDER BY 1 NULLS LAST");
  static final String USAGE_TOTAL = "SELECT " + TOTALS;

  private AiRepository() {
  }

  static Future<List<Turn>> history(Pool pool, String tenant, long conversationId, long beforeMessageId, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(HISTORY).execute(Tuple.of(tenant, conversationId, beforeMessageId, limit)).map(rows -> {
      List<Turn> turns = new ArrayList<>();
      for (Row r : rows) {
        turns.add(new Turn(r.getBoolean("from_contact"), r.getString("text")));
      }
      Collections.reverse(turns);
      return turns;
    });
  }

  static Future<Void> record(Pool pool, UsageRecord u) {
    return pool.preparedQuery(RECORD).execute(Tuple.from(new Object[] {u.tenantId(), u.contactId(), u.conversationId(),
        u.messageId(), u.plugin(), u.purpose(), u.model(), u.promptTokens(), u.completionTokens(), u.latencyMs(),
        u.outcome(), u.httpStatus(), u.error(), u.cost()})).mapEmpty();
  }

  static Future<Boolean> contactExists(Pool pool, String tenant, long contactId) {
    return pool.preparedQuery(CONTACT).execute(Tuple.of(tenant, contactId)).map(rows -> rows.size() > 0);
  }

  /** {@code {"from","to","groupBy","data":[{key, requests, errors, promptTokens, completionTokens, totalTokens, cost, avgLatencyMs}],"total":{…}}}. */
  static Future<JsonObject> usage(Pool pool, UsageQuery q) {
    Tuple args = Tuple.of(q.tenantId(), q.from().atOffset(ZoneOffset.UTC), q.to().atOffset(ZoneOffset.UTC));
    return pool.preparedQuery(USAGE.get(q.groupBy())).execute(args).compose(rows -> {
      JsonArray data = new JsonArray();
      for (Row r : rows) {
        Object key = r.getValue("key");
        data.add(totals(r).put(q.groupBy(), "contact".equals(q.groupBy())
            ? Ids.CONTACT.formatNullable(key == null ? null : ((Number) key).longValue()) : key));
      }
      return pool.preparedQuery(USAGE_TOTAL).execute(args).map(total -> new JsonObject()
          .put("from", q.from().toString()).put("to", q.to().toString()).put("groupBy", q.groupBy())
          .put("data", data).put("total", totals(total.iterator().next())));
    });
  }

  private static JsonObject totals(Row r) {
    long prompt = r.getLong("prompt_tokens");
    long completion = r.getLong("completion_tokens");
    Double cost = r.getDouble("cost");
    return new JsonObject().put("requests", r.getLong("requests")).put("errors", r.getLong("errors"))
        .put("promptTokens", prompt).put("completionTokens", completion).put("totalTokens", prompt + completion)
        .put("cost", cost == null ? null : BigDecimal.valueOf(cost).stripTrailingZeros().toPlainString())
        .put("avgLatencyMs", Math.round(r.getDouble("avg_latency_ms")));
  }
}
