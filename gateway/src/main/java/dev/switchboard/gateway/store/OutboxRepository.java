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
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL of the outbox (migrations V6, V11, V14, V19): {@code outbox_enqueue_batch} per group-commit
 * batch of accepted sends, {@code outbox_claim} / {@code outbox_settle} per batch of the channel senders (with
 * {@code chat_migrate} for a send that found its chat moved), the reads of
 * {@code GET /v1/messages/{id}} and of the dead letters, and {@code dead_letter_replay}.
 */
final class OutboxRepository {
  static final String ENQUEUE = "SELECT pos, outcome, message_id, conversation_id, status, request_hash, detail"
      + " FROM outbox_enqueue_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
  static final String CLAIM = "SELECT id, tenant_id, message_id, conversation_id, payload, state, attempts, accepted_at,"
      + " lease_left FROM outbox_claim($1, $2, $3, $4)";
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
  /** V19: the conversation of the old chat (and its queued sends) follow the new chat id. */
  static final String CHAT_MIGRATE = "SELECT chat_migrate($1, $2, $3, $4)";
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

  /**
   * Stores one group-commit batch of sends in one call of {@code outbox_enqueue_batch} (V14): one
   * statement, so one round trip and one transaction, whatever the batch's size. The answers are in
   * the order of {@code batch}.
   */
  static Future<List<Enqueued>> enqueue(SqlClient client, List<Enqueue> batch) {
    return client.preparedQuery(ENQUEUE).execute(enqueueTuple(batch)).map(rows -> {
      Enqueued[] out = new Enqueued[batch.size()];
      for (Row r : rows) {
        out[r.getInteger(0) - 1] = new Enqueued(r.getString(1), r.getLong(2), r.getLong(3), r.getString(4),
            r.getString(5), r.getString(6));
      }
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          throw new IllegalStateException("outbox_enqueue_batch gave no answer for send " + (i + 1));
        }
      }
      return List.of(out);
    });
  }

  /** The batch as the function's arrays: element i of each array is send i. */
  static Tuple enqueueTuple(List<Enqueue> batch) {
    int n = batch.size();
    String[] tenant = new String[n];
    String[] channel = new String[n];
    String[] account = new String[n];
    Long[] conversation = new Long[n];
    String[] chat = new String[n];
    String[] user = new String[n];
    String[] phone = new String[n];
    String[] idem = new String[n];
    String[] hash = new String[n];
    String[] token = new String[n];
    String[] type = new String[n];
    String[] text = new String[n];
    String[] content = new String[n];
    Long[] replyTo = new Long[n];
    String[] payload = new String[n];
    Double[] window = new Double[n];
    for (int i = 0; i < n; i++) {
      Enqueue e = batch.get(i);
      tenant[i] = e.tenantId();
      channel[i] = e.channel();
      account[i] = e.accountRef();
      conversation[i] = e.conversationId();
      chat[i] = e.chatId();
      user[i] = e.contactUserId();
      phone[i] = e.phone();
      idem[i] = e.idempotencyKey();
      hash[i] = e.requestHash();
      token[i] = e.sendToken();
      type[i] = e.type();
      text[i] = e.text();
      content[i] = e.contentJson();
      replyTo[i] = e.referencedId();
      payload[i] = e.payloadJson();
      window[i] = e.window() == null ? null : (double) e.window().toSeconds();
    }
    return Tuple.from(new Object[] {tenant, channel, account, conversation, chat, user, phone, idem, hash, token,
        type, text, content, replyTo, payload, window});
  }

  static Future<List<Item>> claim(SqlClient client, String channel, String owner, int limit, double leaseSeconds) {
    return client.preparedQuery(CLAIM).execute(Tuple.of(channel, owner, limit, leaseSeconds)).map(rows -> {
      List<Item> items = new ArrayList<>();
      for (Row r : rows) {
        items.add(new Item(r.getLong(0), r.getString(1), channel, r.getLong(2), r.getLong(3), r.getString(4),
            "sending".equals(r.getString(5)), r.getInteger(6), r.getOffsetDateTime(7).toInstant(),
            Duration.ofNanos(Math.max(0L, (long) (r.getDouble(8) * 1e9)))));
      }
      return items;
    });
  }

  /**
   * Records a batch of outcomes; returns the number of dead letters made. A batch with nothing but
   * the outcomes is one statement (its own transaction: one round trip instead of BEGIN, the call and
   * COMMIT); blocked contacts, chat moves and account states go with it in a transaction. An account
   * that sent is marked up ({@link #ACCOUNT_UP}: only an account marked unauthorized changes) when
   * {@code marks} says it is due, not on every batch.
   */
  static Future<Integer> settle(Pool pool, String owner, List<Settlement> settlements, AccountMarks marks) {
    int n = settlements.size();
    Long[] ids = new Long[n];
    String[] kinds = new String[n];
    String[] pids = new String[n];
    Double[] waits = new Double[n];
    String[] codes = new String[n];
    String[] details = new String[n];
    List<Long> unreachable = new ArrayList<>();
    List<Settlement> moves = new ArrayList<>();
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
      if (s.kind() == Kind.SENT && s.chatMove() != null) {
        moves.add(s);
      }
      String account = s.item().tenantId() + '\u0000' + s.item().channel();
      if (s.kind() == Kind.FAILED && s.accountUnusable()) {
        accountsDown.put(account, s);
      } else if (s.kind() == Kind.SENT) {
        accountsUp.put(account, s);
      }
    }
    accountsDown.keySet().forEach(marks::down);
    long now = System.nanoTime();
    accountsUp.keySet().removeIf(a -> accountsDown.containsKey(a) || !marks.upDue(a, now));
    if (unreachable.isEmpty() && moves.isEmpty() && accountsDown.isEmpty() && accountsUp.isEmpty()) {
      return pool.preparedQuery(SETTLE).execute(Tuple.of(owner, ids, kinds, pids, waits, codes, details))
          .map(rows -> rows.size());
    }
    return pool.withTransaction(tx -> {
      Future<Integer> f = tx.preparedQuery(SETTLE).execute(Tuple.of(owner, ids, kinds, pids, waits, codes, details))
          .map(rows -> rows.size());
      if (!unreachable.isEmpty()) {
        f = f.compose(dead -> tx.preparedQuery(BLOCK_CONTACTS).execute(Tuple.of(unreachable.toArray(Long[]::new)))
            .map(dead));
      }
      for (Settlement s : moves) { // after the send is recorded: its message moves with its conversation
        f = f.compose(dead -> tx.preparedQuery(CHAT_MIGRATE).execute(Tuple.of(s.item().tenantId(), s.item().channel(),
            s.chatMove().fromChatId(), s.chatMove().toChatId())).map(dead));
      }
      for (Settlement s : accountsDown.values()) {
        f = f.compose(dead -> tx.preparedQuery(ACCOUNT_DOWN)
            .execute(Tuple.of(s.item().tenantId(), s.item().channel(), s.code(), s.detail())).map(dead));
      }
      for (Settlement s : accountsUp.values()) {
        f = f.compose(dead -> tx.preparedQuery(ACCOUNT_UP)
            .execute(Tuple.of(s.item().tenantId(), s.item().channel())).map(dead));
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
