package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.Evolution;
import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sends through Evolution API (faked at its HTTP boundary, answering {@code 201} with the created
 * message as Evolution 2.3 does), and what Evolution's own webhooks about that send do afterwards:
 * the {@code send.message} echo and an older Evolution's {@code fromMe} upsert are the same message,
 * never a second row and never a human takeover; receipts move it to delivered and read.
 */
class EvolutionSendIT {
  private static final String TENANT = "evo-send-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String INSTANCE = "send-main";
  private static final String API_KEY = "C7E822FCDE4D4FD5936544120E71AB12";
  private static final String SEND_TEXT = "/message/sendText/" + INSTANCE;
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static final AtomicLong NUMBERS = new AtomicLong(5511900000000L + System.currentTimeMillis() % 10_000_000L);
  private static FakePlatform evolution;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    evolution = new FakePlatform();
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Evolution send IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("evolution", new JsonObject()
            .put("serverUrl", evolution.baseUrl()).put("instance", INSTANCE).put("apiKey", API_KEY)));
    gw = RunningGateway.start(tenant, new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (evolution != null) {
      evolution.close();
    }
  }

  private static String keyId() {
    return "BAE5" + Long.toHexString(IDS.incrementAndGet()).toUpperCase();
  }

  /** Evolution's answer to {@code sendText}: 201 and the created message (key, status PENDING, …). */
  private static Answer created(String remoteJid, String keyId, String text, long delayMillis) {
    JsonObject body = new JsonObject()
        .put("key", new JsonObject().put("remoteJid", remoteJid).put("fromMe", true).put("id", keyId))
        .put("pushName", "")
        .put("status", "PENDING")
        .put("message", new JsonObject().put("conversation", text))
        .put("messageType", "conversation")
        .put("messageTimestamp", System.currentTimeMillis() / 1000)
        .put("instanceId", Evolution.INSTANCE_ID)
        .put("source", "unknown");
    return new Answer(201, body, Map.of(), delayMillis);
  }

  private static HttpResponse<String> send(String to, String text) {
    return gw.postJson("/v1/messages", new JsonObject().put("channel", "evolution").put("to", to).put("text", text)
        .encode(), "Authorization", "Bearer " + KEY);
  }

  private static HttpResponse<String> webhook(String event, JsonObject data) {
    return gw.postJson("/webhooks/evolution/" + TENANT, Evolution.envelope(event, INSTANCE, API_KEY, data));
  }

  private static JsonObject get(String id) {
    return new JsonObject(gw.get("/v1/messages/" + id, "Authorization", "Bearer " + KEY).body());
  }

  private static void awaitStatus(String id, String status) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> status.equals(get(id).getString("status")));
  }

  private static long rows(String pid) {
    return TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, pid);
  }

  @Test
  void aSentMessageKeepsEvolutionsIdItsEchoesAreNotASecondMessageNorATakeoverAndReceiptsMoveIt() {
    String number = Long.toString(NUMBERS.incrementAndGet());
    String jid = number + "@s.whatsapp.net";
    String keyId = keyId();
    evolution.on(SEND_TEXT, call -> created(jid, keyId, "Your table is booked", 0));
    HttpResponse<String> accepted = send("+" + number, "Your table is booked");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    awaitStatus(id, "sent");
    assertThat(get(id).getString("platformMessageId")).isEqualTo(keyId);
    FakePlatform.Call call = evolution.calls(SEND_TEXT).stream()
        .filter(c -> c.json().getString("text").equals("Your table is booked")).findFirst().orElseThrow();
    assertThat(call.headers().get("apikey")).isEqualTo(API_KEY);
    assertThat(call.json().getString("number")).isEqualTo(jid);

    long now = System.currentTimeMillis() / 1000;
    assertThat(webhook("send.message", Evolution.text(jid, true, keyId, "", now, "Your table is booked", "PENDING"))
        .statusCode()).isEqualTo(200);
    assertThat(webhook("messages.upsert", Evolution.text(jid, true, keyId, "", now, "Your table is booked", "SERVER_ACK"))
        .statusCode()).isEqualTo(200);
    assertThat(rows(keyId)).isEqualTo(1);
    assertThat(TestDatabase.row("SELECT author, direction FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, keyId)).containsExactly("business_api", "outbound");
    assertThat(TestDatabase.row("SELECT c.status FROM conversations c WHERE c.tenant_id = ? AND c.chat_id = ?",
        TENANT, jid)).containsExactly("active");

    assertThat(webhook("messages.update", Evolution.receipt(jid, keyId, true, "DELIVERY_ACK")).statusCode()).isEqualTo(200);
    awaitStatus(id, "delivered");
    assertThat(get(id).getString("deliveredAt")).isNotNull();
    assertThat(webhook("messages.update", Evolution.receipt(jid, keyId, true, "READ")).statusCode()).isEqualTo(200);
    awaitStatus(id, "read");
    assertThat(get(id).getString("readAt")).isNotNull();
  }

  @Test
  void anEchoThatArrivesBeforeTheSendIsRecordedIsFoldedIntoTheSentMessageAndLiftsTheFalsePause() {
    String number = Long.toString(NUMBERS.incrementAndGet());
    String jid = number + "@s.whatsapp.net";
    String keyId = keyId();
    // Evolution answers slowly; its webhooks about the same message come first (an older Evolution
    // reports the API send as a fromMe upsert, which on its own reads as a person typing on the phone).
    // The answer is held until the upsert has been seen to pause the conversation.
    CompletableFuture<Answer> release = new CompletableFuture<>();
    evolution.on(SEND_TEXT, call -> Answer.when(release));
    String id;
    try {
      id = new JsonObject(send(number, "On my way").body()).getString("id");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !evolution.calls(SEND_TEXT).stream()
          .filter(c -> "On my way".equals(c.json().getString("text"))).toList().isEmpty());
      long now = System.currentTimeMillis() / 1000;
      assertThat(webhook("messages.upsert", Evolution.text(jid, true, keyId, "", now, "On my way", "SERVER_ACK"))
          .statusCode()).isEqualTo(200);
      assertThat(TestDatabase.row("SELECT c.status FROM conversations c WHERE c.tenant_id = ? AND c.chat_id = ?",
          TENANT, jid)).containsExactly("paused");
      assertThat(get(id).getString("status")).as("the send is not recorded before Evolution answers")
          .isNotEqualTo("sent");
    } finally {
      release.complete(created(jid, keyId, "On my way", 0)); // never leave the request held open
    }

    awaitStatus(id, "sent");
    assertThat(rows(keyId)).isEqualTo(1);
    assertThat(get(id).getString("platformMessageId")).isEqualTo(keyId);
    assertThat(TestDatabase.row("SELECT author FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, keyId)).containsExactly("business_api");
    assertThat(TestDatabase.row("SELECT c.status FROM conversations c WHERE c.tenant_id = ? AND c.chat_id = ?",
        TENANT, jid)).containsExactly("active");
  }
}
