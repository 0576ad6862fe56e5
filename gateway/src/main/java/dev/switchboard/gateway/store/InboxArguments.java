package dev.switchboard.gateway.store;

import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.StatusUpdate;
import java.lang.reflect.Array;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The arguments of {@code inbox_append} (R__inbox_append.sql), declared once. Each group (events
 * {@code e_*}, messages {@code m_*}, receipts {@code s_*}, state changes {@code x_*}) is a list of
 * columns: the argument's name, its SQL array type, and how a row of the group yields its value.
 * The call's text ({@link #CALL}) and its values ({@link #values}) are both generated from these
 * lists, so a new column is one line here (plus the function's signature). The call names every
 * argument ({@code m_text => $15::text[]}): a list and a signature that disagree fail at the first
 * call, instead of shifting values into the wrong columns.
 */
final class InboxArguments {

  /** The SQL element types the function's arrays use, with the Java type each array holds. */
  enum SqlType {
    TEXT("text", String.class),
    INT("int", Integer.class),
    TIMESTAMPTZ("timestamptz", OffsetDateTime.class);

    final String sql;
    final Class<?> java;

    SqlType(String sql, Class<?> java) {
      this.sql = sql;
      this.java = java;
    }
  }

  /** One argument: {@code prefix_name}, an array of {@code type}, one value per row. */
  record Column<R>(String name, SqlType type, Function<R, Object> value) {
  }

  /** The arguments that share a prefix: one array each, all as long as the group's rows. */
  record Group<R>(String prefix, List<Column<R>> columns) {
    Stream<String> names() {
      return columns.stream().map(c -> prefix + "_" + c.name());
    }

    void addValues(List<Object> target, List<R> rows) {
      for (Column<R> column : columns) {
        Object[] values = (Object[]) Array.newInstance(column.type().java, rows.size());
        for (int i = 0; i < values.length; i++) {
          values[i] = column.value().apply(rows.get(i));
        }
        target.add(values);
      }
    }
  }

  /** An event for the ledger, with what the ledger records of it. */
  record EventRow(InboxRepository.Item item, String outcome, String detail, String payload) {
  }

  /** A message event. */
  record MessageRow(InboxRepository.Item item, InboundMessage message) {
    ContactRef contact() { // null only for an undecodable message whose sender is unknown
      return message.contact();
    }

    boolean inbound() {
      return message.direction() == Direction.INBOUND;
    }
  }

  /** A delivery receipt, with its first error (if any). */
  record ReceiptRow(InboxRepository.Item item, StatusUpdate status, PlatformError error) {
  }

  /** A state change: kind 'blocked' / 'unblocked', 'migrate' or 'account_state' and its values a, b, c, detail. */
  record StateRow(InboxRepository.Item item, String kind, String a, String b, String c, String detail) {
  }

  static final Group<EventRow> EVENTS = new Group<>("e", List.of(
      text("tenant", r -> r.item().tenant()),
      text("channel", r -> r.item().channel()),
      text("key", r -> clean(r.item().event().idempotencyKey())),
      text("type", r -> r.item().event().eventType()),
      text("outcome", EventRow::outcome),
      text("account", r -> clean(r.item().event().accountRef())),
      time("occurred", r -> utc(r.item().event().occurredAt())),
      time("received", r -> utc(r.item().receivedAt())),
      text("detail", r -> clean(r.detail())),
      text("payload", r -> Sanitize.json(r.payload()))));

  static final Group<MessageRow> MESSAGES = new Group<>("m", List.of(
      text("tenant", r -> r.item().tenant()),
      text("channel", r -> r.item().channel()),
      text("key", r -> clean(r.message().idempotencyKey())),
      text("account", r -> clean(r.message().accountRef())),
      text("pid", r -> clean(r.message().platformMessageId())),
      text("chat", r -> clean(r.message().chatId())),
      text("user", r -> r.contact() == null ? null : clean(r.contact().platformUserId())),
      text("phone", r -> r.contact() == null ? null : r.contact().e164()),
      // an echo says nothing of the contact's name
      text("name", r -> r.contact() == null || !r.inbound() ? null : clean(r.contact().displayName())),
      text("username", r -> r.contact() == null ? null : clean(r.contact().username())),
      text("direction", r -> r.message().direction().label()),
      text("author", r -> r.message().author().name().toLowerCase(Locale.ROOT)),
      text("type", r -> r.message().type().label()),
      text("status", r -> (r.inbound() ? MessageStatus.DELIVERED : MessageStatus.SENT).label()),
      text("text", r -> clean(r.message().text())),
      text("content", r -> Sanitize.json(MessageContent.toJson(r.message()))),
      text("reply", r -> clean(r.message().replyToMessageId())),
      text("related", r -> clean(r.message().relatedMessageId())),
      integer("forwarded", r -> r.message().forwarded()),
      text("errors", r -> r.message().errors().isEmpty() ? null
          : Sanitize.json(InboxRepository.errorsJson(r.message().errors()).encode())),
      time("ts", r -> utc(r.message().occurredAt())),
      time("received", r -> utc(r.item().receivedAt())),
      text("raw", r -> Sanitize.json(r.message().rawJson())),
      time("edited", r -> utc(r.message().editedAt())),
      text("alt", r -> r.contact() == null ? null : clean(r.contact().altUserId())),
      text("undecodable", r -> clean(r.message().undecodable()))));

  static final Group<ReceiptRow> RECEIPTS = new Group<>("s", List.of(
      text("tenant", r -> r.item().tenant()),
      text("channel", r -> r.item().channel()),
      text("key", r -> clean(r.status().idempotencyKey())),
      text("pid", r -> clean(r.status().platformMessageId())),
      text("status", r -> r.status().status().label()),
      time("ts", r -> utc(r.status().occurredAt())),
      text("code", r -> r.error() == null ? null : clean(r.error().code())),
      text("detail", r -> r.error() == null ? null
          : clean(firstNonNull(r.error().details(), r.error().message(), r.error().title())))));

  static final Group<StateRow> STATES = new Group<>("x", List.of(
      text("tenant", r -> r.item().tenant()),
      text("channel", r -> r.item().channel()),
      text("key", r -> clean(r.item().event().idempotencyKey())),
      text("kind", StateRow::kind),
      text("a", r -> clean(r.a())),
      text("b", r -> clean(r.b())),
      text("c", r -> clean(r.c())),
      time("ts", r -> utc(r.item().event().occurredAt())),
      text("detail", r -> Sanitize.json(r.detail()))));

  /** Every argument name, in the order of {@link #CALL}'s parameters. */
  static final List<String> NAMES = Stream.of(EVENTS.names(), MESSAGES.names(), RECEIPTS.names(), STATES.names())
      .flatMap(s -> s).toList();

  /** Every argument's SQL array type, in the same order. */
  static final List<String> TYPES = Stream.of(EVENTS, MESSAGES, RECEIPTS, STATES)
      .flatMap(g -> g.columns().stream().map(c -> c.type().sql + "[]")).toList();

  /** The call, each argument by name: {@code inbox_append(e_tenant => $1::text[], …)}. */
  static final String CALL = "SELECT row_kind, row_tenant, row_channel, row_id, row_conversation, row_dispatch,"
      + " row_handed_over, row_queued"
      + " FROM inbox_append(" + java.util.stream.IntStream.range(0, NAMES.size())
          .mapToObj(i -> NAMES.get(i) + " => $" + (i + 1) + "::" + TYPES.get(i))
          .collect(Collectors.joining(", ")) + ")";

  private InboxArguments() {
  }

  /** The values of {@link #CALL}, group by group. */
  static Object[] values(List<EventRow> events, List<MessageRow> messages, List<ReceiptRow> receipts,
                         List<StateRow> states) {
    List<Object> all = new ArrayList<>(NAMES.size());
    EVENTS.addValues(all, events);
    MESSAGES.addValues(all, messages);
    RECEIPTS.addValues(all, receipts);
    STATES.addValues(all, states);
    return all.toArray();
  }

  private static <R> Column<R> text(String name, Function<R, Object> value) {
    return new Column<>(name, SqlType.TEXT, value);
  }

  private static <R> Column<R> integer(String name, Function<R, Object> value) {
    return new Column<>(name, SqlType.INT, value);
  }

  private static <R> Column<R> time(String name, Function<R, Object> value) {
    return new Column<>(name, SqlType.TIMESTAMPTZ, value);
  }

  private static String clean(String s) {
    return Sanitize.text(s);
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
