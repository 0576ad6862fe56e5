package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WhatsApp webhooks through the real gateway into the real database. */
class WhatsAppWebhookIT {
  private static final String TENANT = "wa-webhook-it";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start(TENANT, 100_000, 100_000);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static String wamid() {
    return "wamid.HBgLMTU1NTAwMDAwMDAVAgASGBQzQTk" + IDS.incrementAndGet();
  }

  private static long messages(String wamid) {
    return TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, wamid);
  }

  @Test
  void signedTextIsStoredOnceWithItsFieldsBeforeTheAck() throws Exception {
    String id = wamid();
    HttpResponse<String> r = gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505551234",
        "Kerry Fisher", id, 1_749_416_383L, "Hello, do you ship to Lisbon?"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("stored")).isEqualTo(1);
    try (var c = TestDatabase.connect(); var st = c.prepareStatement("""
        SELECT m.type, m.direction, m.author, m.status, m.text, m.platform_ts, m.account_ref,
               ct.phone, ct.display_name, ct.platform_user_id, cv.chat_id, cv.status AS conv_status
          FROM messages m JOIN contacts ct ON ct.id = m.contact_id JOIN conversations cv ON cv.id = m.conversation_id
         WHERE m.tenant_id = ? AND m.platform_message_id = ?""")) {
      st.setString(1, TENANT);
      st.setString(2, id);
      try (ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).as("message row exists as soon as the 200 is answered").isTrue();
        assertThat(rs.getString("type")).isEqualTo("text");
        assertThat(rs.getString("direction")).isEqualTo("inbound");
        assertThat(rs.getString("author")).isEqualTo("contact");
        assertThat(rs.getString("text")).isEqualTo("Hello, do you ship to Lisbon?");
        assertThat(rs.getObject("platform_ts", java.time.OffsetDateTime.class).toEpochSecond()).isEqualTo(1_749_416_383L);
        assertThat(rs.getString("account_ref")).isEqualTo(RunningGateway.PHONE_NUMBER_ID);
        assertThat(rs.getString("phone")).isEqualTo("+16505551234");
        assertThat(rs.getString("display_name")).isEqualTo("Kerry Fisher");
        assertThat(rs.getString("chat_id")).isEqualTo("16505551234");
        assertThat(rs.getString("conv_status")).isEqualTo("active");
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, id)).isEqualTo(1);
  }

  @Test
  void samePayloadAgainIsAcknowledgedAsDuplicateAndStoredOnce() {
    String id = wamid();
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550001", "A", id, 1_749_416_383L, "hi");
    assertThat(gw.postSigned(body).statusCode()).isEqualTo(200);
    HttpResponse<String> again = gw.postSigned(body);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getInteger("duplicates")).isEqualTo(1);
    assertThat(messages(id)).isEqualTo(1);
  }

  @Test
  void fiftyConcurrentCopiesStoreOneRow() throws Exception {
    String id = wamid();
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550002", "B", id, 1_749_416_383L, "burst");
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        results.add(pool.submit((Callable<Integer>) () -> gw.postSigned(body).statusCode()));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(messages(id)).isEqualTo(1);
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, id)).isEqualTo(1);
  }

  @Test
  void wrongOrMissingSignatureIs401AndStoresNothing() {
    String id = wamid();
    byte[] body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550003", "C", id, 1L, "x")
        .getBytes(StandardCharsets.UTF_8);
    String path = "/webhooks/whatsapp/" + TENANT;
    HttpResponse<String> wrong = gw.post(path, body, "application/json", WhatsApp.sign(body, "not-the-secret"));
    HttpResponse<String> missing = gw.post(path, body, "application/json", null);
    HttpResponse<String> garbage = gw.post(path, body, "application/json", "sha256=zz");
    for (HttpResponse<String> r : List.of(wrong, missing, garbage)) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    }
    assertThat(messages(id)).isZero();
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, id)).isZero();
  }

  @Test
  void unknownTenantAndUnknownChannelAnswerTheSame404() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> tenant = gw.post("/webhooks/whatsapp/no-such-tenant", body, "application/json", null);
    HttpResponse<String> channel = gw.post("/webhooks/fax/" + TENANT, body, "application/json", null);
    assertThat(tenant.statusCode()).isEqualTo(404);
    assertThat(channel.statusCode()).isEqualTo(404);
    assertThat(tenant.body()).isEqualTo(channel.body());
    assertThat(new JsonObject(tenant.body()).getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  @Test
  void bodyOverThreeMebibytesIs413() {
    byte[] body = new byte[3 * 1024 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    HttpResponse<String> r = gw.post("/webhooks/whatsapp/" + TENANT, body, "application/json",
        WhatsApp.sign(body, RunningGateway.APP_SECRET));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
  }

  @Test
  void signedButMalformedJsonIs400WithAnAuditRow() {
    byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[ broken " + IDS.incrementAndGet())
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = gw.post("/webhooks/whatsapp/" + TENANT, body, "application/json",
        WhatsApp.sign(body, RunningGateway.APP_SECRET));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
    assertThat(TestDatabase.number("""
        SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND outcome = 'malformed'
           AND body_excerpt = ?""", TENANT, new String(body, StandardCharsets.UTF_8))).isEqualTo(1);
  }

  @Test
  void nonJsonContentTypeIs415() {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = gw.post("/webhooks/whatsapp/" + TENANT, body, "text/plain",
        WhatsApp.sign(body, RunningGateway.APP_SECRET));
    assertThat(r.statusCode()).isEqualTo(415);
  }

  @Test
  void verificationHandshakeEchoesTheChallengeOnlyForTheRightToken() {
    HttpResponse<String> ok = gw.get("/webhooks/whatsapp/" + TENANT
        + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + RunningGateway.VERIFY_TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    HttpResponse<String> bad = gw.get("/webhooks/whatsapp/" + TENANT
        + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong");
    assertThat(bad.statusCode()).isEqualTo(403);
    assertThat(bad.body()).doesNotContain("1158201444");
  }

  @Test
  void receiptsAdvanceTheStatusAndNeverMoveItBackwards() {
    String id = wamid();
    assertThat(gw.postSigned(WhatsApp.echo(RunningGateway.PHONE_NUMBER_ID, "16505550004", id, 1_749_416_000L,
        "Your order shipped")).statusCode()).isEqualTo(200);
    assertThat(status(id)).isEqualTo("sent");
    assertThat(gw.postSigned(WhatsApp.status(RunningGateway.PHONE_NUMBER_ID, id, "read", "16505550004",
        1_749_416_010L)).statusCode()).isEqualTo(200);
    assertThat(status(id)).isEqualTo("read");
    // a late 'delivered' arrives after 'read': the status stays 'read'
    assertThat(gw.postSigned(WhatsApp.status(RunningGateway.PHONE_NUMBER_ID, id, "delivered", "16505550004",
        1_749_416_005L)).statusCode()).isEqualTo(200);
    assertThat(status(id)).isEqualTo("read");
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?"
        + " AND direction = 'outbound' AND author = 'business_human'", TENANT, id)).isEqualTo(1);
  }

  private static String status(String wamid) {
    try (var c = TestDatabase.connect();
         var st = c.prepareStatement("SELECT status FROM messages WHERE tenant_id = ? AND platform_message_id = ?")) {
      st.setString(1, TENANT);
      st.setString(2, wamid);
      try (var rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void eventForAnotherPhoneNumberIsRecordedAsForeignAndNotStoredAsAMessage() {
    String id = wamid();
    HttpResponse<String> r = gw.postSigned(WhatsApp.text("999999999999999", "16505550005", "D", id, 1L, "x"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(messages(id)).isZero();
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND outcome = 'foreign_account'"
        + " AND detail = '999999999999999'", TENANT)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void unhandledFieldIsAcknowledgedCountedAndRecorded() {
    HttpResponse<String> r = gw.postSigned(WhatsApp.templateStatus());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND outcome = 'ignored'"
        + " AND detail = 'message_template_status_update'", TENANT)).isEqualTo(1);
    var samples = PrometheusText.parse(gw.get("/metrics").body());
    assertThat(PrometheusText.sum(samples, "switchboard_events_stored_total",
        Map.of("channel", "whatsapp", "type", "notice:unhandled"))).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void anUndecodableMessageIsRecordedWhileTheRestOfTheCallIsStored() {
    String good = wamid();
    // Meta-shaped call with two messages; the second has no id (cannot be keyed or stored as a message)
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550007", "F", good, 1_749_416_383L, "fine")
        .replace("\"type\":\"text\"}]", "\"type\":\"text\"},{\"from\":\"16505550007\",\"timestamp\":\"1749416384\","
            + "\"type\":\"text\",\"text\":{\"body\":\"no id " + good + "\"}}]");
    HttpResponse<String> r = gw.postSigned(body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(messages(good)).isEqualTo(1);
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND outcome = 'undecodable'"
        + " AND detail = 'message' AND payload->'text'->>'body' = ?", TENANT, "no id " + good)).isEqualTo(1);
  }

  @Test
  void metricsCountWebhooksByOutcomeAndExposeAckLatency() {
    gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550006", "E", wamid(), 1L, "m"));
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    gw.post("/webhooks/whatsapp/" + TENANT, body, "application/json", "sha256=00");
    HttpResponse<String> metrics = gw.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    var samples = PrometheusText.parse(metrics.body());
    assertThat(PrometheusText.sum(samples, "switchboard_webhooks_total",
        Map.of("channel", "whatsapp", "outcome", "ok"))).isGreaterThanOrEqualTo(1.0);
    assertThat(PrometheusText.sum(samples, "switchboard_webhooks_total",
        Map.of("channel", "whatsapp", "outcome", "unauthentic"))).isGreaterThanOrEqualTo(1.0);
    assertThat(PrometheusText.sum(samples, "switchboard_webhook_ack_seconds_count",
        Map.of("channel", "whatsapp"))).isGreaterThanOrEqualTo(1.0);
    assertThat(PrometheusText.sum(samples, "switchboard_store_batch_events_count", Map.of())).isGreaterThanOrEqualTo(1.0);
    assertThat(samples.stream().anyMatch(s -> s.name().startsWith("vertx_pool_in_use")
        && "inbox".equals(s.labels().get("pool_name")))).isTrue();
  }

  @Test
  void healthAndReadiness() {
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = gw.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject checks = new JsonObject(ready.body()).getJsonObject("checks");
    assertThat(checks.getString("database")).isEqualTo("up");
    assertThat(checks.getJsonArray("plugins").getList()).contains("whatsapp");
  }
}
