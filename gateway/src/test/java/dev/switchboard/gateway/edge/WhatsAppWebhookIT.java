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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WhatsApp webhooks through the real gateway into the real database. */
class WhatsAppWebhookIT {
  private static final String TENANT = "wa-webhook-it";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    // a chain, so that new messages go through it (without one they are handed over as stored)
    gw = RunningGateway.start(RunningGateway.tenantConfig(TENANT, 100_000, 100_000)
        .put("plugins", RunningGateway.quietChain()), new JsonObject());
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

  /** A business-scoped user id (country code, a dot, digits) no other test uses. */
  private static String userId() {
    return "US." + (1_349_120_865_530_274_191L + IDS.incrementAndGet());
  }

  /** A phone number no other test uses. */
  private static String phone() {
    return "1650" + (5_000_000 + IDS.incrementAndGet() % 4_999_999);
  }

  private static double stored(String type) {
    return gw.metric("switchboard_events_stored_total", Map.of("channel", "whatsapp", "type", type));
  }

  /** contact id, platform_user_id, alt_user_id, phone, username and conversation id of a stored message. */
  private static List<String> party(String wamid) {
    return TestDatabase.row("""
        SELECT m.contact_id::text, k.platform_user_id, k.alt_user_id, k.phone, k.username, m.conversation_id::text
          FROM messages m LEFT JOIN contacts k ON k.id = m.contact_id
         WHERE m.tenant_id = ? AND m.platform_message_id = ?""", TENANT, wamid);
  }

  /** How many contacts know the person by any of these ids. */
  private static long contactsKnownAs(String... ids) {
    return TestDatabase.number("SELECT count(*) FROM contacts WHERE tenant_id = ? AND channel = 'whatsapp' "
        + "AND (platform_user_id = ANY (?) OR alt_user_id = ANY (?))", TENANT, ids, ids);
  }

  @Test
  void aUserWhoHidesThePhoneNumberIsStoredAsAMessageKeyedByTheBusinessScopedId() {
    // the reported defect: no from, no from_user_id, the sender only as the change's one contact's user_id
    String bsuid = userId();
    String id = wamid();
    HttpResponse<String> r = gw.postSigned(WhatsApp.textFromHiddenNumber(RunningGateway.PHONE_NUMBER_ID, bsuid,
        "@jasper.k", "Jasper", id, 1_749_416_383L, "Can I change my delivery address?"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("stored")).isEqualTo(1);
    assertThat(TestDatabase.row("SELECT type::text, text, undecodable FROM messages WHERE tenant_id = ? "
        + "AND platform_message_id = ?", TENANT, id)).containsExactly("text", "Can I change my delivery address?", null);
    List<String> party = party(id);
    assertThat(party.subList(1, 5)).containsExactly(bsuid, null, null, "@jasper.k");
    assertThat(TestDatabase.row("SELECT chat_id FROM conversations WHERE tenant_id = ? AND id = ?::bigint",
        TENANT, party.get(5))).containsExactly(bsuid);
    Awaitility.await("the message is dispatched").atMost(Duration.ofSeconds(15))
        .until(() -> TestDatabase.chainRuns(TENANT, id) == 1);
  }

  /** Posts each body, signed, and expects each to be answered 200. */
  private static void postEach(String... bodies) {
    for (String body : bodies) {
      assertThat(gw.postSigned(body).statusCode()).isEqualTo(200);
    }
  }

  /**
   * The same person writes three times: first without the phone number (business-scoped id only) or
   * first by phone (an older API version), then with both ids, then with the number hidden.
   */
  @ParameterizedTest(name = "first seen by phone: {0}")
  @ValueSource(booleans = {false, true})
  void phoneAndBusinessScopedPayloadsOfOneUserAreOneContactAndOneConversation(boolean firstByPhone) {
    String bsuid = userId();
    String phone = phone();
    String first = wamid();
    String both = wamid();
    String hidden = wamid();

    postEach(
        firstByPhone
            ? WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, phone, "Ines", first, 1_749_416_383L, "hi, it's Ines")
            : WhatsApp.textFromHiddenNumber(RunningGateway.PHONE_NUMBER_ID, bsuid, "@ines", "Ines", first,
                1_749_416_383L, "hi, it's Ines"),
        WhatsApp.textWithUserId(RunningGateway.PHONE_NUMBER_ID, phone, bsuid, "Ines", both, 1_749_416_400L,
            "it's me again"),
        WhatsApp.textFromHiddenNumber(RunningGateway.PHONE_NUMBER_ID, bsuid, "@ines", "Ines", hidden,
            1_749_416_500L, "my number is hidden now"));

    assertThat(contactsKnownAs(bsuid, phone)).as("one contact, known by both ids").isEqualTo(1);
    List<String> party = party(first);
    assertThat(party.subList(1, 5)).as("keyed by the id it was first seen by, the other id linked")
        .containsExactly(firstByPhone ? phone : bsuid, firstByPhone ? bsuid : phone, "+" + phone, "@ines");
    assertThat(party(both)).as("same contact and conversation").isEqualTo(party);
    assertThat(party(hidden)).as("same contact and conversation").isEqualTo(party);
  }

