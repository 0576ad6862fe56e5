package dev.switchboard.gateway.store;

import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQL of the inbox: one batch of webhook events written in one transaction with a handful
 * of set-based statements (unnest arrays, so one prepared statement serves any batch size):
 * ledger (the idempotency authority) → contacts → conversations → messages → receipts → edits.
 * Keys are sorted so concurrent batches lock rows in the same order.
 */
public final class InboxRepository {

  static final String INSERT_LEDGER = """
      INSERT INTO inbound_events (tenant_id, channel, idem_key, event_type, outcome, account_ref,
                                  occurred_at, received_at, detail, payload)
      SELECT u.t, u.c, u.k, u.et, u.o, u.a, u.occ, u.rec, u.d, u.p::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                    $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[])
             AS u(t, c, k, et, o, a, occ, rec, d, p)
      ON CONFLICT (tenant_id, channel, idem_key) DO NOTHING
      RETURNING tenant_id, channel, idem_key""";

  /**
   * Contacts: insert the new ones (no lock on existing rows), update an existing one only when its
   * profile changed or {@code last_seen_at} is over a minute old, and return every id. A row that
   * a concurrent transaction inserted after this statement's snapshot is missing from the result;
   * the caller runs the statement again for those.
   */
  static final String UPSERT_CONTACTS = """
      WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                      $7::timestamptz[]) AS u(t, c, p, ph, n, un, ts)),
      ins AS (
        INSERT INTO contacts (tenant_id, channel, platform_user_id, phone, display_name, username,
                              first_seen_at, last_seen_at)
        SELECT t, c, p, ph, n, un, ts, ts FROM u
        ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING
        RETURNING id, tenant_id, channel, platform_user_id),
      upd AS (
        UPDATE contacts k SET phone = COALESCE(u.ph, k.phone), display_name = COALESCE(u.n, k.display_name),
               username = COALESCE(u.un, k.username), last_seen_at = GREATEST(k.last_seen_at, u.ts)
          FROM u
         WHERE k.tenant_id = u.t AND k.channel = u.c AND k.platform_user_id = u.p
           AND (k.last_seen_at < u.ts - interval '1 minute'
                OR (u.ph IS NOT NULL AND k.phone IS DISTINCT FROM u.ph::e164)
                OR (u.n IS NOT NULL AND k.display_name IS DISTINCT FROM u.n)
                OR (u.un IS NOT NULL AND k.username IS DISTINCT FROM u.un)))
      SELECT id, tenant_id, channel, platform_user_id FROM ins
      UNION ALL
      SELECT k.id, k.tenant_id, k.channel, k.platform_user_id
        FROM contacts k JOIN u ON k.tenant_id = u.t AND k.channel = u.c AND k.platform_user_id = u.p""";

  /**
   * Open conversations, the same way: insert new ones, touch an existing one only when its
   * last_message_at / last_inbound_at would move by more than a minute (they are kept to the
   * minute), and return every id.
   */
  static final String UPSERT_CONVERSATIONS = """
      WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::timestamptz[],
                                      $6::timestamptz[]) AS u(t, c, chat, contact, li, lm)),
      ins AS (
        INSERT INTO conversations (tenant_id, channel, chat_id, contact_id, last_inbound_at, last_message_at)
        SELECT t, c, chat, contact, li, lm FROM u
        ON CONFLICT (tenant_id, channel, chat_id) WHERE status <> 'closed' DO NOTHING
        RETURNING id, tenant_id, channel, chat_id),
      upd AS (
        UPDATE conversations v SET last_inbound_at = GREATEST(v.last_inbound_at, u.li),
               last_message_at = GREATEST(v.last_message_at, u.lm), updated_at = now()
          FROM u
         WHERE v.tenant_id = u.t AND v.channel = u.c AND v.chat_id = u.chat AND v.status <> 'closed'
           AND (v.last_message_at IS NULL OR v.last_message_at < u.lm - interval '1 minute'
                OR (u.li IS NOT NULL AND (v.last_inbound_at IS NULL OR v.last_inbound_at < u.li - interval '1 minute'))))
      SELECT id, tenant_id, channel, chat_id FROM ins
      UNION ALL
      SELECT v.id, v.tenant_id, v.channel, v.chat_id
        FROM conversations v JOIN u ON v.tenant_id = u.t AND v.channel = u.c AND v.chat_id = u.chat
       WHERE v.status <> 'closed'""";

