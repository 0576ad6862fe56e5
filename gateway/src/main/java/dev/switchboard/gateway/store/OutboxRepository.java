package dev.switchboard.gateway.store;

import dev.switchboard.gateway.api.Ids;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.store.OutboxRecords.Item;
import dev.switchboard.gateway.store.OutboxRecords.Kind;
import dev.switchboard.gateway.store.OutboxRecords.Settlement;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL of the outbox (migration V6): {@code outbox_enqueue} per accepted send,
 * {@code outbox_claim} / {@code outbox_settle} per batch of the channel senders, the reads of
 * {@code GET /v1/messages/{id}} and of the dead letters, and {@code dead_letter_replay}.
 */
final class OutboxRepository {
  static final String ENQUEUE = "SELECT outcome, message_id, conversation_id, status, request_hash, detail"
      + " FROM outbox_enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
      + " make_interval(secs => $16))";
  static final String CLAIM = "SELECT id, tenant_id, message_id, conversation_id, payload, state, attempts, accepted_at"
      + " FROM outbox_claim($1, $2, $3, $4)";
  static final String SETTLE = "SELECT dead_letter_id FROM outbox_settle($1, $2, $3, $4, $5, $6, $7)";
  static final String BLOCK_CONTACTS = """
      UPDATE contacts k SET blocked = true, blocked_at = now()
        FROM conversations c WHERE c.id = ANY ($1) AND k.id = c.contact_id AND NOT k.blocked""";
  static final String ACCOUNT_DOWN = """
      UPDATE channel_accounts SET state = 'unauthorized', state_detail = jsonb_build_object('code', $3::text,
             'detail', $4::text), state_at = now()
       WHERE tenant_id = $1 AND channel = $2""";
  static final String ACCOUNT_UP = """
      UPDATE channel_accounts SET state = 'open', state_detail = NULL, state_at = now()
       WHERE tenant_id = $1 AND channel = $2 AND state = 'unauthorized'""";
  static final String QUEUED_BY_TENANT = "SELECT tenant_id, channel, count(*) FROM outbox GROUP BY tenant_id, channel";
  /** A message as the API shows it ({@link #messageJson}): add the WHERE clause (on {@code m}). */
  static final String MESSAGE_SELECT = """
      SELECT m.id, m.channel, m.conversation_id, c.chat_id, m.direction, m.author, m.type, m.text, m.status,
             m.platform_message_id, m.send_attempts, m.error_code, m.error_detail, m.received_at, m.sent_at,
             m.delivered_at, m.read_at, o.state AS outbox_state, o.attempts AS outbox_attempts,
             o.last_error_code, o.last_error_detail, m.content::text, m.idempotency_key
        FROM messages m
        LEFT JOIN conversations c ON c.id = m.conversation_id
        LEFT JOIN outbox o ON o.message_id = m.id
      """;
  static final String MESSAGE = MESSAGE_SELECT + " WHERE m.id = $1 AND m.tenant_id = $2";
  static final String CONVERSATION = "SELECT channel, chat_id FROM conversations WHERE id = $1 AND tenant_id = $2";
  static final String DEAD_LETTER = """
      SELECT id, tenant_id, kind, channel, message_id, conversation_id, payload::text, attempts, error_code,
             error_detail, created_at, replayed_at FROM dead_letters""";
  static final String REPLAY = "SELECT outcome, message_id, tenant_id, channel, kind FROM dead_letter_replay($1)";

  private OutboxRepository() {
  }

  static Tuple enqueueTuple(Enqueue e) {
    return Tuple.from(new Object[] {e.tenantId(), e.channel(), e.accountRef(), e.conversationId(), e.chatId(),
        e.contactUserId(), e.phone(), e.idempotencyKey(), e.requestHash(), e.sendToken(), e.type(), e.text(),
        e.contentJson(), e.referencedId(), e.payloadJson(),
        e.window() == null ? null : (double) e.window().toSeconds()});
  }