  @Test
  void aReceiptAddressedByBusinessScopedIdFindsItsMessage() {
    String bsuid = userId();
    String phone = phone();
    String answer = wamid();
    postEach(
        WhatsApp.textWithUserId(RunningGateway.PHONE_NUMBER_ID, phone, bsuid, "Noor", wamid(), 1_749_416_383L,
            "Is the shop open today?"),
        WhatsApp.echo(RunningGateway.PHONE_NUMBER_ID, phone, answer, 1_749_416_390L, "Yes, until 6 pm"));

    postEach(WhatsApp.statusToUserId(RunningGateway.PHONE_NUMBER_ID, answer, "read", bsuid, 1_749_416_420L));

    assertThat(status(answer)).isEqualTo("read");
  }

  @Test
  void anOddMessageIsStoredAsUnsupportedFlaggedCountedAndDispatchedWhileTheRestOfTheCallIsStored() {
    String good = wamid();
    double before = stored("message:undecodable");
    // a Meta-shaped call whose second message has no id: it cannot be keyed by its wamid
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550007", "F", good, 1_749_416_383L, "fine")
        .replace("\"type\":\"text\"}]", "\"type\":\"text\"},{\"from\":\"16505550007\",\"timestamp\":\"1749416384\","
            + "\"type\":\"text\",\"text\":{\"body\":\"no id " + good + "\"}}]");
    HttpResponse<String> r = gw.postSigned(body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("stored")).isEqualTo(2);
    assertThat(messages(good)).isEqualTo(1);
    List<String> odd = TestDatabase.row("""
        SELECT m.platform_message_id, m.type::text, m.undecodable, m.direction::text, k.phone,
               (m.conversation_id IS NOT NULL)::text
          FROM messages m JOIN contacts k ON k.id = m.contact_id
         WHERE m.tenant_id = ? AND m.raw->'text'->>'body' = ?""", TENANT, "no id " + good);
    assertThat(odd.get(0)).startsWith("undecodable:");
    assertThat(odd.subList(1, 6)).containsExactly("unsupported", "message without id", "inbound", "+16505550007", "true");
    assertThat(TestDatabase.row("SELECT event_type, outcome, detail FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, odd.get(0))).containsExactly("message:undecodable", "undecodable", "message without id");
    assertThat(stored("message:undecodable")).isEqualTo(before + 1);
    Awaitility.await("the odd message is dispatched").atMost(Duration.ofSeconds(15))
        .until(() -> TestDatabase.chainRuns(TENANT, odd.get(0)) == 1);
  }

  @Test
  void anOddMessageWithoutASenderIsStoredWithoutContactOrConversationAndStillDispatched() {
    String id = wamid();
    // no from, no from_user_id, and no contacts[] to take the sender from
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550008", "G", id, 1_749_416_383L, "who am I")
        .replaceFirst("\"contacts\":\\[[^]]*],", "").replace("\"from\":\"16505550008\",", "");
    assertThat(body).doesNotContain("16505550008");

    assertThat(gw.postSigned(body).statusCode()).isEqualTo(200);

    assertThat(TestDatabase.row("SELECT type::text, undecodable, contact_id, conversation_id, raw->'text'->>'body' "
        + "FROM messages WHERE tenant_id = ? AND platform_message_id = ?", TENANT, id))
        .containsExactly("unsupported", "message without a user id", null, null, "who am I");
    Awaitility.await("the message is dispatched").atMost(Duration.ofSeconds(15))
        .until(() -> TestDatabase.chainRuns(TENANT, id) == 1);
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
