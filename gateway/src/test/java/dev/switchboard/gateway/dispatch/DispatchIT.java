package dev.switchboard.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestBot;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole bot turn through the real gateway: a signed WhatsApp webhook is stored, forwarded to the
 * tenant's bot (which checks the signature with its own code), the bot's reply comes back in its
 * answer and is sent through the WhatsApp sender to a fake Graph API, and the platform's receipt
 * marks the reply delivered. Also: a bot down for a while, a bot down for good (dead letter and
 * replay), order with a slow bot, a paused conversation, and an auto-reply before the bot.
 */
class DispatchIT {
  private static final String TENANT = "dispatch-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final byte[] BOT_KEY = "dispatch-it-bot-signing-key-0123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(BOT_KEY);
  private static final String ADMIN = "admin-token-dispatch-it-012345";
  private static final String MESSAGES = "/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages";
  private static final AtomicLong PHONES = new AtomicLong(14_155_600_000L + System.currentTimeMillis() % 90_000L);
  private static final AtomicLong WAMIDS = new AtomicLong(System.currentTimeMillis());
  private static FakePlatform graph;
  private static TestBot bot;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    graph = new FakePlatform();
    bot = new TestBot(BOT_KEY);
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Dispatch IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("whatsapp", new JsonObject()
            .put("phoneNumberId", RunningGateway.PHONE_NUMBER_ID).put("appSecret", RunningGateway.APP_SECRET)
            .put("verifyToken", RunningGateway.VERIFY_TOKEN).put("accessToken", "EAAG-dispatch-it-token-0123")
            .put("apiBaseUrl", graph.baseUrl() + "/v23.0")))
        .put("plugins", new JsonArray()
            .add(new JsonObject().put("type", "auto-reply").put("rules", new JsonArray()
                .add(new JsonObject().put("match", "(?i)^hours").put("reply", "We are open 9-17."))))
            .add(new JsonObject().put("type", "forward").put("url", bot.url()).put("secret", SECRET)
                .put("timeout", "PT2S").put("maxAttempts", 3)));
    gw = RunningGateway.start(tenant, new JsonObject().put("admin", new JsonObject().put("token", ADMIN))
        .put("dispatch", new JsonObject().put("backoffBase", "PT0.1S").put("backoffMax", "PT0.3S"))
        .put("outbound", new JsonObject().put("pacing", new JsonObject().put("whatsapp", new JsonObject()
            .put("recipient", new JsonObject().put("perSecond", 100).put("burst", 100))))));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (bot != null) {
      bot.close();
    }
    if (graph != null) {
      graph.close();
    }
  }

  @BeforeEach
  void platformAndBotAnswer() {
    graph.on(MESSAGES, call -> new Answer(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", call.json().getString("to"))
            .put("wa_id", call.json().getString("to"))))
        .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.OUT" + WAMIDS.incrementAndGet())))));
    bot.answer(e -> TestBot.Answer.ok());
  }

  private static String phone() {
    return Long.toString(PHONES.incrementAndGet());
  }

  private static String inbound(String from, String text) {
    String wamid = "wamid.IN" + Long.toHexString(WAMIDS.incrementAndGet()).toUpperCase();
    HttpResponse<String> r = gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Kerry Fisher", wamid,
        System.currentTimeMillis() / 1000, text));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return wamid;
  }

  private static List<FakePlatform.Call> sentTo(String phone) {
    return graph.calls(MESSAGES).stream().filter(c -> phone.equals(c.json().getString("to"))).toList();
  }

  @Test
  void aMessageIsForwardedSignedTheBotsReplyIsSentAndItsReceiptMarksItDelivered() {
    String customer = phone();
    // the bot's answer is set before the webhook: dispatch may reach the bot before post() returns
    bot.answer(e -> TestBot.Answer.replies(new JsonObject().put("text", "It ships today.")));
    String wamid = inbound(customer, "Where is my order?");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !bot.eventsFor(wamid).isEmpty());
    TestBot.Event event = bot.eventsFor(wamid).get(0);
    assertThat(event.signatureValid()).isTrue();
    JsonObject json = event.json();
    assertThat(json.getString("type")).isEqualTo("message.received");
    assertThat(json.getInteger("version")).isEqualTo(1);
    assertThat(json.getString("id")).isEqualTo(event.webhookId()).startsWith("evt_");
    assertThat(json.getString("tenant")).isEqualTo(TENANT);
    assertThat(json.getString("channel")).isEqualTo("whatsapp");
    assertThat(json.getJsonObject("conversation").getString("id")).startsWith("conv_");
    assertThat(json.getJsonObject("conversation").getString("chatId")).isEqualTo(customer);
    assertThat(json.getJsonObject("contact").getString("platformId")).isEqualTo(customer);
    assertThat(json.getJsonObject("contact").getString("phone")).isEqualTo("+" + customer);
    assertThat(json.getJsonObject("contact").getString("name")).isEqualTo("Kerry Fisher");
    assertThat(json.getJsonObject("message").getString("id")).startsWith("msg_");
    assertThat(json.getJsonObject("message").getString("type")).isEqualTo("text");
    assertThat(json.getJsonObject("message").getString("text")).isEqualTo("Where is my order?");
    assertThat(json.getJsonObject("message").getString("sentAt")).isNotNull();

    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !sentTo(customer).isEmpty());
    JsonObject sent = sentTo(customer).get(0).json();
    assertThat(sent.getJsonObject("text").getString("body")).isEqualTo("It ships today.");
    assertThat(sent.getJsonObject("context").getString("message_id")).isEqualTo(wamid);
    String replySql = "SELECT platform_message_id FROM messages WHERE tenant_id = ? AND text = ? AND "
        + "direction = 'outbound' ORDER BY id DESC LIMIT 1";
    // the Graph API answered; the platform id is recorded a moment later
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> TestDatabase.row(replySql, TENANT, "It ships today.").get(0) != null);
    String replyId = TestDatabase.row(replySql, TENANT, "It ships today.").get(0);
    assertThat(gw.postSigned(WhatsApp.status(RunningGateway.PHONE_NUMBER_ID, replyId, "delivered", customer,
        System.currentTimeMillis() / 1000)).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(TestDatabase.row(
        "SELECT status FROM messages WHERE tenant_id = ? AND platform_message_id = ?", TENANT, replyId).get(0)));
    assertThat(TestDatabase.number("SELECT count(*) FROM plugin_runs r JOIN messages m ON m.id = r.message_id "
        + "WHERE m.platform_message_id = ? AND r.plugin = 'forward' AND r.outcome = 'reply'", wamid)).isEqualTo(1);
  }

  @Test
  void aBotDownForAWhileGetsTheSameEventAgainUntilItTakesIt() {
    String customer = phone();
    AtomicInteger calls = new AtomicInteger();
    bot.answer(e -> calls.incrementAndGet() <= 2 ? new TestBot.Answer(503, "{\"error\":\"starting\"}", 0) : TestBot.Answer.ok());
    String wamid = inbound(customer, "hello?");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> bot.eventsFor(wamid).size() == 3);
    List<TestBot.Event> tries = bot.eventsFor(wamid);
    assertThat(tries).extracting(TestBot.Event::webhookId).containsOnly(tries.get(0).webhookId());
    assertThat(tries).allMatch(TestBot.Event::signatureValid);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id WHERE m.platform_message_id = ?",
        wamid) == 0);
    assertThat(bot.eventsFor(wamid)).hasSize(3);
  }

  @Test
  void aBotDownForGoodMakesADeadLetterThatReplaysWithTheSameEventId() {
    String customer = phone();
    bot.answer(e -> new TestBot.Answer(500, "oops", 0));
    String wamid = inbound(customer, "anyone?");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM dead_letters d JOIN messages m ON m.id = d.message_id WHERE d.kind = 'forward' "
            + "AND m.platform_message_id = ?", wamid) == 1);
    assertThat(bot.eventsFor(wamid)).hasSize(3);
    String webhookId = bot.eventsFor(wamid).get(0).webhookId();
    JsonObject letters = new JsonObject(gw.get("/admin/dead-letters?tenant=" + TENANT + "&kind=forward",
        "Authorization", "Bearer " + ADMIN).body());
    String messageId = bot.eventsFor(wamid).get(0).json().getJsonObject("message").getString("id");
    JsonObject letter = letters.getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(d -> messageId.equals(d.getString("messageId"))).findFirst().orElseThrow();
    assertThat(letter.getJsonObject("error").getString("message")).contains("500");

    bot.answer(e -> TestBot.Answer.ok());
    HttpResponse<String> replay = gw.postJson("/admin/dead-letters/" + letter.getString("id") + "/replay", "{}",
        "Authorization", "Bearer " + ADMIN);
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bot.eventsFor(wamid).size() == 4);
    assertThat(bot.eventsFor(wamid).get(3).webhookId()).isEqualTo(webhookId);
    assertThat(bot.eventsFor(wamid).get(3).signatureValid()).isTrue();
  }

  @Test
  void aBotThatRefusesTheEventMakesADeadLetterAtOnce() {
    String customer = phone();
    bot.answer(e -> new TestBot.Answer(400, "{\"error\":\"unknown tenant\"}", 0));
    String wamid = inbound(customer, "refused");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM dead_letters d JOIN messages m ON m.id = d.message_id WHERE d.kind = 'forward' "
            + "AND m.platform_message_id = ?", wamid) == 1);
    assertThat(bot.eventsFor(wamid)).hasSize(1);
  }

  @Test
  void aSlowBotStillGetsOneConversationsMessagesInOrder() {
    String customer = phone();
    bot.answer(e -> new TestBot.Answer(200, "", 150));
    List<String> wamids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      wamids.add(inbound(customer, "part " + i));
    }
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> wamids.stream().allMatch(w -> !bot.eventsFor(w).isEmpty()));
    List<String> order = bot.events().stream().map(e -> e.json().getJsonObject("message").getString("platformMessageId"))
        .filter(wamids::contains).toList();
    assertThat(order).containsExactlyElementsOf(wamids);
  }

  @Test
  void aPausedConversationIsNotForwardedAndAfterResumeTheNextMessageIs() {
    String customer = phone();
    String first = inbound(customer, "first");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !bot.eventsFor(first).isEmpty());
    String conversation = bot.eventsFor(first).get(0).json().getJsonObject("conversation").getString("id");
    HttpResponse<String> paused = gw.postJson("/v1/conversations/" + conversation + "/pause", "{}",
        "Authorization", "Bearer " + KEY);
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(new JsonObject(paused.body()).getString("status")).isEqualTo("paused");
    String held = inbound(customer, "while paused");
    HttpResponse<String> resumed = gw.postJson("/v1/conversations/" + conversation + "/resume", "{}",
        "Authorization", "Bearer " + KEY);
    assertThat(new JsonObject(resumed.body()).getString("status")).isEqualTo("active");
    String after = inbound(customer, "after resume");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !bot.eventsFor(after).isEmpty());
    assertThat(bot.eventsFor(held)).isEmpty();
    assertThat(TestDatabase.row("SELECT dispatch_hold FROM messages WHERE platform_message_id = ?", held))
        .containsExactly("api");
    assertThat(gw.postJson("/v1/conversations/conv_zzzzzz/pause", "{}", "Authorization", "Bearer " + KEY).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anAutoReplyRuleAnswersBeforeTheBotAndStopsTheChainOncePerCooldown() {
    String customer = phone();
    String wamid = inbound(customer, "Hours please");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sentTo(customer).isEmpty());
    assertThat(sentTo(customer).get(0).json().getJsonObject("text").getString("body")).isEqualTo("We are open 9-17.");
    String again = inbound(customer, "hours?");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM plugin_runs r JOIN messages m ON m.id = r.message_id WHERE m.platform_message_id = ?",
        again) == 1);
    assertThat(bot.eventsFor(wamid)).isEmpty();
    assertThat(bot.eventsFor(again)).isEmpty();
    assertThat(sentTo(customer)).hasSize(1);
  }

  @Test
  void aMessageTheChannelCouldNotReadStillReachesTheBotAsUnsupported() {
    String customer = phone();
    String good = "wamid.IN" + Long.toHexString(WAMIDS.incrementAndGet()).toUpperCase();
    // a Meta-shaped call whose second message has no id
    String body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, customer, "Kerry", good, System.currentTimeMillis() / 1000,
        "fine").replace("\"type\":\"text\"}]", "\"type\":\"text\"},{\"from\":\"" + customer + "\",\"timestamp\":\""
        + System.currentTimeMillis() / 1000 + "\",\"type\":\"text\",\"text\":{\"body\":\"no id\"}}]");
    assertThat(gw.postSigned(body).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> bot.events().stream().anyMatch(e ->
        "unsupported".equals(e.json().getJsonObject("message").getString("type"))
            && customer.equals(e.json().getJsonObject("contact").getString("platformId"))));
    JsonObject odd = bot.events().stream().map(TestBot.Event::json)
        .filter(j -> "unsupported".equals(j.getJsonObject("message").getString("type"))
            && customer.equals(j.getJsonObject("contact").getString("platformId"))).findFirst().orElseThrow();
    assertThat(odd.getJsonObject("message").getString("undecodable")).isNotBlank();
    // the two are one conversation, in storage order (key order within the batch: the odd one's
    // generated key may come first), so the good one may still be on its way
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !bot.eventsFor(good).isEmpty());
    assertThat(bot.eventsFor(good)).hasSize(1);
  }
}