  static final String INSERT_MESSAGES = """
      INSERT INTO messages (tenant_id, channel, account_ref, platform_message_id, conversation_id,
                            contact_id, direction, author, type, status, text, content,
                            reply_to_platform_id, related_platform_id, forwarded, errors,
                            platform_ts, received_at, raw)
      SELECT u.t, u.c, u.a, u.pid, u.conv, u.contact, u.dir::msg_direction, u.au::msg_author,
             u.ty::msg_type, u.st::msg_status, u.tx, u.co::jsonb, u.rep, u.rel, u.fw::int2,
             u.er::jsonb, u.ts, u.rec, u.raw::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[],
                    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                    $13::text[], $14::text[], $15::int4[], $16::text[], $17::timestamptz[],
                    $18::timestamptz[], $19::text[])
             AS u(t, c, a, pid, conv, contact, dir, au, ty, st, tx, co, rep, rel, fw, er, ts, rec, raw)
      ON CONFLICT (tenant_id, channel, platform_message_id) DO NOTHING""";

  static final String APPLY_STATUSES = """
      UPDATE messages m
         SET status = u.st::msg_status, status_at = u.ts, error_code = u.code, error_detail = u.detail
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
             AS u(t, c, pid, st, ts, code, detail)
       WHERE m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid
         AND msg_status_advances(m.status, u.st::msg_status)""";

  static final String APPLY_EDITS = """
      UPDATE messages m SET text = u.tx, edited_at = u.ts
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS u(t, c, pid, tx, ts)
       WHERE m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid""";

  static final String APPLY_REVOKES = """
      UPDATE messages m SET revoked_at = u.ts
        FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS u(t, c, pid, ts)
       WHERE m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid""";

  static final String INSERT_AUDIT = """
      INSERT INTO inbound_events (tenant_id, channel, idem_key, event_type, outcome, received_at,
                                  detail, body_excerpt)
      VALUES ($1, $2, $3, 'malformed', 'malformed', $4, $5, $6)
      ON CONFLICT (tenant_id, channel, idem_key) DO NOTHING""";

  /** One event of the batch with its tenant and channel. */
  record Item(String tenant, String channel, InboundEvent event, Instant receivedAt) {
    String key() {
      return RecentKeys.key(tenant, channel, event.idempotencyKey());
    }
  }

  /**
   * Writes the batch inside {@code tx} and returns the keys (see {@link RecentKeys#key}) that were
   * new. Everything else was already stored.
   */
  public Future<Set<String>> append(SqlConnection tx, List<Item> items) {
    // sort by key: concurrent batches then take row locks in the same order (no deadlocks)
    TreeMap<String, Item> unique = new TreeMap<>();
    for (Item item : items) {
      unique.putIfAbsent(item.key(), item);
    }
    return insertLedger(tx, unique.values()).compose(newKeys -> {
      List<Item> fresh = new ArrayList<>();
      for (Item item : unique.values()) {
        if (newKeys.contains(item.key())) {
          fresh.add(item);
        }
      }
      return writeMessages(tx, fresh)
          .compose(v -> applyStatuses(tx, fresh))
          .compose(v -> applyEdits(tx, fresh))
          .map(newKeys);
    });
  }

  public Future<Void> audit(SqlConnection conn, AuditRecord a) {
    return conn.preparedQuery(INSERT_AUDIT)
        .execute(Tuple.of(a.tenantId(), a.channel(), a.idemKey(), utc(a.receivedAt()),
            Sanitize.text(a.detail()), Sanitize.text(a.bodyExcerpt())))
        .mapEmpty();
  }

