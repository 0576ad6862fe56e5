package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.Evolution;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Evolution API webhooks through the real gateway into the real database, and human takeover. */
class EvolutionWebhookIT {
  private static final String TENANT = "evo-webhook-it";
  private static final String INSTANCE = "acme-main";
  private static final String API_KEY = "B6D711FCDE4D4FD5936544120E713976";
  private static final String ADMIN = "admin-token-evo-0123456789";
  private static final String PATH = "/webhooks/evolution/" + TENANT;
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  /** Messages handed to the tenant's plugins, by platform message id. */
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    System.setProperty("switchboard.housekeeping.intervalMillis", "250");
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Evolution IT")
        .put("apiKeys", new JsonArray().add("key-" + TENANT + "-0123456789abcdef"))
        .put("takeover", new JsonObject().put("autoResumeAfter", "PT8S"))
        .put("channels", new JsonObject().put("evolution", new JsonObject()
            .put("serverUrl", "http://127.0.0.1:9").put("instance", INSTANCE).put("apiKey", API_KEY)))
        // a chain, so that new messages go through it (without one they are handed over as stored)
        .put("plugins", RunningGateway.quietChain());
    gw = RunningGateway.start(tenant, new JsonObject().put("admin", new JsonObject().put("token", ADMIN)));
  }

  @AfterAll
  static void stop() {
    System.clearProperty("switchboard.housekeeping.intervalMillis");
    if (gw != null) {
      gw.close();
    }
  }

  private static String id() {
    return "3EB0" + Long.toHexString(IDS.incrementAndGet()).toUpperCase() + "A1B2";
  }

  private static String jid() {
    return "5511" + (900_000_000L + IDS.incrementAndGet() % 99_999_999L) + "@s.whatsapp.net";
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static HttpResponse<String> post(String event, JsonObject data) {
    return gw.postJson(PATH, Evolution.envelope(event, INSTANCE, API_KEY, data));
  }

  private static List<String> message(String pid, String columns) {
    return TestDatabase.row("SELECT " + columns + " FROM messages m WHERE m.tenant_id = ? AND m.platform_message_id = ?",
        TENANT, pid);
  }

  private static List<String> conversation(String chat) {
    return TestDatabase.row("SELECT status::text, paused_reason, (last_human_at IS NOT NULL)::text FROM conversations "
        + "WHERE tenant_id = ? AND channel = 'evolution' AND chat_id = ? AND status <> 'closed'", TENANT, chat);
  }

  /** Whether the message went through the tenant's (one-entry) chain, once. */
  private static boolean dispatched(String id) {
    return TestDatabase.chainRuns(TENANT, id) == 1;
  }

  private static void eventually(String what, Callable<Boolean> condition) {
    eventually(what, Duration.ofSeconds(15), condition);
  }

  private static void eventually(String what, Duration atMost, Callable<Boolean> condition) {
    Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(50)).until(condition);
  }


  @Test
  void inboundTextIsStoredOnceAndDispatchedOnceEvenWhenDeliveredTwice() {
    String chat = jid();
    String id = id();
    JsonObject data = Evolution.text(chat, false, id, "João", 1_785_100_386L, "Olá, bom dia", "DELIVERY_ACK");

    assertThat(post("messages.upsert", data).statusCode()).isEqualTo(200);
    HttpResponse<String> again = post("messages.upsert", data);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getInteger("duplicates")).isEqualTo(1);
    assertThat(message(id, "m.direction::text, m.author::text, m.text, extract(epoch FROM m.platform_ts)::bigint, m.account_ref"))
        .containsExactly("inbound", "contact", "Olá, bom dia", "1785100386", INSTANCE);
    assertThat(TestDatabase.row("SELECT k.phone, k.display_name FROM messages m JOIN contacts k ON k.id = m.contact_id "
        + "WHERE m.tenant_id = ? AND m.platform_message_id = ?", TENANT, id))
        .containsExactly("+" + chat.substring(0, chat.indexOf('@')), "João");
    eventually("the message is dispatched", () -> dispatched(id));
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, INSTANCE + ":" + id + ":false")).isEqualTo(1);
  }

  @Test
  void wrongKeyOrWrongInstanceIs401AndStoresNothing() {
    String id = id();
    JsonObject data = Evolution.text(jid(), false, id, "X", now(), "hi", "DELIVERY_ACK");

    HttpResponse<String> wrongKey = gw.postJson(PATH, Evolution.envelope("messages.upsert", INSTANCE, "nope", data));
    HttpResponse<String> noKey = gw.postJson(PATH, Evolution.envelope("messages.upsert", INSTANCE, null, data));
    HttpResponse<String> otherInstance = gw.postJson(PATH, Evolution.envelope("messages.upsert", "other", API_KEY, data));
    HttpResponse<String> headerKey = gw.postJson(PATH, Evolution.envelope("messages.upsert", INSTANCE, null, data),
        "apikey", API_KEY);

    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(otherInstance.statusCode()).isEqualTo(401);
    assertThat(headerKey.statusCode()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, id)).isEqualTo(1);
  }

  @Test
  void aHumanReplyFromThePhonePausesTheBotUntilTheTakeoverExpires() {
    String chat = jid();
    String before = id();
    assertThat(post("messages.upsert", Evolution.text(chat, false, before, "Maria", now(), "Quero falar com alguém", "DELIVERY_ACK"))
        .statusCode()).isEqualTo(200);
    eventually("the first message is dispatched", () -> dispatched(before));

    String human = id();
    assertThat(post("messages.upsert", Evolution.text(chat, true, human, "Loja", now(), "Oi Maria, sou eu", "SERVER_ACK"))
        .statusCode()).isEqualTo(200);
    assertThat(message(human, "m.direction::text, m.author::text")).containsExactly("outbound", "business_human");
    assertThat(conversation(chat)).containsExactly("paused", "human_takeover", "true");

    String during = id();
    assertThat(post("messages.upsert", Evolution.text(chat, false, during, "Maria", now(), "Obrigada!", "DELIVERY_ACK"))
        .statusCode()).isEqualTo(200);
    assertThat(message(during, "m.dispatch_hold")).containsExactly("human_takeover");

    // whole-second timestamps: the pause lasts 7-8 s, so allow it and the housekeeping beat after it
    eventually("the takeover expires (autoResumeAfter PT8S)", Duration.ofSeconds(20),
        () -> "active".equals(conversation(chat).get(0)));
    assertThat(conversation(chat)).containsExactly("active", null, "true");

    String after = id();
    assertThat(post("messages.upsert", Evolution.text(chat, false, after, "Maria", now(), "Mais uma coisa", "DELIVERY_ACK"))
        .statusCode()).isEqualTo(200);
    eventually("the bot is back on the conversation", () -> dispatched(after));
    // a conversation's messages go through the chain in order, so had it been queued it would have run by now
    assertThat(TestDatabase.chainRuns(TENANT, during)).as("a message stored while paused is never dispatched").isZero();
    assertThat(PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()),
        "switchboard_takeover_signals_total", Map.of("channel", "evolution"))).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void ourOwnApiSendsEchoedBackAreOutboundAndDoNotPauseTheBot() {
    String chat = jid();
    String sent = id();
    JsonObject echo = Evolution.text(chat, true, sent, "Você", now(), "Seu pedido saiu para entrega", "PENDING");
    double signals = signals();

    assertThat(post("send.message", echo).statusCode()).isEqualTo(200);
    // some Evolution versions also emit the API send as a fromMe messages.upsert: the id is known
    HttpResponse<String> upsert = post("messages.upsert", echo.copy().put("status", "SERVER_ACK"));

    assertThat(upsert.statusCode()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, sent)).isEqualTo(1);
    assertThat(message(sent, "m.direction::text, m.author::text")).containsExactly("outbound", "business_api");
    assertThat(conversation(chat)).containsExactly("active", null, "false");
    assertThat(signals()).as("the upsert of a known API send is no takeover signal").isEqualTo(signals);
  }

  @Test
  void anApiSendFirstReportedAsTypedOnThePhoneIsCorrectedByItsEchoAndTheBotResumes() {
    String chat = jid();
    String sent = id();
    JsonObject data = Evolution.text(chat, true, sent, "Você", now(), "Seu pedido saiu para entrega", "SERVER_ACK");
    double before = corrections();

    // an older Evolution: the upsert of our own API send comes before its send.message echo
    assertThat(post("messages.upsert", data).statusCode()).isEqualTo(200);
    assertThat(conversation(chat)).containsExactly("paused", "human_takeover", "true");
    assertThat(post("send.message", data.copy().put("status", "PENDING")).statusCode()).isEqualTo(200);

    assertThat(message(sent, "m.direction::text, m.author::text")).containsExactly("outbound", "business_api");
    assertThat(conversation(chat)).as("no person wrote: the pause is lifted at once")
        .containsExactly("active", null, "false");
    assertThat(corrections()).isEqualTo(before + 1);
    String next = id();
    assertThat(post("messages.upsert", Evolution.text(chat, false, next, "Ana", now(), "Obrigada", "DELIVERY_ACK"))
        .statusCode()).isEqualTo(200);
    eventually("the bot answers the conversation again", () -> dispatched(next));
  }

  @Test
  void aCorrectedApiSendKeepsThePauseOfARealHumanReply() {
    String chat = jid();
    String human = id();
    assertThat(post("messages.upsert", Evolution.text(chat, true, human, "Loja", now(), "Deixa comigo", "SERVER_ACK"))
        .statusCode()).isEqualTo(200);
    String sent = id();
    JsonObject data = Evolution.text(chat, true, sent, "Você", now(), "Mensagem automática", "SERVER_ACK");
    assertThat(post("messages.upsert", data).statusCode()).isEqualTo(200);
    assertThat(post("send.message", data).statusCode()).isEqualTo(200);

    assertThat(message(sent, "m.author::text")).containsExactly("business_api");
    assertThat(message(human, "m.author::text")).containsExactly("business_human");
    assertThat(conversation(chat)).containsExactly("paused", "human_takeover", "true");
  }

  @Test
  void anUpsertAndTheApiEchoOfOneSendArrivingTogetherNeverPauseTheBot() throws Exception {
    int sends = 12;
    List<String> chats = new java.util.ArrayList<>();
    List<String> ids = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < sends; i++) {
        String chat = jid();
        String sent = id();
        chats.add(chat);
        ids.add(sent);
        JsonObject data = Evolution.text(chat, true, sent, "Você", now(), "Resposta " + i, "SERVER_ACK");
        answers.add(pool.submit(() -> post("messages.upsert", data)));
        answers.add(pool.submit(() -> post("send.message", data.copy().put("status", "PENDING"))));
      }
      for (var answer : answers) {
        assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < sends; i++) {
      assertThat(message(ids.get(i), "m.author::text")).containsExactly("business_api");
      assertThat(conversation(chats.get(i))).as("conversation of send %d", i).containsExactly("active", null, "false");
    }
  }

  private static double signals() {
    return gw.metric("switchboard_takeover_signals_total", Map.of("channel", "evolution"));
  }

  private static double corrections() {
    return gw.metric("switchboard_takeover_corrections_total", Map.of("channel", "evolution"));
  }

  private static double stored(String type) {
    return gw.metric("switchboard_events_stored_total", Map.of("channel", "evolution", "type", type));
  }

  @Test
  void anOddMessageIsStoredAsUnsupportedFlaggedCountedAndDispatched() {
    String id = id();
    // an upsert whose key has lost its remoteJid: the message is there, whom it is with is not
    JsonObject data = Evolution.text(jid(), false, id, "João", 1_785_100_386L, "Oi, tudo bem?", "DELIVERY_ACK");
    data.getJsonObject("key").remove("remoteJid");
    double before = stored("message:undecodable");

    assertThat(post("messages.upsert", data).statusCode()).isEqualTo(200);

    assertThat(message(id, "m.type::text, m.undecodable, m.direction::text, m.contact_id, m.conversation_id, "
        + "m.raw->'message'->>'conversation'")).containsExactly("unsupported",
        "messages.upsert: key.remoteJid is missing or not a JID", "inbound", null, null, "Oi, tudo bem?");
    assertThat(TestDatabase.row("SELECT event_type, outcome FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, INSTANCE + ":" + id + ":false")).containsExactly("message:undecodable", "undecodable");
    assertThat(stored("message:undecodable")).isEqualTo(before + 1);
    eventually("the odd message is dispatched", () -> dispatched(id));
  }


  @Test
  void receiptsAdvanceTheStatusNeverBackwardsEvenWhenTheyArriveBeforeTheMessage() {
    String chat = jid();
    String sent = id();
    assertThat(post("messages.update", Evolution.receipt(chat, sent, true, "DELIVERY_ACK")).statusCode()).isEqualTo(200);
    assertThat(post("send.message", Evolution.text(chat, true, sent, "Você", now(), "Pedido confirmado", "PENDING"))
        .statusCode()).isEqualTo(200);
    assertThat(message(sent, "m.status::text")).containsExactly("delivered");

    assertThat(post("messages.update", Evolution.receipt(chat, sent, true, "READ")).statusCode()).isEqualTo(200);
    assertThat(post("messages.update", Evolution.receipt(chat, sent, true, "SERVER_ACK")).statusCode()).isEqualTo(200);
    assertThat(message(sent, "m.status::text")).containsExactly("read");
  }

  @Test
  void connectionStateIsShownInReadyAndAsAGauge() {
    assertThat(post("connection.update", Evolution.connection(INSTANCE, "close", 401)).statusCode()).isEqualTo(200);
    JsonObject ready = new JsonObject(gw.get("/ready", "Authorization", "Bearer " + ADMIN).body());
    JsonObject account = ready.getJsonObject("checks").getJsonArray("accounts").stream()
        .map(JsonObject.class::cast).filter(a -> TENANT.equals(a.getString("tenant"))).findFirst().orElseThrow();
    assertThat(account.getString("state")).isEqualTo("close");
    assertThat(account.getBoolean("up")).isFalse();
    JsonObject anonymous = new JsonObject(gw.get("/ready").body());
    assertThat(anonymous.encode()).as("no tenant names without the admin token").doesNotContain(TENANT);

    assertThat(gw.postJson(PATH, Evolution.envelope("connection.update", INSTANCE, API_KEY,
        Evolution.connection(INSTANCE, "open", 200)).replace("18:13:30.262Z", "18:14:00.000Z")).statusCode())
        .isEqualTo(200);
    eventually("the gauge says the account is up", () -> PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()),
        "switchboard_channel_account_up", Map.of("tenant", TENANT, "channel", "evolution")) == 1.0);
  }

  @Test
  void aQrCodeUpdateIsRecordedWithoutTheQrCode() {
    JsonObject qr = new JsonObject().put("qrcode", new JsonObject().put("instance", INSTANCE).put("pairingCode", "WZYEH1YY")
        .put("code", "2@y8eK+bjtEjUWy9/FOM+MXQ==,Tly5nd3Yt1tUGBYB+Ij7hnG1FbPW2pcYwqGKm4k0aRc=,0fSwhB3gvj1Y5bG2K0pRnQ==")
        .put("base64", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAQAAAAEACAYAAAB7"));
    assertThat(post("qrcode.updated", qr).statusCode()).isEqualTo(200);
    List<String> row = TestDatabase.row("SELECT payload::text FROM inbound_events WHERE tenant_id = ? "
        + "AND event_type = 'notice:account_state' AND payload::text LIKE '%qrcode%' ORDER BY received_at DESC LIMIT 1", TENANT);
    assertThat(row).isNotNull();
    assertThat(row.get(0)).doesNotContain("2@y8eK").doesNotContain("iVBORw0KGgo").doesNotContain("WZYEH1YY");
  }

  @Test
  void statusBroadcastIsAcknowledgedButNotStoredAsAMessage() {
    String id = id();
    HttpResponse<String> r = post("messages.upsert",
        Evolution.text("status@broadcast", false, id, "Someone", now(), "my story", "DELIVERY_ACK")
            .put("key", new JsonObject().put("remoteJid", "status@broadcast").put("fromMe", false).put("id", id)
                .put("participant", jid())));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, id)).isZero();
  }
}
