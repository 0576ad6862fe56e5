package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch that PostgreSQL rolls back for a deadlock with another transaction is run again, in the
 * inbox (the platform gets its 200, not a 503, and the webhook is stored once) and in the outbox (the
 * API send is accepted once, not failed). The deadlocks are made on purpose: another session holds
 * the conversation's row while the gateway's batch, which already holds another row, waits for it;
 * that session then asks for the row the batch holds.
 */
class StoreConflictRetryIT {
  private static final String TENANT = "conflict-retry-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef"; // RunningGateway.tenantConfig's
  private static final String MESSAGES = "/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages";
  private static FakePlatform graph;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    graph = new FakePlatform();
    graph.on(MESSAGES, call -> new Answer(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", call.json().getString("to"))
            .put("wa_id", call.json().getString("to"))))
        .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.OUT" + System.nanoTime())))));
    JsonObject tenant = RunningGateway.tenantConfig(TENANT, 1000, 1000); // its API key is KEY
    tenant.getJsonObject("channels").getJsonObject("whatsapp").put("accessToken", "EAAG-conflict-it-token-0123")
        .put("apiBaseUrl", graph.baseUrl() + "/v23.0");
    gw = RunningGateway.start(tenant, new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (graph != null) {
      graph.close();
    }
  }

  @Test
  void aBatchRolledBackByADeadlockIsRunAgainAndAnswered200() throws Exception {
    String customer = "16505550177";
    long now = System.currentTimeMillis() / 1000;
    String first = "wamid.conflict." + System.nanoTime() + ".1";
    assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, customer, "Ana", first, now - 300,
        "first")).statusCode()).isEqualTo(200);
    long conversation = TestDatabase.number("SELECT conversation_id FROM messages WHERE tenant_id = ? "
        + "AND platform_message_id = ?", TENANT, first);
    long contact = TestDatabase.number("SELECT contact_id FROM messages WHERE tenant_id = ? "
        + "AND platform_message_id = ?", TENANT, first);
    double retriesBefore = retries("inbox");

    String second = "wamid.conflict." + System.nanoTime() + ".2";
    CompletableFuture<HttpResponse<String>> answer;
    try (Connection other = holdingConversation(conversation)) {
      // a message five minutes newer, with a new profile name: the batch updates the contact, then
      // the conversation, and waits for this session's lock on it
      answer = CompletableFuture.supplyAsync(() -> gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID,
          customer, "Ana Maria", second, now, "second")));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.number(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%inbox_append%'") == 1);
      try (PreparedStatement st = other.prepareStatement("UPDATE contacts SET last_seen_at = last_seen_at WHERE id = ?")) {
        st.setLong(1, contact);
        st.executeUpdate(); // waits for the gateway's batch, until PostgreSQL rolls that one back
      }
      other.rollback();
    }

    HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, second)).isEqualTo(1);
    assertThat(TestDatabase.row("SELECT display_name FROM contacts WHERE id = ?", contact)).containsExactly("Ana Maria");
    assertThat(retries("inbox")).as("batches run again after a conflict").isEqualTo(retriesBefore + 1);
  }

  @Test
  void anOutboxBatchRolledBackByADeadlockIsRunAgainAndTheSendAcceptedOnce() throws Exception {
    String customer = "16505550178";
    long now = System.currentTimeMillis() / 1000;
    String inbound = "wamid.conflict." + System.nanoTime() + ".in";
    assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, customer, "Bo", inbound, now - 300,
        "hello")).statusCode()).isEqualTo(200);
    long message = TestDatabase.number("SELECT id FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, inbound);
    long conversation = TestDatabase.number("SELECT conversation_id FROM messages WHERE id = ?", message);
    double retriesBefore = retries("outbox");
    String key = "conflict-" + System.nanoTime();

    CompletableFuture<HttpResponse<String>> answer;
    try (Connection other = holdingConversation(conversation)) {
      // the conversation's last message is five minutes old: the batch stores the send under its key,
      // then waits for this session's lock to move the conversation's last_message_at
      answer = CompletableFuture.supplyAsync(() -> gw.postJson("/v1/messages", new JsonObject()
          .put("channel", "whatsapp").put("to", customer).put("text", "On its way").put("idempotencyKey", key)
          .encode(), "Authorization", "Bearer " + KEY));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.number(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%outbox_enqueue_batch%'") == 1);
      try (PreparedStatement st = other.prepareStatement("INSERT INTO messages (tenant_id, channel, account_ref, "
          + "conversation_id, contact_id, direction, author, type, status, text, platform_ts, idempotency_key) "
          + "SELECT tenant_id, channel, account_ref, conversation_id, contact_id, 'outbound', 'business_api', 'text', "
          + "'queued', 'not sent', now(), ? FROM messages WHERE id = ?")) {
        st.setString(1, key);
        st.setLong(2, message);
        st.executeUpdate(); // waits for the batch's row of the same key, until PostgreSQL rolls the batch back
      }
      other.rollback();
    }

    HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(TestDatabase.row("SELECT text FROM messages WHERE tenant_id = ? AND idempotency_key = ?", TENANT, key))
        .containsExactly("On its way");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> graph.calls(MESSAGES).stream()
        .anyMatch(c -> customer.equals(c.json().getString("to"))));
    assertThat(retries("outbox")).as("batches run again after a conflict").isEqualTo(retriesBefore + 1);
  }

  /**
   * Another session, in an open transaction, holding the conversation's row; the gateway's backend,
   * which waits for it first, is the one that finds the deadlock.
   */
  private static Connection holdingConversation(long conversation) throws SQLException {
    Connection other = TestDatabase.connect();
    other.setAutoCommit(false);
    try (Statement st = other.createStatement()) {
      try {
        st.execute("SET deadlock_timeout = '30s'"); // this session never runs the deadlock check first
      } catch (SQLException notSuperuser) {
        other.rollback(); // the gateway's backend waited first, so its check (after 1 s) runs first anyway
      }
      st.execute("UPDATE conversations SET updated_at = now() WHERE id = " + conversation);
    }
    return other;
  }

  private static double retries(String store) {
    return PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()), "switchboard_store_conflict_retries_total",
        Map.of("store", store));
  }
}
