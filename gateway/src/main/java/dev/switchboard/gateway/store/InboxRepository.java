package dev.switchboard.gateway.store;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ChatMigration;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.ContactState;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQL of the inbox. A batch of webhook events is written by one call of the database function
 * {@code inbox_append} (migration V7): ledger (the idempotency authority) → contacts →
 * conversations → messages → edits → receipts, in one round trip and one implicit transaction.
 * This class only lays the events out as the function's column arrays.
 */
public final class InboxRepository {

  /** The function's argument groups: e_* per event, m_* per message, s_* per receipt, x_* per state change. */
  private static final int EVENT_COLUMNS = 10;
  private static final int MESSAGE_COLUMNS = 26;
  private static final int RECEIPT_COLUMNS = 8;
  private static final int STATE_COLUMNS = 9;
  private static final int ARGUMENTS = EVENT_COLUMNS + MESSAGE_COLUMNS + RECEIPT_COLUMNS + STATE_COLUMNS;

  static final String APPEND = "SELECT row_kind, row_tenant, row_channel, row_id, row_conversation, row_dispatch"
      + " FROM inbox_append("
      + java.util.stream.IntStream.rangeClosed(1, ARGUMENTS).mapToObj(i -> "$" + i)
          .collect(java.util.stream.Collectors.joining(", ")) + ")";

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
   * What a batch wrote.
   *
   * @param newKeys  the keys (see {@link RecentKeys#key}) that were new; everything else was already stored
   * @param dispatch key → conversation id of the new inbound messages to hand to the tenant's plugins
   *                 (not those held back by a paused conversation); the id is null for an
   *                 undecodable message whose sender or chat is unknown (it has no conversation)
   * @param claimed  keys of API sends that corrected a message stored as typed by a person (an
   *                 upsert reported before the API echo of the same message)
   * @param messagesStored keys of new message events whose message this batch inserted or replaced
   *                 (not a second event of a message already stored)
   */
  public record Written(Set<String> newKeys, Map<String, Long> dispatch, Set<String> claimed,
                        Set<String> messagesStored) {
  }

  /** Writes the batch (one statement: atomic). */
  public Future<Written> append(SqlClient client, List<Item> items) {
    TreeMap<String, Item> unique = new TreeMap<>();
    for (Item item : items) {
      unique.putIfAbsent(item.key(), item); // one copy of each key per batch
    }
    return client.preparedQuery(APPEND).execute(arguments(unique.values()))
        .map(rows -> written(unique.values(), rows));
  }

  /** What one stored message became: its conversation (null: none), and whether it goes to the plugins. */
  private record Stored(Long conversation, boolean dispatch) {
  }

  /**
   * Maps the function's rows (new event keys; per message id its conversation and dispatch flag;
   * message ids an API send corrected) onto the batch's events. A message goes to the plugins once,
   * even when several new events of the batch carry its id (a message and its edit): the first
   * unedited version in key order, else the first edit.
   */
  private static Written written(java.util.Collection<Item> items, Iterable<Row> rows) {
    Set<String> newIds = new HashSet<>();
    Map<String, Stored> stored = new HashMap<>();
    Set<String> claimedIds = new HashSet<>();
    for (Row row : rows) {
      String id = RecentKeys.key(row.getString(1), row.getString(2), row.getString(3));
      switch (row.getString(0)) {
        case "event" -> newIds.add(id);
        case "message" -> stored.put(id, new Stored(row.getLong(4), Boolean.TRUE.equals(row.getBoolean(5))));
        case "claimed" -> claimedIds.add(id);
        default -> throw new IllegalStateException("inbox_append returned a row of kind " + row.getString(0));
      }
    }
    // the database holds (and returns) ids as sanitized text; the caller knows them as received.
    // New message events are visited unedited first, then edits, each in key order.
    Set<String> keys = new HashSet<>();
    List<Item> newMessages = new ArrayList<>();
    List<Item> newEdits = new ArrayList<>();
    for (Item item : items) {
      String key = item.key();
      String idem = item.event().idempotencyKey();
      String dbIdem = text(idem);
      String dbKey = dbIdem.equals(idem) ? key : RecentKeys.key(item.tenant(), item.channel(), dbIdem);
      if (newIds.contains(dbKey)) {
        keys.add(key);
        if (item.event() instanceof InboundMessage m) {
          (m.editedAt() == null ? newMessages : newEdits).add(item);
        }
      }
    }
    newMessages.addAll(newEdits);
    Map<String, Long> dispatch = new HashMap<>();
    Set<String> claimed = new HashSet<>();
    Set<String> messagesStored = new HashSet<>();
    Set<String> handedOn = new HashSet<>();
    for (Item item : newMessages) {
      InboundMessage m = (InboundMessage) item.event();
      String messageKey = RecentKeys.key(item.tenant(), item.channel(), text(m.platformMessageId()));
      Stored s = stored.get(messageKey);
      if (s != null) {
        messagesStored.add(item.key());
        if (s.dispatch() && handedOn.add(messageKey)) {
          dispatch.put(item.key(), s.conversation());
        }
      }
      if (m.author() == Author.BUSINESS_API && claimedIds.remove(messageKey)) {
        claimed.add(item.key());
      }
    }
    return new Written(keys, dispatch, claimed, messagesStored);
  }

  public Future<Void> audit(SqlClient client, AuditRecord a) {
    return client.preparedQuery(INSERT_AUDIT)
        .execute(Tuple.of(a.tenantId(), a.channel(), a.idemKey(), utc(a.receivedAt()),
            Sanitize.text(a.detail()), Sanitize.text(a.bodyExcerpt())))
        .mapEmpty();
  }

  /**
   * The column arrays of {@code inbox_append}: every event, then the messages, the receipts and the
   * state changes.
   */
  private static Tuple arguments(java.util.Collection<Item> items) {
    Columns events = new Columns(EVENT_COLUMNS, items.size());
    List<Item> messages = new ArrayList<>();
    List<Item> receipts = new ArrayList<>();
    Columns x = new Columns(STATE_COLUMNS, 0);
    for (Item item : items) {
      InboundEvent e = item.event();
      String outcome = "accepted";
      String detail = null;
      String payload = null;
      if (e instanceof PlatformNotice notice) {
        outcome = switch (notice.kind()) {
          case ERROR -> "platform_error";
          case UNHANDLED -> "ignored";
          case UNDECODABLE -> "undecodable";
          case FOREIGN_ACCOUNT -> "foreign_account";
          case ACCOUNT_STATE -> "accepted";
        };
        detail = notice.detail();
        payload = notice.rawJson();
      } else if (e instanceof StatusUpdate) {
        payload = e.rawJson();
        receipts.add(item);
      } else if (e instanceof InboundMessage msg) {
        messages.add(item);
        if (msg.undecodable() != null) { // the ledger keeps its raw JSON too: it is what was not understood
          outcome = "undecodable";
          detail = msg.undecodable();
          payload = msg.rawJson();
        }
      } else if (e instanceof ContactState cs) {
        payload = e.rawJson();
        x.add(item.tenant(), item.channel(), text(e.idempotencyKey()), cs.blocked() ? "blocked" : "unblocked",
            text(cs.contact().platformUserId()), text(cs.contact().displayName()), text(cs.contact().username()),
            utc(e.occurredAt()), null);
      } else if (e instanceof ChatMigration cm) {
        payload = e.rawJson();
        detail = cm.fromChatId() + " -> " + cm.toChatId();
        x.add(item.tenant(), item.channel(), text(e.idempotencyKey()), "migrate", text(cm.fromChatId()),
            text(cm.toChatId()), null, utc(e.occurredAt()), null);
      }
      if (e instanceof PlatformNotice notice && notice.kind() == PlatformNotice.Kind.ACCOUNT_STATE
          && notice.detail() != null) {
        x.add(item.tenant(), item.channel(), text(e.idempotencyKey()), "account_state", text(e.accountRef()),
            text(notice.detail()), null, utc(e.occurredAt()), Sanitize.json(notice.rawJson()));
      }
      events.add(item.tenant(), item.channel(), text(e.idempotencyKey()), e.eventType(), outcome,
          text(e.accountRef()), utc(e.occurredAt()), utc(item.receivedAt()), text(detail), Sanitize.json(payload));
    }
    Columns m = new Columns(MESSAGE_COLUMNS, messages.size());
    for (Item item : messages) {
      InboundMessage msg = (InboundMessage) item.event();
      boolean inbound = msg.direction() == Direction.INBOUND;
      ContactRef contact = msg.contact(); // null only for an undecodable message whose sender is unknown
      m.add(item.tenant(), item.channel(), text(msg.idempotencyKey()), text(msg.accountRef()),
          text(msg.platformMessageId()), text(msg.chatId()), contact == null ? null : text(contact.platformUserId()),
          contact == null ? null : contact.e164(),
          contact == null || !inbound ? null : text(contact.displayName()), // an echo says nothing of the contact's name
          contact == null ? null : text(contact.username()), msg.direction().label(),
          msg.author().name().toLowerCase(Locale.ROOT), msg.type().label(),
          (inbound ? MessageStatus.DELIVERED : MessageStatus.SENT).label(), text(msg.text()),
          Sanitize.json(MessageContent.toJson(msg)), text(msg.replyToMessageId()), text(msg.relatedMessageId()),
          msg.forwarded(), msg.errors().isEmpty() ? null : Sanitize.json(errorsJson(msg.errors()).encode()),
          utc(msg.occurredAt()), utc(item.receivedAt()), Sanitize.json(msg.rawJson()), utc(msg.editedAt()),
          contact == null ? null : text(contact.altUserId()), text(msg.undecodable()));
    }
    Columns s = new Columns(RECEIPT_COLUMNS, receipts.size());
    for (Item item : receipts) {
      StatusUpdate st = (StatusUpdate) item.event();
      PlatformError error = st.errors().isEmpty() ? null : st.errors().get(0);
      s.add(item.tenant(), item.channel(), text(st.idempotencyKey()), text(st.platformMessageId()),
          st.status().label(), utc(st.occurredAt()), error == null ? null : text(error.code()),
          error == null ? null : text(firstNonNull(error.details(), error.message(), error.title())));
    }
    Object[] all = new Object[ARGUMENTS];
    events.copyInto(all, 0, new Class<?>[] {String.class, String.class, String.class, String.class,
        String.class, String.class, OffsetDateTime.class, OffsetDateTime.class, String.class, String.class});
    Class<?>[] mTypes = new Class<?>[MESSAGE_COLUMNS];
    java.util.Arrays.fill(mTypes, String.class);
    mTypes[18] = Integer.class;
    mTypes[20] = OffsetDateTime.class;
    mTypes[21] = OffsetDateTime.class;
    mTypes[23] = OffsetDateTime.class;
    m.copyInto(all, EVENT_COLUMNS, mTypes);
    s.copyInto(all, EVENT_COLUMNS + MESSAGE_COLUMNS, new Class<?>[] {String.class, String.class, String.class, String.class, String.class,
        OffsetDateTime.class, String.class, String.class});
    x.copyInto(all, EVENT_COLUMNS + MESSAGE_COLUMNS + RECEIPT_COLUMNS, new Class<?>[] {String.class, String.class, String.class, String.class, String.class,
        String.class, String.class, OffsetDateTime.class, String.class});
    return Tuple.from(all);
  }

  /** Values laid out row by row, handed over column by column as typed arrays. */
  private static final class Columns {
    private final int width;
    private final List<Object[]> rows;

    Columns(int width, int expectedRows) {
      this.width = width;
      this.rows = new ArrayList<>(expectedRows);
    }

    void add(Object... values) {
      if (values.length != width) {
        throw new IllegalArgumentException("expected " + width + " values, got " + values.length);
      }
      rows.add(values);
    }

    void copyInto(Object[] target, int offset, Class<?>[] types) {
      for (int col = 0; col < width; col++) {
        Object[] arr = (Object[]) java.lang.reflect.Array.newInstance(types[col], rows.size());
        for (int r = 0; r < rows.size(); r++) {
          arr[r] = rows.get(r)[col];
        }
        target[offset + col] = arr;
      }
    }
  }

  private static String text(String s) {
    return Sanitize.text(s);
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

  static OffsetDateTime utc(Instant instant) {
    // built from epoch fields: atOffset() would look zone rules up for every value
    return instant == null ? null : OffsetDateTime.of(
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
  }
}
