package dev.switchboard.gateway.store;

import dev.switchboard.gateway.api.Ids;
import dev.switchboard.gateway.store.ReadRecords.ContactLookup;
import dev.switchboard.gateway.store.ReadRecords.ConversationList;
import dev.switchboard.gateway.store.ReadRecords.MessageList;
import dev.switchboard.gateway.store.ReadRecords.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL of the tenant read API. Every statement is scoped by {@code tenant_id}; lists are keyset
 * pages ({@code id < $last ORDER BY id DESC LIMIT n+1}, never OFFSET), so a page costs the same at
 * any depth and rows inserted meanwhile (higher ids) never shift the pages still to read. A list
 * statement is built from the filters actually given, so each shape gets its own plan.
 */
final class ReadRepository {
  static final String CONVERSATION_SELECT = """
      SELECT id, channel, chat_id, contact_id, status::text AS status, paused_reason, paused_at, last_inbound_at,
             last_message_at, created_at, updated_at
        FROM conversations
       WHERE tenant_id = $1""";
  static final String CONTACT_SELECT = """
      SELECT id, channel, platform_user_id, alt_user_id, phone::text AS phone, display_name, username, blocked,
             first_seen_at, last_seen_at
        FROM contacts
       WHERE tenant_id = $1""";
  static final String CONVERSATION_OF_TENANT = "SELECT 1 FROM conversations WHERE id = $1 AND tenant_id = $2";

  private ReadRepository() {
  }

  static Future<Page> conversations(SqlClient client, ConversationList q) {
    StringBuilder sql = new StringBuilder(CONVERSATION_SELECT);
    List<Object> params = new ArrayList<>();
    params.add(q.tenantId());
    if (q.channel() != null) {
      params.add(q.channel());
      sql.append(" AND channel = $").append(params.size());
    }
    if (q.status() != null) {
      params.add(q.status());
      sql.append(" AND status = CAST($").append(params.size()).append("::text AS conv_status)");
    }
    if (q.contactId() != null) {
      params.add(q.contactId());
      sql.append(" AND contact_id = $").append(params.size());
    }
    return page(client, sql, params, q.beforeId(), q.limit(), ReadRepository::conversationJson);
  }

  static Future<JsonObject> conversation(SqlClient client, String tenant, long id) {
    return client.preparedQuery(CONVERSATION_SELECT + " AND id = $2").execute(Tuple.of(tenant, id))
        .map(rows -> rows.size() == 0 ? null : conversationJson(rows.iterator().next()));
  }

  /** A conversation's messages, newest first; not found when the conversation is not the tenant's. */
  static Future<Page> messages(SqlClient client, MessageList q) {
    return client.preparedQuery(CONVERSATION_OF_TENANT).execute(Tuple.of(q.conversationId(), q.tenantId()))
        .compose(owner -> {
          if (owner.size() == 0) {
            return Future.succeededFuture(new Page(false, null, null));
          }
          StringBuilder sql = new StringBuilder(OutboxRepository.MESSAGE_SELECT)
              .append(" WHERE m.tenant_id = $1 AND m.conversation_id = $2");
          List<Object> params = new ArrayList<>(List.of(q.tenantId(), q.conversationId()));
          return page(client, sql, params, q.beforeId(), q.limit(), OutboxRepository::messageJson, "m.id");
        });
  }

  static Future<JsonObject> contact(SqlClient client, String tenant, long id) {
    return client.preparedQuery(CONTACT_SELECT + " AND id = $2").execute(Tuple.of(tenant, id))
        .map(rows -> rows.size() == 0 ? null : contactJson(rows.iterator().next()));
  }

  static Future<Page> contacts(SqlClient client, ContactLookup q) {
    StringBuilder sql = new StringBuilder(CONTACT_SELECT);
    List<Object> params = new ArrayList<>();
    params.add(q.tenantId());
    if (q.phone() != null) {
      params.add(q.phone());
      sql.append(" AND phone = $").append(params.size()).append("::text");
    }
    if (q.channel() != null) {
      params.add(q.channel());
      sql.append(" AND channel = $").append(params.size());
    }
    if (q.platformId() != null) {
      params.add(q.platformId());
      int n = params.size();
      sql.append(" AND (platform_user_id = $").append(n).append(" OR alt_user_id = $").append(n).append(')');
    }
    return page(client, sql, params, q.beforeId(), q.limit(), ReadRepository::contactJson);
  }

  private static Future<Page> page(SqlClient client, StringBuilder sql, List<Object> params, Long beforeId, int limit,
                                   Function<Row, JsonObject> json) {
    return page(client, sql, params, beforeId, limit, json, "id");
  }

  private static Future<Page> page(SqlClient client, StringBuilder sql, List<Object> params, Long beforeId, int limit,
                                   Function<Row, JsonObject> json, String idColumn) {
    if (beforeId != null) {
      params.add(beforeId);
      sql.append(" AND ").append(idColumn).append(" < $").append(params.size());
    }
    params.add(limit + 1);
    sql.append(" ORDER BY ").append(idColumn).append(" DESC LIMIT $").append(params.size());
    return client.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> toPage(rows, limit, json));
  }

  private static Page toPage(RowSet<Row> rows, int limit, Function<Row, JsonObject> json) {
    JsonArray data = new JsonArray();
    Long last = null;
    boolean more = false;
    for (Row r : rows) {
      if (data.size() == limit) {
        more = true;
        break;
      }
      data.add(json.apply(r));
      last = r.getLong("id");
    }
    return new Page(true, data.encode(), more ? last : null);
  }

  static JsonObject conversationJson(Row r) {
    return new JsonObject()
        .put("id", Ids.CONVERSATION.format(r.getLong("id")))
        .put("channel", r.getString("channel"))
        .put("chatId", r.getString("chat_id"))
        .put("contactId", Ids.CONTACT.format(r.getLong("contact_id")))
        .put("status", r.getString("status"))
        .put("pausedReason", r.getString("paused_reason"))
        .put("pausedAt", time(r.getOffsetDateTime("paused_at")))
        .put("lastInboundAt", time(r.getOffsetDateTime("last_inbound_at")))
        .put("lastMessageAt", time(r.getOffsetDateTime("last_message_at")))
        .put("createdAt", time(r.getOffsetDateTime("created_at")))
        .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  static JsonObject contactJson(Row r) {
    return new JsonObject()
        .put("id", Ids.CONTACT.format(r.getLong("id")))
        .put("channel", r.getString("channel"))
        .put("platformId", r.getString("platform_user_id"))
        .put("altPlatformId", r.getString("alt_user_id"))
        .put("phone", r.getString("phone"))
        .put("name", r.getString("display_name"))
        .put("username", r.getString("username"))
        .put("blocked", r.getBoolean("blocked"))
        .put("firstSeenAt", time(r.getOffsetDateTime("first_seen_at")))
        .put("lastSeenAt", time(r.getOffsetDateTime("last_seen_at")));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
