package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.idempotency.RecentKeys;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.migrations.Migrator;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A database that holds data written at V5 (through V5's own {@code inbox_append}, V4's definition)
 * migrated to this build: nothing is lost or changed, and the current {@code inbox_append}
 * (R__inbox_append.sql) works on the old rows. Real PostgreSQL: a database of its own on the test
 * server, dropped afterwards.
 */
class MigrationUpgradeIT {
  private static final String TENANT = "upgrade-it";
  private static final String CHANNEL = "whatsapp";
  /** The V5-era tables and their rows; messages.dispatched_at is compared on its own (V9 sets it). */
  private static final List<String> TABLES = List.of("tenants", "channel_accounts", "contacts", "conversations",
      "messages", "inbound_events", "pending_receipts");
  private static final Instant T0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

  private static DatabaseUrl url;

  @BeforeAll
  static void createDatabase() throws SQLException {
    url = TestDatabase.createDatabase("upgrade_it");
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (url != null) {
      TestDatabase.dropDatabase(url);
    }
  }

  private static Connection connect() throws SQLException {
    return TestDatabase.connect(url);
  }

  @Test
  void v5DataSurvivesTheUpgradeUnchangedAndTheCurrentInboxAppendWorksOnIt() throws Exception {
    // 1. the schema as it was at V5 (V5 knew no repeatable migrations)
    Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
        .target("5").repeatableSqlMigrationPrefix("none-at-V5-")
        .load().migrate();
    try (Connection c = connect()) {
      assertThat(one(c, "SELECT max(version::int)::text FROM flyway_schema_history")).isEqualTo("5");
      assertThat(one(c, "SELECT count(*)::text FROM pg_proc WHERE proname = 'inbox_append' AND pronargs = 51"))
          .isEqualTo("1");
      v5Data(c);
    }
    Map<String, List<String>> before = snapshot();
    assertThat(before.get("messages")).hasSize(5);
    assertThat(before.get("inbound_events")).hasSize(9);
    assertThat(before.get("contacts")).hasSize(2);
    assertThat(before.get("conversations")).hasSize(2);
    assertThat(before.get("pending_receipts")).hasSize(1);

    // 2. the upgrade, as the gateway runs it at start-up
    int applied = new Migrator(url.jdbcUrl(), url.user(), url.password()).migrate();
    assertThat(applied).isGreaterThanOrEqualTo(7); // V6, V7, V9, V10, V11, V13 and the repeatable inbox_append

    // 3. nothing lost or changed; V9 marked the old inbound messages handed over (history is not replayed)
    assertThat(snapshot()).isEqualTo(before);
    try (Connection c = connect()) {
      assertThat(one(c, "SELECT count(*)::text FROM messages WHERE direction = 'inbound' "
          + "AND dispatched_at IS DISTINCT FROM received_at")).isEqualTo("0");
      assertThat(one(c, "SELECT count(*)::text FROM messages WHERE direction = 'outbound' AND dispatched_at IS NULL"))
          .isEqualTo("1");
      assertThat(one(c, "SELECT count(*)::text FROM flyway_schema_history WHERE version IS NULL "
          + "AND description = 'inbox append' AND success")).isEqualTo("1");
      assertThat(one(c, "SELECT count(*)::text FROM pg_proc WHERE proname = 'inbox_append'")).isEqualTo("1");
      assertThat(one(c, "SELECT text FROM messages WHERE platform_message_id = 'wamid.U1'")).isEqualTo("edited at V5");
    }

    // 4. the current inbox_append on the old rows: an old event is still a duplicate, a new message of
    //    an old contact joins its contact and conversation
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(url.connectOptions())
          .using(vertx).build();
      InboundMessage again = text("wamid.U2", "15550001111", "second, at V5");
      InboundMessage fresh = text("wamid.N1", "15550001111", "after the upgrade");
      InboxRepository.Written written = new InboxRepository().append(pool, List.of(
              new InboxRepository.Item(TENANT, CHANNEL, again, Instant.now()),
              new InboxRepository.Item(TENANT, CHANNEL, fresh, Instant.now())))
          .await(10, TimeUnit.SECONDS);
      String freshKey = RecentKeys.key(TENANT, CHANNEL, "wamid.N1");
      assertThat(written.newKeys()).containsExactly(freshKey);
      // the V5 tenant counts as having a chain, and has no daily quota: queued as it is stored
      assertThat(written.queued()).containsExactly(freshKey);
      assertThat(written.dispatch()).isEmpty();
      pool.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    try (Connection c = connect()) {
      assertThat(one(c, "SELECT count(*)::text FROM messages")).isEqualTo("6");
      assertThat(one(c, "SELECT count(*)::text FROM contacts")).isEqualTo("2");
      assertThat(one(c, "SELECT count(*)::text FROM conversations")).isEqualTo("2");
      assertThat(one(c, "SELECT (n.conversation_id = o.conversation_id AND n.contact_id = o.contact_id)::text "
          + "FROM messages n, messages o WHERE n.platform_message_id = 'wamid.N1' AND o.platform_message_id = 'wamid.U1'"))
          .isEqualTo("true");
      assertThat(one(c, "SELECT text FROM messages WHERE platform_message_id = 'wamid.U2'")).isEqualTo("second, at V5");
      assertThat(one(c, "SELECT count(*)::text FROM dispatch_queue q JOIN messages m ON m.id = q.message_id "
          + "WHERE m.platform_message_id = 'wamid.N1'")).isEqualTo("1");
    }
  }