  private Future<Set<String>> insertLedger(SqlConnection tx, java.util.Collection<Item> items) {
    int n = items.size();
    String[] t = new String[n], c = new String[n], k = new String[n], et = new String[n], o = new String[n],
        a = new String[n], d = new String[n], p = new String[n];
    OffsetDateTime[] occ = new OffsetDateTime[n], rec = new OffsetDateTime[n];
    int i = 0;
    for (Item item : items) {
      InboundEvent e = item.event();
      t[i] = item.tenant();
      c[i] = item.channel();
      k[i] = Sanitize.text(e.idempotencyKey());
      et[i] = e.eventType();
      a[i] = Sanitize.text(e.accountRef());
      occ[i] = utc(e.occurredAt());
      rec[i] = utc(item.receivedAt());
      if (e instanceof PlatformNotice notice) {
        o[i] = switch (notice.kind()) {
          case ERROR -> "platform_error";
          case UNHANDLED -> "ignored";
          case FOREIGN_ACCOUNT -> "foreign_account";
          case ACCOUNT_STATE -> "accepted";
        };
        d[i] = Sanitize.text(notice.detail());
        p[i] = Sanitize.json(notice.rawJson());
      } else {
        o[i] = "accepted";
        p[i] = e instanceof StatusUpdate ? Sanitize.json(e.rawJson()) : null;
      }
      i++;
    }
    return tx.preparedQuery(INSERT_LEDGER)
        .execute(Tuple.of(t, c, k, et, o, a, occ, rec, d, p))
        .map(rows -> {
          Set<String> keys = new HashSet<>();
          for (Row row : rows) {
            keys.add(RecentKeys.key(row.getString(0), row.getString(1), row.getString(2)));
          }
          return keys;
        });
  }

  private Future<Void> writeMessages(SqlConnection tx, List<Item> fresh) {
    List<Item> messages = new ArrayList<>();
    for (Item item : fresh) {
      if (item.event() instanceof InboundMessage) {
        messages.add(item);
      }
    }
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    return upsertContacts(tx, messages)
        .compose(contactIds -> upsertConversations(tx, messages, contactIds)
            .compose(conversationIds -> insertMessages(tx, messages, contactIds, conversationIds)));
  }

  private static String contactKey(String tenant, String channel, String platformUserId) {
    return tenant + '\u0000' + channel + '\u0000' + platformUserId;
  }

  private Future<Map<String, Long>> upsertContacts(SqlConnection tx, List<Item> messages) {
    TreeMap<String, Object[]> byContact = new TreeMap<>();
    for (Item item : messages) {
      InboundMessage m = (InboundMessage) item.event();
      String key = contactKey(item.tenant(), item.channel(), m.contact().platformUserId());
      Object[] seen = byContact.get(key);
      OffsetDateTime ts = utc(m.occurredAt());
      if (seen == null || ((OffsetDateTime) seen[6]).isBefore(ts)) {
        // the newest message's profile wins; a business echo says nothing about the contact's name
        byContact.put(key, new Object[] {item.tenant(), item.channel(), Sanitize.text(m.contact().platformUserId()),
            m.contact().e164(), Sanitize.text(m.direction() == Direction.INBOUND ? m.contact().displayName() : null),
            Sanitize.text(m.contact().username()), ts});
      }
    }
    return upsertReturningIds(tx, UPSERT_CONTACTS, byContact, new Class<?>[] {String.class, String.class,
        String.class, String.class, String.class, String.class, OffsetDateTime.class}, 3);
  }

  private Future<Map<String, Long>> upsertConversations(SqlConnection tx, List<Item> messages,
                                                        Map<String, Long> contactIds) {
    TreeMap<String, Object[]> byChat = new TreeMap<>();
    for (Item item : messages) {
      InboundMessage m = (InboundMessage) item.event();
      String key = contactKey(item.tenant(), item.channel(), m.chatId());
      Long contactId = contactIds.get(contactKey(item.tenant(), item.channel(), m.contact().platformUserId()));
      OffsetDateTime ts = utc(m.occurredAt());
      OffsetDateTime inbound = m.direction() == Direction.INBOUND ? ts : null;
      Object[] row = byChat.get(key);
      if (row == null) {
        byChat.put(key, new Object[] {item.tenant(), item.channel(), Sanitize.text(m.chatId()), contactId, inbound, ts});
      } else {
        row[4] = max((OffsetDateTime) row[4], inbound);
        row[5] = max((OffsetDateTime) row[5], ts);
      }
    }
    return upsertReturningIds(tx, UPSERT_CONVERSATIONS, byChat, new Class<?>[] {String.class, String.class,
        String.class, Long.class, OffsetDateTime.class, OffsetDateTime.class}, 3);
  }

