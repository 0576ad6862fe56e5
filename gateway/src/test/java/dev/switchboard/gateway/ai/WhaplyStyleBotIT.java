package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.Evolution;
import dev.switchboard.gateway.testing.FakeModel;
import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Built-in AI responder" tenant, as a Whaply-style bot: an Evolution instance, the
 * tenant's system prompt, the {@code llm} plugin and human takeover. It answers a customer through
 * a local fake model, stops answering while a person answers from the phone, and answers again once
 * the takeover expires — with what the person wrote in the model's history.
 */
class WhaplyStyleBotIT {
  private static final String TENANT = "whaply-it";
  private static final String INSTANCE = "casa-rosa";
  private static final String EVO_KEY = "D8F933FCDE4D4FD5936544120E71AB12";
  private static final String MODEL_KEY = "sk-test-whaply-0123456789";
  private static final String SYSTEM = "You are the WhatsApp assistant of Casa Rosa, a restaurant in Lisbon. "
      + "Answer in the customer's language, briefly. Opening hours: 12:00-23:00.";
  private static final String SEND_TEXT = "/message/sendText/" + INSTANCE;
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static FakeModel model;
  private static FakePlatform evolution;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    System.setProperty("switchboard.housekeeping.intervalMillis", "250");
    model = new FakeModel(MODEL_KEY, 1536);
    evolution = new FakePlatform();
    evolution.on(SEND_TEXT, call -> new FakePlatform.Answer(201, new JsonObject()
        .put("key", new JsonObject().put("remoteJid", call.json().getString("number")).put("fromMe", true)
            .put("id", "BAE5" + Long.toHexString(IDS.incrementAndGet()).toUpperCase()))
        .put("status", "PENDING").put("message", new JsonObject().put("conversation", call.json().getString("text")))
        .put("messageType", "conversation").put("messageTimestamp", System.currentTimeMillis() / 1000)));
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Casa Rosa")
        .put("apiKeys", new JsonArray().add("key-" + TENANT + "-0123456789abcdef"))
        .put("takeover", new JsonObject().put("autoResumeAfter", "PT8S"))
        .put("channels", new JsonObject().put("evolution", new JsonObject()
            .put("serverUrl", evolution.baseUrl()).put("instance", INSTANCE).put("apiKey", EVO_KEY)))
        .put("plugins", new JsonArray().add(new JsonObject().put("type", "llm").put("baseUrl", model.baseUrl())
            .put("apiKey", MODEL_KEY).put("model", "gpt-4o-mini").put("systemPrompt", SYSTEM).put("historyMessages", 12)
            .put("fallbackReply", "Desculpe, um colega responde já.")));
    gw = RunningGateway.start(tenant, new JsonObject());
  }

  @AfterAll
  static void stop() {
    System.clearProperty("switchboard.housekeeping.intervalMillis");
    if (gw != null) {
      gw.close();
    }
    if (evolution != null) {
      evolution.close();
    }
    if (model != null) {
      model.close();
    }
  }

  private static void upsert(String jid, boolean fromMe, String text) {
    String id = "3EB0" + Long.toHexString(IDS.incrementAndGet()).toUpperCase();
    assertThat(gw.postJson("/webhooks/evolution/" + TENANT, Evolution.envelope("messages.upsert", INSTANCE, EVO_KEY,
        Evolution.text(jid, fromMe, id, fromMe ? "Casa Rosa" : "Maria", System.currentTimeMillis() / 1000, text,
            fromMe ? "SERVER_ACK" : "DELIVERY_ACK"))).statusCode()).isEqualTo(200);
  }

  private static List<String> sentTo(String jid) {
    return evolution.calls(SEND_TEXT).stream().filter(c -> jid.equals(c.json().getString("number")))
        .map(c -> c.json().getString("text")).toList();
  }

  private static String status(String jid) {
    return TestDatabase.row("SELECT status::text FROM conversations WHERE tenant_id = ? AND chat_id = ? "
        + "AND status <> 'closed'", TENANT, jid).get(0);
  }

  @Test
  void answersCustomersStopsWhileAPersonTakesOverAndResumesAfterwards() {
    String jid = "3519" + (10_000_000 + IDS.get() % 89_999_999) + "@s.whatsapp.net";
    upsert(jid, false, "Têm mesa para dois hoje?");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> sentTo(jid).contains("You said: Têm mesa para dois hoje?"));
    FakeModel.Call first = model.chatsAbout("Têm mesa para dois hoje?").get(0);
    assertThat(FakeModel.system(first)).isEqualTo(SYSTEM);

    upsert(jid, true, "Olá Maria, temos às 20h. Reservo?");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "paused".equals(status(jid)));
    upsert(jid, false, "Sim, por favor");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> TestDatabase.number("SELECT count(*) FROM messages "
        + "WHERE tenant_id = ? AND text = 'Sim, por favor' AND dispatch_hold = 'human_takeover'", TENANT) == 1);
    Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> model.chatsAbout("Sim, por favor").isEmpty());

    // the takeover expires 7-8 s after the person's reply (whole-second timestamps), then a housekeeping beat
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(status(jid)));
    upsert(jid, false, "Obrigada! Até logo");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> sentTo(jid).contains("You said: Obrigada! Até logo"));
    assertThat(model.chatsAbout("Sim, por favor")).isEmpty();
    assertThat(sentTo(jid)).containsExactly("You said: Têm mesa para dois hoje?", "You said: Obrigada! Até logo");
    assertThat(model.chatsAbout("Obrigada! Até logo").get(0).messages())
        .extracting(m -> m.getString("role") + ": " + m.getString("content")).containsExactly(
            "system: " + SYSTEM,
            "user: Têm mesa para dois hoje?",
            "assistant: You said: Têm mesa para dois hoje?",
            "assistant: Olá Maria, temos às 20h. Reservo?",
            "user: Sim, por favor",
            "user: Obrigada! Até logo");
    // the reply's send can be seen before its ai_requests row is written
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(TestDatabase.number("SELECT count(*) FROM ai_requests WHERE tenant_id = ? AND outcome = 'ok'", TENANT))
            .isEqualTo(2));
    assertThat(Map.of("memory", new JsonObject(gw.get("/ready").body()).getJsonObject("checks").getString("memory")))
        .containsEntry("memory", "unavailable (the server has no pgvector extension)");
  }
}