  /** Runs the enqueues of one batch in one transaction and one round trip (group commit). */
  static Future<List<Enqueued>> enqueue(Pool pool, List<Enqueue> batch) {
    List<Tuple> tuples = batch.stream().map(OutboxRepository::enqueueTuple).toList();
    return pool.withTransaction(tx -> tx.preparedQuery(ENQUEUE).executeBatch(tuples)).map(rows -> {
      List<Enqueued> out = new ArrayList<>();
      for (RowSet<Row> rs = rows; rs != null; rs = rs.next()) {
        Row r = rs.iterator().next();
        out.add(new Enqueued(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3), r.getString(4),
            r.getString(5)));
      }
      return out;
    });
  }

  static Future<List<Item>> claim(SqlClient client, String channel, String owner, int limit, double leaseSeconds) {
    return client.preparedQuery(CLAIM).execute(Tuple.of(channel, owner, limit, leaseSeconds)).map(rows -> {
      List<Item> items = new ArrayList<>();
      for (Row r : rows) {
        items.add(new Item(r.getLong(0), r.getString(1), channel, r.getLong(2), r.getLong(3), r.getString(4),
            "sending".equals(r.getString(5)), r.getInteger(6), r.getOffsetDateTime(7).toInstant()));
      }
      return items;
    });
  }

  /** Records a batch of outcomes; returns the number of dead letters made. */
  static Future<Integer> settle(Pool pool, String owner, List<Settlement> settlements) {
    int n = settlements.size();
    Long[] ids = new Long[n];
    String[] kinds = new String[n];
    String[] pids = new String[n];
    Double[] waits = new Double[n];
    String[] codes = new String[n];
    String[] details = new String[n];
    List<Long> unreachable = new ArrayList<>();
    Map<String, Settlement> accountsDown = new HashMap<>();
    Map<String, Settlement> accountsUp = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Settlement s = settlements.get(i);
      ids[i] = s.item().id();
      kinds[i] = s.kind().name().toLowerCase(Locale.ROOT);
      pids[i] = s.platformMessageId();
      waits[i] = s.delay().toMillis() / 1000.0;
      codes[i] = s.code();
      details[i] = s.detail();
      if (s.kind() == Kind.FAILED && s.recipientUnreachable()) {
        unreachable.add(s.item().conversationId());
      }
      String account = s.item().tenantId() + '\u0000' + s.item().channel();
      if (s.kind() == Kind.FAILED && s.accountUnusable()) {
        accountsDown.put(account, s);
      } else if (s.kind() == Kind.SENT) {
        accountsUp.put(account, s);
      }
    }
    return pool.withTransaction(tx -> {
      Future<Integer> f = tx.preparedQuery(SETTLE).execute(Tuple.of(owner, ids, kinds, pids, waits, codes, details))
          .map(rows -> rows.size());
      if (!unreachable.isEmpty()) {
        f = f.compose(dead -> tx.preparedQuery(BLOCK_CONTACTS).execute(Tuple.of(unreachable.toArray(Long[]::new)))
            .map(dead));
      }
      for (Settlement s : accountsDown.values()) {
        f = f.compose(dead -> tx.preparedQuery(ACCOUNT_DOWN)
            .execute(Tuple.of(s.item().tenantId(), s.item().channel(), s.code(), s.detail())).map(dead));
      }
      for (Settlement s : accountsUp.values()) {
        if (!accountsDown.containsKey(s.item().tenantId() + '\u0000' + s.item().channel())) {
          f = f.compose(dead -> tx.preparedQuery(ACCOUNT_UP)
              .execute(Tuple.of(s.item().tenantId(), s.item().channel())).map(dead));
        }
      }
      return f;
    });
  }

  /** {@code GET /v1/messages/{id}}: the message as the API shows it, or null when the tenant has no such message. */
  static Future<JsonObject> message(SqlClient client, String tenant, long id) {
    return client.preparedQuery(MESSAGE).execute(Tuple.of(id, tenant)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      return messageJson(rows.iterator().next());
    });
  }

  /** One row of {@link #MESSAGE_SELECT} as the API shows it ({@code GET /v1/messages/{id}}). */
  static JsonObject messageJson(Row r) {
    String status = r.getString("status");
    Integer attempts = r.getInteger("send_attempts");
    String code = r.getString("error_code");
    String detail = r.getString("error_detail");
    if (r.getString("outbox_state") != null) {
      attempts = r.getInteger("outbox_attempts");
      if ("sending".equals(r.getString("outbox_state")) && "queued".equals(status)) {
        status = "sending";
      }
      if (code == null) {
        code = r.getString("last_error_code");
        detail = r.getString("last_error_detail");
      }
    }
    JsonObject error = code == null ? null : new JsonObject().put("code", errorCode(code))
        .put("message", detail).put("platformCode", code);
    String content = r.getString("content");
    return new JsonObject()
        .put("id", Ids.MESSAGE.format(r.getLong("id")))
        .put("channel", r.getString("channel"))
        .put("conversationId", Ids.CONVERSATION.formatNullable(r.getLong("conversation_id")))
        .put("to", "outbound".equals(r.getString("direction")) ? r.getString("chat_id") : null)
        .put("direction", r.getString("direction"))
        .put("author", r.getString("author"))
        .put("type", r.getString("type"))
        .put("text", r.getString("text"))
        .put("content", content == null ? null : new JsonObject(content))
        .put("status", status)
        .put("platformMessageId", r.getString("platform_message_id"))
        .put("attempts", attempts == null ? 0 : attempts)
        .put("error", error)
        .put("idempotencyKey", r.getString("idempotency_key"))
        .put("createdAt", time(r.getOffsetDateTime("received_at")))
        .put("sentAt", time(r.getOffsetDateTime("sent_at")))
        .put("deliveredAt", time(r.getOffsetDateTime("delivered_at")))
        .put("readAt", time(r.getOffsetDateTime("read_at")));
  }

  /** The gateway's codes for errors it names itself; a platform's numeric code reads as {@code platform_error}. */
  private static String errorCode(String code) {
    return code.matches("[a-z_]+") ? code : "platform_error";
  }

  static Future<OutboxRecords.ConversationRef> conversation(SqlClient client, String tenant, long id) {
    return client.preparedQuery(CONVERSATION).execute(Tuple.of(id, tenant)).map(rows -> {
      if (rows.size() == 0) {
        return new OutboxRecords.ConversationRef(null, null);
      }
      Row r = rows.iterator().next();
      return new OutboxRecords.ConversationRef(r.getString(0), r.getString(1));
    });
  }

  static Future<JsonObject> deadLetter(SqlClient client, long id) {
    return client.preparedQuery(DEAD_LETTER + " WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : deadLetterJson(rows.iterator().next()));
  }

  static Future<JsonObject> deadLetters(SqlClient client, String tenant, String kind, Long beforeId, int limit) {
    String sql = DEAD_LETTER + " WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR kind = $2)"
        + " AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4";
    return client.preparedQuery(sql).execute(Tuple.of(tenant, kind, beforeId, limit + 1)).map(rows -> {
      JsonArray data = new JsonArray();
      Long last = null;
      int i = 0;
      boolean more = false;
      for (Row r : rows) {
        if (i++ == limit) {
          more = true;
          break;
        }
        data.add(deadLetterJson(r));
        last = r.getLong("id");
      }
      return new JsonObject().put("data", data)
          .put("nextCursor", more && last != null ? Ids.DEAD_LETTER.format(last) : null);
    });
  }

  private static JsonObject deadLetterJson(Row r) {
    JsonObject payload = new JsonObject(r.getString("payload"));
    payload.remove("sendToken");
    return new JsonObject()
        .put("id", Ids.DEAD_LETTER.format(r.getLong("id")))
        .put("tenant", r.getString("tenant_id"))
        .put("kind", r.getString("kind"))
        .put("channel", r.getString("channel"))
        .put("messageId", Ids.MESSAGE.formatNullable(r.getLong("message_id")))
        .put("conversationId", Ids.CONVERSATION.formatNullable(r.getLong("conversation_id")))
        .put("attempts", r.getInteger("attempts"))
        .put("error", new JsonObject().put("code", r.getString("error_code") == null ? null : errorCode(r.getString("error_code")))
            .put("message", r.getString("error_detail")).put("platformCode", r.getString("error_code")))
        .put("payload", payload)
        .put("createdAt", time(r.getOffsetDateTime("created_at")))
        .put("replayedAt", time(r.getOffsetDateTime("replayed_at")));
  }

  static Future<Row> replay(Pool pool, long id) {
    return pool.withTransaction(tx -> tx.preparedQuery(REPLAY).execute(Tuple.of(id)))
        .map(rows -> rows.iterator().next());
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