  /**
   * Runs an insert-or-select statement whose rows are keyed by their first three columns and
   * returns key → id. Rows a concurrent transaction inserted after the statement's snapshot come
   * back missing; they are asked for again (a new statement sees them).
   */
  private Future<Map<String, Long>> upsertReturningIds(SqlConnection tx, String sql, TreeMap<String, Object[]> rows,
                                                       Class<?>[] types, int attemptsLeft) {
    return tx.preparedQuery(sql).execute(columns(new ArrayList<>(rows.values()), types)).compose(result -> {
      Map<String, Long> ids = new HashMap<>();
      for (Row row : result) {
        ids.put(contactKey(row.getString(1), row.getString(2), row.getString(3)), row.getLong(0));
      }
      TreeMap<String, Object[]> missing = new TreeMap<>(rows);
      missing.keySet().removeAll(ids.keySet());
      if (missing.isEmpty()) {
        return Future.succeededFuture(ids);
      }
      if (attemptsLeft <= 1) {
        return Future.failedFuture(new IllegalStateException("could not resolve " + missing.size() + " row ids"));
      }
      return upsertReturningIds(tx, sql, missing, types, attemptsLeft - 1).map(more -> {
        ids.putAll(more);
        return ids;
      });
    });
  }

  private Future<Void> insertMessages(SqlConnection tx, List<Item> messages, Map<String, Long> contactIds,
                                      Map<String, Long> conversationIds) {
    int n = messages.size();
    String[] t = new String[n], c = new String[n], a = new String[n], pid = new String[n], dir = new String[n],
        au = new String[n], ty = new String[n], st = new String[n], tx_ = new String[n], co = new String[n],
        rep = new String[n], rel = new String[n], er = new String[n], raw = new String[n];
    Long[] conv = new Long[n], contact = new Long[n];
    Integer[] fw = new Integer[n];
    OffsetDateTime[] ts = new OffsetDateTime[n], rec = new OffsetDateTime[n];
    int i = 0;
    for (Item item : messages) {
      InboundMessage m = (InboundMessage) item.event();
      t[i] = item.tenant();
      c[i] = item.channel();
      a[i] = Sanitize.text(m.accountRef());
      pid[i] = Sanitize.text(m.platformMessageId());
      conv[i] = conversationIds.get(contactKey(item.tenant(), item.channel(), m.chatId()));
      contact[i] = contactIds.get(contactKey(item.tenant(), item.channel(), m.contact().platformUserId()));
      dir[i] = m.direction().label();
      au[i] = m.author().name().toLowerCase(java.util.Locale.ROOT);
      ty[i] = m.type().label();
      st[i] = (m.direction() == Direction.INBOUND ? MessageStatus.DELIVERED : MessageStatus.SENT).label();
      tx_[i] = Sanitize.text(m.text());
      co[i] = Sanitize.json(MessageContent.toJson(m));
      rep[i] = Sanitize.text(m.replyToMessageId());
      rel[i] = Sanitize.text(m.relatedMessageId());
      fw[i] = m.forwarded();
      er[i] = m.errors().isEmpty() ? null : Sanitize.json(errorsJson(m.errors()).encode());
      ts[i] = utc(m.occurredAt());
      rec[i] = utc(item.receivedAt());
      raw[i] = Sanitize.json(m.rawJson());
      i++;
    }
    return tx.preparedQuery(INSERT_MESSAGES)
        .execute(Tuple.from(new Object[] {t, c, a, pid, conv, contact, dir, au, ty, st, tx_, co, rep, rel, fw, er,
            ts, rec, raw}))
        .mapEmpty();
  }

