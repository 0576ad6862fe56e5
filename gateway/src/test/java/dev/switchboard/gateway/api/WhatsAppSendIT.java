package dev.switchboard.gateway.api;

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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WhatsApp Cloud API sends through the real gateway, with the Graph API faked at its HTTP boundary:
 * the 24-hour window (free-form refused, templates allowed), the receipts that move a sent message
 * to delivered and read, and an expired token that flags the account.
 */
class WhatsAppSendIT {
  private static final String TENANT = "wa-send-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String TOKEN = "EAAGm0PX4ZCpsBA-test-token-0123456789";
  private static final String ADMIN = "admin-token-wa-send-0123456789";
  private static final String MESSAGES = "/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages";
  private static final AtomicLong PHONES = new AtomicLong(14_155_500_000L + System.currentTimeMillis() % 90_000L);
  private static final AtomicLong WAMIDS = new AtomicLong(System.currentTimeMillis());
  private static FakePlatform graph;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    graph = new FakePlatform();
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "WhatsApp send IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("whatsapp", new JsonObject()
            .put("phoneNumberId", RunningGateway.PHONE_NUMBER_ID).put("appSecret", RunningGateway.APP_SECRET)
            .put("verifyToken", RunningGateway.VERIFY_TOKEN).put("accessToken", TOKEN)
            .put("apiBaseUrl", graph.baseUrl() + "/v23.0")));
    gw = RunningGateway.start(tenant, new JsonObject().put("admin", new JsonObject().put("token", ADMIN)));
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

  @BeforeEach
  void graphAcceptsSends() {
    graph.on(MESSAGES, WhatsAppSendIT::accepted);
  }

  /** Meta's answer to a send: the contact and the new message's wamid. */
  static Answer accepted(FakePlatform.Call call) {
    String to = call.json().getString("to");
    return new Answer(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", to).put("wa_id", to)))
        .put("messages", new JsonArray().add(new JsonObject()
            .put("id", "wamid.HBgL" + Long.toHexString(WAMIDS.incrementAndGet()).toUpperCase() + "FQIAERgS"))));
  }

  private static String phone() {
    return Long.toString(PHONES.incrementAndGet());
  }

  private static HttpResponse<String> send(JsonObject body) {
    return gw.postJson("/v1/messages", body.put("channel", "whatsapp").encode(), "Authorization", "Bearer " + KEY);
  }

  private static JsonObject get(String id) {
    return new JsonObject(gw.get("/v1/messages/" + id, "Authorization", "Bearer " + KEY).body());
  }

  private static JsonObject awaitStatus(String id, String status) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> status.equals(get(id).getString("status")));
    return get(id);
  }

  private static void inbound(String from, long secondsAgo) {
    long ts = System.currentTimeMillis() / 1000 - secondsAgo;
    String wamid = "wamid.IN" + Long.toHexString(WAMIDS.incrementAndGet()).toUpperCase();
    assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Kerry", wamid, ts, "hi"))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aReplyInsideTheWindowIsSentAndItsReceiptsMoveItToDeliveredAndRead() {
    String customer = phone();
    inbound(customer, 60);
    HttpResponse<String> r = send(new JsonObject().put("to", "+" + customer).put("text", "Your order is on its way"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = new JsonObject(r.body()).getString("id");
    JsonObject sent = awaitStatus(id, "sent");
    String wamid = sent.getString("platformMessageId");
    assertThat(wamid).startsWith("wamid.");
    FakePlatform.Call call = graph.calls(MESSAGES).stream().filter(c -> customer.equals(c.json().getString("to")))
        .findFirst().orElseThrow();
    assertThat(call.headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(call.json().getJsonObject("text").getString("body")).isEqualTo("Your order is on its way");

    long now = System.currentTimeMillis() / 1000;
    assertThat(gw.postSigned(WhatsApp.status(RunningGateway.PHONE_NUMBER_ID, wamid, "delivered", customer, now))
        .statusCode()).isEqualTo(200);
    assertThat(awaitStatus(id, "delivered").getString("deliveredAt")).isNotNull();
    assertThat(gw.postSigned(WhatsApp.status(RunningGateway.PHONE_NUMBER_ID, wamid, "read", customer, now))
        .statusCode()).isEqualTo(200);
    assertThat(awaitStatus(id, "read").getString("readAt")).isNotNull();
  }

  @Test
  void freeFormOutsideTheWindowIsRefusedAndATemplateIsAllowed() {
    String stale = phone();
    inbound(stale, 25 * 3600);
    long before = TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT);
    HttpResponse<String> refused = send(new JsonObject().put("to", stale).put("text", "Still there?"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("outside_window");
    assertThat(error.getString("message")).contains("24 hours").contains("template");
    HttpResponse<String> never = send(new JsonObject().put("to", phone()).put("text", "Hello stranger"));
    assertThat(never.statusCode()).isEqualTo(422);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT)).isEqualTo(before);

    HttpResponse<String> template = send(new JsonObject().put("to", stale).put("template", new JsonObject()
        .put("name", "order_update").put("language", "en_US").put("components", new JsonArray().add(new JsonObject()
            .put("type", "body").put("parameters", new JsonArray().add(new JsonObject().put("type", "text")
                .put("text", "#1234")))))));
    assertThat(template.statusCode()).as(template.body()).isEqualTo(202);
    awaitStatus(new JsonObject(template.body()).getString("id"), "sent");
    JsonObject body = graph.calls(MESSAGES).stream().map(FakePlatform.Call::json)
        .filter(j -> stale.equals(j.getString("to"))).findFirst().orElseThrow();
    assertThat(body.getString("type")).isEqualTo("template");
    assertThat(body.getJsonObject("template").getString("name")).isEqualTo("order_update");
    assertThat(body.getJsonObject("template").getJsonObject("language").getString("code")).isEqualTo("en_US");
  }

  @Test
  void anExpiredTokenFailsTheSendAndFlagsTheAccountDown() {
    String customer = phone();
    inbound(customer, 30);
    graph.on(MESSAGES, call -> new Answer(401, new JsonObject().put("error", new JsonObject()
        .put("message", "Error validating access token: Session has expired on Tuesday, 01-Dec-26 10:00:00 PST.")
        .put("type", "OAuthException").put("code", 190).put("error_subcode", 463)
        .put("fbtrace_id", "AbCdEfGhIjK"))));
    String id = new JsonObject(send(new JsonObject().put("to", customer).put("text", "hi")).body()).getString("id");
    JsonObject failed = awaitStatus(id, "failed");
    assertThat(failed.getJsonObject("error").getString("platformCode")).isNotBlank();
    assertThat(failed.encode()).doesNotContain(TOKEN);
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject ready = new JsonObject(gw.get("/ready", "Authorization", "Bearer " + ADMIN).body());
      JsonObject account = ready.getJsonObject("checks").getJsonArray("accounts").stream().map(JsonObject.class::cast)
          .filter(a -> TENANT.equals(a.getString("tenant"))).findFirst().orElseThrow();
      assertThat(account.getBoolean("up")).isFalse();
      assertThat(account.getString("state")).isEqualTo("unauthorized");
    });
    Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()), "switchboard_channel_account_up",
            Map.of("tenant", TENANT, "channel", "whatsapp"))).isEqualTo(0.0));

    graph.on(MESSAGES, WhatsAppSendIT::accepted);
    String next = new JsonObject(send(new JsonObject().put("to", customer).put("text", "hi again")).body()).getString("id");
    awaitStatus(next, "sent");
    JsonObject ready = new JsonObject(gw.get("/ready", "Authorization", "Bearer " + ADMIN).body());
    assertThat(ready.getJsonObject("checks").getJsonArray("accounts").stream().map(JsonObject.class::cast)
        .noneMatch(a -> TENANT.equals(a.getString("tenant")) && !a.getBoolean("up"))).isTrue();
  }
}