  private static InboundMessage text(String wamid, String from, String body) {
    return InboundMessage.builder().idempotencyKey(wamid).accountRef("100000000000777").platformMessageId(wamid)
        .chatId(from).contact(new ContactRef(from, "+" + from, "Ada", null)).type(MessageType.TEXT).text(body)
        .occurredAt(Instant.now()).build();
  }

  /**
   * What a V5 gateway stored: two contacts, each with a conversation; inbound messages, one edited
   * later; a person on the business side writing in Bo's chat (which pauses it, so Bo's next message
   * is held); a read receipt of that message and one of a message never seen (it waits); Bo blocked
   * the business; a channel account.
   */
  private static void v5Data(Connection c) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute("INSERT INTO tenants (id, name, api_key_hashes) VALUES ('" + TENANT + "', 'Upgrade IT', '{abc123}')");
      st.execute("INSERT INTO channel_accounts (tenant_id, channel, account_ref, settings, secrets) VALUES ('"
          + TENANT + "', '" + CHANNEL + "', '100000000000777', '{\"verifyToken\": \"v\"}', '\\x0102')");
    }
    Batch first = new Batch();
    first.message("wamid.U1", "15550001111", "Ada", "inbound", "contact", "first, at V5", T0, null);
    first.message("wamid.U2", "15550001111", "Ada", "inbound", "contact", "second, at V5", T0.plusSeconds(5), null);
    first.message("wamid.U3", "15550002222", "Bo", "inbound", "contact", "hello from Bo", T0.plusSeconds(10), null);
    first.message("wamid.H1", "15550002222", null, "outbound", "business_human", "a person answers",
        T0.plusSeconds(20), null);
    first.receipt("wamid.H1:read", "wamid.H1", "read", T0.plusSeconds(30));
    first.receipt("wamid.GONE:delivered", "wamid.GONE", "delivered", T0.plusSeconds(31));
    first.blocked("block:15550002222", "15550002222", T0.plusSeconds(40));
    first.call(c);

    Batch second = new Batch();
    second.message("wamid.U4", "15550002222", "Bo", "inbound", "contact", "held by the takeover", T0.plusSeconds(50),
        null);
    second.message("wamid.U1:edit", "15550001111", "Ada", "inbound", "contact", "edited at V5", T0, T0.plusSeconds(60));
    second.message("wamid.U2", "15550001111", "Ada", "inbound", "contact", "a retry of the second", T0.plusSeconds(5),
        null);
    second.call(c);

    assertThat(one(c, "SELECT dispatch_hold FROM messages WHERE platform_message_id = 'wamid.U4'"))
        .isEqualTo("human_takeover");
    assertThat(one(c, "SELECT status::text FROM messages WHERE platform_message_id = 'wamid.H1'")).isEqualTo("read");
    assertThat(one(c, "SELECT blocked::text FROM contacts WHERE platform_user_id = '15550002222'")).isEqualTo("true");
  }

  /** One call of whatever {@code inbox_append} the database has, its arguments filled by name from the catalog. */
  private static final class Batch {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private void put(String prefix, Map<String, String> row) {
      int n = values.getOrDefault(prefix + "_tenant", List.of()).size();
      row.forEach((k, v) -> {
        List<String> column = values.computeIfAbsent(prefix + "_" + k, x -> new ArrayList<>());
        while (column.size() < n) {
          column.add(null);
        }
        column.add(v);
      });
    }

    private void event(String key, String type, Instant at) {
      put("e", map("tenant", TENANT, "channel", CHANNEL, "key", key, "type", type, "outcome", "accepted",
          "account", "100000000000777", "occurred", at.toString(), "received", at.plusSeconds(1).toString()));
    }

    void message(String key, String user, String name, String direction, String author, String text, Instant at,
                 Instant edited) {
      event(key, edited == null ? "message" : "message:edited", edited == null ? at : edited);
      String pid = key.replace(":edit", "");
      put("m", map("tenant", TENANT, "channel", CHANNEL, "key", key, "account", "100000000000777", "pid", pid,
          "chat", user, "user", user, "phone", "+" + user, "name", name, "direction", direction, "author", author,
          "type", "text", "status", direction.equals("inbound") ? "delivered" : "sent", "text", text,
          "forwarded", "0", "ts", at.toString(), "received", at.plusSeconds(1).toString(),
          "raw", "{\"id\": \"" + pid + "\"}", "edited", edited == null ? null : edited.toString()));
    }

    void receipt(String key, String pid, String status, Instant at) {
      event(key, "status", at);
      put("s", map("tenant", TENANT, "channel", CHANNEL, "key", key, "pid", pid, "status", status,
          "ts", at.toString()));
    }

    void blocked(String key, String user, Instant at) {
      event(key, "contact:blocked", at);
      put("x", map("tenant", TENANT, "channel", CHANNEL, "key", key, "kind", "blocked", "a", user, "b", "Bo",
          "ts", at.toString()));
    }

    void call(Connection c) throws SQLException {
      List<String[]> arguments = new ArrayList<>();
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT a.name, format_type(a.type, NULL) FROM pg_proc p, unnest(p.proargnames[1:p.pronargs], "
              + "p.proargtypes::oid[]) AS a(name, type) WHERE p.proname = 'inbox_append'")) {
        while (rs.next()) {
          arguments.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      StringBuilder sql = new StringBuilder("SELECT count(*) FROM inbox_append(");
      for (int i = 0; i < arguments.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(arguments.get(i)[0]).append(" => ?::text[]::").append(arguments.get(i)[1]);
      }
      try (PreparedStatement st = c.prepareStatement(sql.append(")").toString())) {
        for (int i = 0; i < arguments.size(); i++) {
          String name = arguments.get(i)[0];
          int rows = values.getOrDefault(name.substring(0, 1) + "_tenant", List.of()).size();
          List<String> column = new ArrayList<>(values.getOrDefault(name, List.of()));
          while (column.size() < rows) {
            column.add(null);
          }
          st.setArray(i + 1, c.createArrayOf("text", column.toArray()));
        }
        st.executeQuery().close();
      }
    }
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Every row of the V5-era tables, with the columns they had at V5, as text. */
  private static Map<String, List<String>> snapshot() throws SQLException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    try (Connection c = connect()) {
      for (String table : TABLES) {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT column_name FROM information_schema.columns "
            + "WHERE table_schema = current_schema() AND table_name = ? AND column_name = ANY (?) ORDER BY column_name")) {
          st.setString(1, table);
          st.setArray(2, c.createArrayOf("text", V5_COLUMNS.get(table).toArray()));
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              columns.add(rs.getString(1));
            }
          }
        }
        assertThat(columns).as(table + " columns").hasSameSizeAs(V5_COLUMNS.get(table));
        List<String> values = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT ROW(" + String.join(", ", columns) + ")::text AS r FROM " + table + " ORDER BY r")) {
          while (rs.next()) {
            values.add(rs.getString(1));
          }
        }
        rows.put(table, values);
      }
    }
    return rows;
  }

  /** The columns of each table at V5 (V1 + V3), but messages.dispatched_at (V9 marks old messages handed over). */
  private static final Map<String, List<String>> V5_COLUMNS = Map.of(
      "tenants", cols("id name api_key_hashes inbound_per_second inbound_burst outbound_per_second outbound_burst "
          + "per_contact_daily takeover_auto_resume plugin_chain source created_at updated_at"),
      "channel_accounts", cols("tenant_id channel account_ref settings secrets state state_detail state_at "
          + "created_at updated_at"),
      "contacts", cols("id tenant_id channel platform_user_id phone display_name username blocked blocked_at "
          + "first_seen_at last_seen_at"),
      "conversations", cols("id tenant_id channel chat_id contact_id status paused_reason paused_at last_human_at "
          + "last_inbound_at last_message_at created_at updated_at"),
      "messages", cols("id tenant_id channel account_ref platform_message_id conversation_id contact_id direction "
          + "author type status text content reply_to_platform_id related_platform_id forwarded errors error_code "
          + "error_detail platform_ts received_at status_at edited_at revoked_at raw dispatch_hold"),
      "inbound_events", cols("tenant_id channel idem_key event_type outcome account_ref occurred_at received_at "
          + "detail payload body_excerpt"),
      "pending_receipts", cols("tenant_id channel platform_message_id status status_at error_code error_detail "
          + "received_at"));

  private static List<String> cols(String names) {
    return Arrays.stream(names.split(" ")).sorted().toList();
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