  private Future<Void> applyStatuses(SqlConnection tx, List<Item> fresh) {
    // several receipts for one message in a batch: apply the furthest one
    TreeMap<String, Item> furthest = new TreeMap<>();
    for (Item item : fresh) {
      if (item.event() instanceof StatusUpdate s) {
        String key = contactKey(item.tenant(), item.channel(), s.platformMessageId());
        Item seen = furthest.get(key);
        if (seen == null || ((StatusUpdate) seen.event()).status().canAdvanceTo(s.status())) {
          furthest.put(key, item);
        }
      }
    }
    if (furthest.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = furthest.size();
    String[] t = new String[n], c = new String[n], pid = new String[n], st = new String[n], code = new String[n],
        detail = new String[n];
    OffsetDateTime[] ts = new OffsetDateTime[n];
    int i = 0;
    for (Item item : furthest.values()) {
      StatusUpdate s = (StatusUpdate) item.event();
      t[i] = item.tenant();
      c[i] = item.channel();
      pid[i] = Sanitize.text(s.platformMessageId());
      st[i] = s.status().label();
      ts[i] = utc(s.occurredAt());
      if (!s.errors().isEmpty()) {
        PlatformError e = s.errors().get(0);
        code[i] = Sanitize.text(e.code());
        detail[i] = Sanitize.text(firstNonNull(e.details(), e.message(), e.title()));
      }
      i++;
    }
    return tx.preparedQuery(APPLY_STATUSES).execute(Tuple.of(t, c, pid, st, ts, code, detail)).mapEmpty();
  }

  private Future<Void> applyEdits(SqlConnection tx, List<Item> fresh) {
    List<Object[]> edits = new ArrayList<>();
    List<Object[]> revokes = new ArrayList<>();
    for (Item item : fresh) {
      if (item.event() instanceof InboundMessage m && m.relatedMessageId() != null) {
        if (m.type() == MessageType.EDIT) {
          edits.add(new Object[] {item.tenant(), item.channel(), Sanitize.text(m.relatedMessageId()),
              Sanitize.text(m.text()), utc(m.occurredAt())});
        } else if (m.type() == MessageType.REVOKE) {
          revokes.add(new Object[] {item.tenant(), item.channel(), Sanitize.text(m.relatedMessageId()),
              utc(m.occurredAt())});
        }
      }
    }
    Future<RowSet<Row>> f = Future.succeededFuture();
    if (!edits.isEmpty()) {
      f = f.compose(v -> tx.preparedQuery(APPLY_EDITS).execute(columns(edits, new Class<?>[] {String.class, String.class, String.class, String.class, OffsetDateTime.class})));
    }
    if (!revokes.isEmpty()) {
      f = f.compose(v -> tx.preparedQuery(APPLY_REVOKES).execute(columns(revokes, new Class<?>[] {String.class, String.class, String.class, OffsetDateTime.class})));
    }
    return f.mapEmpty();
  }

  /** Turns rows into one typed array per column (the unnest parameters). */
  private static Tuple columns(List<Object[]> rows, Class<?>[] types) {
    Object[] cols = new Object[types.length];
    for (int col = 0; col < types.length; col++) {
      Object[] arr = (Object[]) java.lang.reflect.Array.newInstance(types[col], rows.size());
      for (int r = 0; r < rows.size(); r++) {
        arr[r] = rows.get(r)[col];
      }
      cols[col] = arr;
    }
    return Tuple.from(cols);
  }

  static JsonArray errorsJson(List<PlatformError> errors) {
    JsonArray arr = new JsonArray();
    for (PlatformError e : errors) {
      JsonObject o = new JsonObject().put("code", e.code());
      if (e.title() != null) {
        o.put("title", e.title());
      }
      if (e.message() != null) {
        o.put("message", e.message());
      }
      if (e.details() != null) {
        o.put("details", e.details());
      }
      arr.add(o);
    }
    return arr;
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static OffsetDateTime max(OffsetDateTime a, OffsetDateTime b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
