package dev.switchboard.gateway.store;

import dev.switchboard.gateway.idempotency.RecentKeys;
import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ChatMigration;
import dev.switchboard.plugin.model.ContactState;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQL of the inbox. A batch of webhook events is written by one call of the database function
 * {@code inbox_append} (R__inbox_append.sql): ledger (the idempotency authority) → contacts →
 * conversations → messages → edits → receipts, in one round trip and one implicit transaction.
 * This class only sorts the events into the function's argument groups ({@link InboxArguments}).
 */
public final class InboxRepository {

  static final String INSERT_AUDIT = """
      INSERT INTO inbound_events (tenant_id, channel, idem_key, event_type, outcome, received_at,
                                  detail, body_excerpt)
      VALUES ($1, $2, $3, 'malformed', 'malformed', $4, $5, $6)
      ON CONFLICT (tenant_id, channel, idem_key) DO NOTHING""";

  /** One event of the batch with its tenant and channel. */
  public record Item(String tenant, String channel, InboundEvent event, Instant receivedAt) {
    /** The event's key, as {@link Written} names it. */
    public String key() {
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
   * @param handedOver keys of new inbound messages handed over as they were stored: their tenant has
   *                 no plugin chain ({@code tenants.has_chain} false), so nothing is dispatched
   * @param queued   keys of new inbound messages queued for their tenant's chain as they were stored
   *                 (a chain and no daily quota): the dispatcher's claim takes them, no hand-over
   */
  public record Written(Set<String> newKeys, Map<String, Long> dispatch, Set<String> claimed,
                        Set<String> messagesStored, Set<String> handedOver, Set<String> queued) {
  }

  /** Writes the batch (one statement: atomic). */
  public Future<Written> append(SqlClient client, List<Item> items) {
    TreeMap<String, Item> unique = new TreeMap<>();
    for (Item item : items) {
      unique.putIfAbsent(item.key(), item); // one copy of each key per batch
    }
    return client.preparedQuery(InboxArguments.CALL).execute(arguments(unique.values()))
        .map(rows -> written(unique.values(), rows));
  }

  /**
   * What one stored message became: its conversation (null: none), whether it goes to the
   * dispatcher, whether it was handed over as stored (no chain), and whether it was queued for its
   * chain as stored.
   */
  private record Stored(Long conversation, boolean dispatch, boolean handedOver, boolean queued) {
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
        case "message" -> stored.put(id, new Stored(row.getLong(4), Boolean.TRUE.equals(row.getBoolean(5)),
            Boolean.TRUE.equals(row.getBoolean(6)), Boolean.TRUE.equals(row.getBoolean(7))));
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
    Set<String> handedOver = new HashSet<>();
    Set<String> queued = new HashSet<>();
    Set<String> handedOn = new HashSet<>();
    for (Item item : newMessages) {
      InboundMessage m = (InboundMessage) item.event();
      String messageKey = RecentKeys.key(item.tenant(), item.channel(), text(m.platformMessageId()));
      Stored s = stored.get(messageKey);
      if (s != null) {
        messagesStored.add(item.key());
        if (s.dispatch() && handedOn.add(messageKey)) {
          dispatch.put(item.key(), s.conversation());
        } else if (s.handedOver() && handedOn.add(messageKey)) {
          handedOver.add(item.key());
        } else if (s.queued() && handedOn.add(messageKey)) {
          queued.add(item.key());
        }
      }
      if (m.author() == Author.BUSINESS_API && claimedIds.remove(messageKey)) {
        claimed.add(item.key());
      }
    }
    return new Written(keys, dispatch, claimed, messagesStored, handedOver, queued);
  }

  public Future<Void> audit(SqlClient client, AuditRecord a) {
    return client.preparedQuery(INSERT_AUDIT)
        .execute(Tuple.of(a.tenantId(), a.channel(), a.idemKey(), utc(a.receivedAt()),
            Sanitize.text(a.detail()), Sanitize.text(a.bodyExcerpt())))
        .mapEmpty();
  }

  /**
   * The arguments of {@code inbox_append} ({@link InboxArguments}): every event for the ledger, then
   * the messages, the receipts and the state changes.
   */
  private static Tuple arguments(java.util.Collection<Item> items) {
    List<InboxArguments.EventRow> events = new ArrayList<>(items.size());
    List<InboxArguments.MessageRow> messages = new ArrayList<>();
    List<InboxArguments.ReceiptRow> receipts = new ArrayList<>();
    List<InboxArguments.StateRow> states = new ArrayList<>();
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
        if (notice.kind() == PlatformNotice.Kind.ACCOUNT_STATE && notice.detail() != null) {
          states.add(new InboxArguments.StateRow(item, "account_state", e.accountRef(), notice.detail(), null,
              notice.rawJson()));
        }
      } else if (e instanceof StatusUpdate st) {
        payload = e.rawJson();
        receipts.add(new InboxArguments.ReceiptRow(item, st, st.errors().isEmpty() ? null : st.errors().get(0)));
      } else if (e instanceof InboundMessage msg) {
        messages.add(new InboxArguments.MessageRow(item, msg));
        if (msg.undecodable() != null) { // the ledger keeps its raw JSON too: it is what was not understood
          outcome = "undecodable";
          detail = msg.undecodable();
          payload = msg.rawJson();
        }
      } else if (e instanceof ContactState cs) {
        payload = e.rawJson();
        states.add(new InboxArguments.StateRow(item, cs.blocked() ? "blocked" : "unblocked",
            cs.contact().platformUserId(), cs.contact().displayName(), cs.contact().username(), null));
      } else if (e instanceof ChatMigration cm) {
        payload = e.rawJson();
        detail = cm.fromChatId() + " -> " + cm.toChatId();
        states.add(new InboxArguments.StateRow(item, "migrate", cm.fromChatId(), cm.toChatId(), null, null));
      }
      events.add(new InboxArguments.EventRow(item, outcome, detail, payload));
    }
    return Tuple.from(InboxArguments.values(events, messages, receipts, states));
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

  static OffsetDateTime utc(Instant instant) {
    return InboxArguments.utc(instant);
  }
}
