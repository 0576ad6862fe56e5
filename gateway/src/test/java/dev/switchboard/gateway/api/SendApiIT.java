package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send API and the outbox through the real gateway and the real database, with the Telegram
 * Bot API faked at its HTTP boundary (answers shaped as the Bot API documents them).
 */
class SendApiIT {
  private static final String TENANT = "send-api-it";
  private static final String OTHER = "send-api-it-b";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String OTHER_KEY = "key-" + OTHER + "-0123456789abcdef";
  private static final String BOT_TOKEN = "777000111:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  private static final String OTHER_BOT = "777000222:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsbb";
  private static final String SEND = "/bot" + BOT_TOKEN + "/sendMessage";
  private static final String OTHER_SEND = "/bot" + OTHER_BOT + "/sendMessage";
  private static final String ADMIN = "admin-token-send-api-0123456789";
  private static final AtomicLong CHATS = new AtomicLong(5_000_000L + System.currentTimeMillis() % 1_000_000L * 100);
  private static final AtomicInteger MESSAGE_IDS = new AtomicInteger(100);
  private static FakePlatform botApi;
  private static RunningGateway gw;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    botApi = new FakePlatform();
    JsonObject a = new JsonObject().put("id", TENANT).put("name", "Send API IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("limits", new JsonObject().put("outbound", new JsonObject().put("perSecond", 1000).put("burst", 1000)))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", "secret-send-api-it").put("apiBaseUrl", botApi.baseUrl())));
    JsonObject b = new JsonObject().put("id", OTHER).put("name", "Other tenant")
        .put("apiKeys", new JsonArray().add(OTHER_KEY))
        .put("limits", new JsonObject().put("outbound", new JsonObject().put("perSecond", 5).put("burst", 5)))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", OTHER_BOT).put("secretToken", "secret-send-api-it-b").put("apiBaseUrl", botApi.baseUrl())));
    gw = RunningGateway.start(List.of(a, b), new JsonObject()
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("outbound", new JsonObject().put("maxAttempts", 3).put("backoffBase", "PT0.05S").put("backoffMax", "PT0.2S")));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (botApi != null) {
      botApi.close();
    }
  }

  @BeforeEach
  void botApiAnswersLikeTelegram() {
    botApi.on(SEND, SendApiIT::sent);
    botApi.on(OTHER_SEND, SendApiIT::sent);
  }

  /** {@code sendMessage} answered as the Bot API does: {@code {"ok":true,"result":<Message>}}. */
  static Answer sent(FakePlatform.Call call) {
    JsonObject p = call.json();
    long chat = Long.parseLong(String.valueOf(p.getValue("chat_id")));
    return new Answer(200, new JsonObject().put("ok", true).put("result", new JsonObject()
        .put("message_id", MESSAGE_IDS.incrementAndGet()).put("date", System.currentTimeMillis() / 1000)
        .put("chat", new JsonObject().put("id", chat).put("type", chat < 0 ? "supergroup" : "private"))
        .put("text", p.getString("text"))));
  }

  private static long chat() {
    return CHATS.incrementAndGet();
  }

  private HttpResponse<String> post(String key, String body) {
    return request("POST", "/v1/messages", key, body, "application/json");
  }

  private HttpResponse<String> request(String method, String path, String key, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject get(String id) {
    HttpResponse<String> r = request("GET", "/v1/messages/" + id, KEY, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private JsonObject awaitStatus(String id, String status) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> status.equals(get(id).getString("status")));
    return get(id);
  }

  private static String text(long chat, String text) {
    return new JsonObject().put("channel", "telegram").put("to", Long.toString(chat)).put("text", text).encode();
  }

  private static List<FakePlatform.Call> sendsTo(long chat) {
    return botApi.calls(SEND).stream()
        .filter(c -> String.valueOf(c.json().getValue("chat_id")).equals(Long.toString(chat))).toList();
  }

  @Test
  void aTextIsAcceptedStoredAndSentAndGetShowsThePlatformId() {
    long chat = chat();
    HttpResponse<String> r = post(KEY, text(chat, "Your order shipped"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject accepted = new JsonObject(r.body());
    String id = accepted.getString("id");
    assertThat(id).startsWith("msg_");
    assertThat(accepted.getString("status")).isEqualTo("queued");
    assertThat(accepted.getString("conversationId")).startsWith("conv_");

    JsonObject sent = awaitStatus(id, "sent");
    assertThat(sent.getString("platformMessageId")).startsWith(chat + ":");
    assertThat(sent.getString("direction")).isEqualTo("outbound");
    assertThat(sent.getString("author")).isEqualTo("business_api");
    assertThat(sent.getString("to")).isEqualTo(Long.toString(chat));
    assertThat(sent.getString("text")).isEqualTo("Your order shipped");
    assertThat(sent.getInteger("attempts")).isEqualTo(1);
    assertThat(sent.getString("sentAt")).isNotNull();
    assertThat(sendsTo(chat)).hasSize(1);
    assertThat(sendsTo(chat).get(0).json().getString("text")).isEqualTo("Your order shipped");
    assertThat(TestDatabase.number("SELECT count(*) FROM outbox WHERE tenant_id = ?", TENANT)).isZero();
  }

  @Test
  void theSameKeyAndBodyAnswersTheOriginalAndNeverSendsTwiceEvenWhenPostedConcurrently() throws Exception {
    long chat = chat();
    String body = new JsonObject().put("channel", "telegram").put("to", Long.toString(chat)).put("text", "once")
        .put("idempotencyKey", "order-" + chat).encode();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Callable<HttpResponse<String>>> posts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      posts.add(() -> post(KEY, body));
    }
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (Future<HttpResponse<String>> f : pool.invokeAll(posts)) {
      answers.add(f.get());
    }
    pool.shutdown();
    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isIn(200, 202));
    assertThat(answers.stream().filter(a -> a.statusCode() == 202)).hasSize(1);
    assertThat(answers.stream().map(a -> new JsonObject(a.body()).getString("id")).distinct()).hasSize(1);
    String id = new JsonObject(answers.get(0).body()).getString("id");
    awaitStatus(id, "sent");
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND idempotency_key = ?",
        TENANT, "order-" + chat)).isEqualTo(1);

    HttpResponse<String> again = post(KEY, body);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("status")).isEqualTo("sent");
    assertThat(new JsonObject(again.body()).getString("id")).isEqualTo(id);
    assertThat(sendsTo(chat)).hasSize(1);

    HttpResponse<String> other = post(KEY, new JsonObject(body).put("text", "twice?").encode());
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(other.body()).getJsonObject("error").getString("code")).isEqualTo("idempotency_conflict");
    assertThat(sendsTo(chat)).hasSize(1);
  }

  @Test
  void oneKeyPostedConcurrentlyWithTwoBodiesStoresOneAndTheOtherBodyIsAConflict() throws Exception {
    long chat = chat();
    String key = "race-" + chat;
    String first = new JsonObject().put("channel", "telegram").put("to", Long.toString(chat)).put("text", "body A")
        .put("idempotencyKey", key).encode();
    String second = new JsonObject(first).put("text", "body B").encode();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Callable<HttpResponse<String>>> posts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String body = i % 2 == 0 ? first : second;
      posts.add(() -> post(KEY, body));
    }
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (Future<HttpResponse<String>> f : pool.invokeAll(posts)) {
      answers.add(f.get());
    }
    pool.shutdown();
    List<HttpResponse<String>> accepted = answers.stream().filter(a -> a.statusCode() == 202).toList();
    assertThat(accepted).hasSize(1);
    String id = new JsonObject(accepted.get(0).body()).getString("id");
    String stored = TestDatabase.row("SELECT text FROM messages WHERE tenant_id = ? AND idempotency_key = ?",
        TENANT, key).get(0);
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<String> a = answers.get(i);
      boolean sameBody = (i % 2 == 0 ? "body A" : "body B").equals(stored);
      if (sameBody) {
        assertThat(a.statusCode()).as(a.body()).isIn(200, 202);
        assertThat(new JsonObject(a.body()).getString("id")).isEqualTo(id);
      } else {
        assertThat(a.statusCode()).as(a.body()).isEqualTo(409);
        assertThat(new JsonObject(a.body()).getJsonObject("error").getString("code")).isEqualTo("idempotency_conflict");
      }
    }
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND idempotency_key = ?",
        TENANT, key)).isEqualTo(1);
    awaitStatus(id, "sent");
    assertThat(sendsTo(chat)).hasSize(1);
    assertThat(sendsTo(chat).get(0).json().getString("text")).isEqualTo(stored);
  }

  @Test
  void anotherTenantsKeySeesNoMessageOfThisTenant() {
    String id = new JsonObject(post(KEY, text(chat(), "mine")).body()).getString("id");
    HttpResponse<String> theirs = request("GET", "/v1/messages/" + id, OTHER_KEY, null, null);
    HttpResponse<String> missing = request("GET", "/v1/messages/msg_zzzzzzzz", OTHER_KEY, null, null);
    assertThat(theirs.statusCode()).isEqualTo(404);
    assertThat(theirs.body()).isEqualTo(missing.body());
    assertThat(request("GET", "/v1/messages/" + id, KEY, null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void everyBadRequestGetsItsOwnClearAnswerAndNothingIsStored() {
    long before = TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT);
    long chat = chat();
    assertError(request("POST", "/v1/messages", null, text(chat, "x"), "application/json"), 401, "unauthorized", null);
    assertError(post("key-wrong-0123456789abcdef", text(chat, "x")), 401, "unauthorized", null);
    assertError(request("POST", "/v1/messages", KEY, text(chat, "x"), "text/plain"), 415, "unsupported_media_type", null);
    assertError(post(KEY, "{\"channel\": \"telegram\", "), 400, "malformed_json", null);
    assertError(post(KEY, "[1, 2]"), 400, "invalid_request", null);
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("text", "a")
        .put("media", new JsonObject().put("kind", "image").put("url", "https://x.example/a.png")).encode()),
        400, "invalid_request", "media, text");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("text", "a").encode()), 400, "invalid_request", "to");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "not-a-chat").put("text", "a").encode()),
        400, "invalid_request", "to");
    assertError(post(KEY, new JsonObject().put("channel", "whatsapp").put("to", "+14155550123").put("text", "a").encode()),
        404, "channel_not_configured", "whatsapp");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("template",
        new JsonObject().put("name", "hello_world").put("language", "en_US")).encode()), 422, "unsupported_content", null);
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("media",
        new JsonObject().put("kind", "image").put("url", "http://x.example/a.png")).encode()), 400, "invalid_request", "media.url");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("text", "a")
        .put("idempotencyKey", "k".repeat(201)).encode()), 400, "invalid_request", "idempotencyKey");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("text", "a")
        .put("colour", "red").encode()), 400, "invalid_request", "colour");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("text", "a")
        .put("replyTo", "msg_zzzz").encode()), 400, "invalid_request", "replyTo");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1").put("location",
        new JsonObject().put("latitude", 91).put("longitude", 0)).encode()), 400, "invalid_request", "location.latitude");
    assertError(post(KEY, new JsonObject().put("channel", "telegram").put("to", "1")
        .put("text", "x".repeat(300_000)).encode()), 413, "payload_too_large", null);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT)).isEqualTo(before);
    String metrics = gw.get("/metrics").body();
    assertThat(PrometheusText.sum(PrometheusText.parse(metrics), "switchboard_http_errors_total",
        Map.of("route", "/v1/messages", "status", "400"))).isGreaterThanOrEqualTo(8);
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String field) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    if (field != null) {
      assertThat(error.getString("message")).contains(field);
    }
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
  }

  @Test
  void aFloodControlAnswerIsHonouredThenTheMessageIsSent() {
    long chat = chat();
    AtomicInteger calls = new AtomicInteger();
    // only this test's chat meets the flood answer (a send of another test still under way is answered as usual)
    botApi.on(SEND, call -> String.valueOf(call.json().getValue("chat_id")).equals(Long.toString(chat))
        && calls.incrementAndGet() == 1
        ? new Answer(429, new JsonObject().put("ok", false).put("error_code", 429)
            .put("description", "Too Many Requests: retry after 2").put("parameters", new JsonObject().put("retry_after", 2)))
        : sent(call));
    String id = new JsonObject(post(KEY, text(chat, "after the flood")).body()).getString("id");
    JsonObject sent = awaitStatus(id, "sent");
    List<FakePlatform.Call> tries = sendsTo(chat);
    assertThat(tries).hasSize(2);
    assertThat(Duration.ofNanos(tries.get(1).atNanos() - tries.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(1_950));
    assertThat(sent.getInteger("attempts")).isEqualTo(2);
  }

  @Test
  void aPermanentFailureIsVisibleWithThePlatformsWords() {
    long chat = chat();
    botApi.on(SEND, call -> new Answer(400, new JsonObject().put("ok", false).put("error_code", 400)
        .put("description", "Bad Request: chat not found")));
    String id = new JsonObject(post(KEY, text(chat, "hello?")).body()).getString("id");
    JsonObject failed = awaitStatus(id, "failed");
    assertThat(failed.getJsonObject("error").getString("message")).contains("chat not found");
    assertThat(sendsTo(chat)).hasSize(1);
  }

  @Test
  void afterMaxAttemptsTheMessageIsADeadLetterAndAReplaySendsIt() {
    long chat = chat();
    botApi.on(SEND, call -> new Answer(502, new JsonObject().put("ok", false).put("error_code", 502)
        .put("description", "Bad Gateway")));
    String id = new JsonObject(post(KEY, text(chat, "persistent")).body()).getString("id");
    JsonObject failed = awaitStatus(id, "failed");
    assertThat(failed.getInteger("attempts")).isEqualTo(3);
    assertThat(sendsTo(chat)).hasSize(3);

    HttpResponse<String> list = request("GET", "/admin/dead-letters?tenant=" + TENANT + "&kind=outbound", ADMIN, null, null);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonObject letter = new JsonObject(list.body()).getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(d -> id.equals(d.getString("messageId"))).findFirst().orElseThrow();
    assertThat(letter.getInteger("attempts")).isEqualTo(3);
    assertThat(letter.getJsonObject("payload").encode()).doesNotContain("sb_");
    String letterId = letter.getString("id");
    assertThat(request("GET", "/admin/dead-letters/" + letterId, ADMIN, null, null).statusCode()).isEqualTo(200);
    assertThat(request("GET", "/admin/dead-letters/" + letterId, KEY, null, null).statusCode()).isEqualTo(401);

    botApi.on(SEND, SendApiIT::sent);
    HttpResponse<String> replay = request("POST", "/admin/dead-letters/" + letterId + "/replay", ADMIN, null, null);
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
    JsonObject sent = awaitStatus(id, "sent");
    assertThat(sent.getInteger("attempts")).isEqualTo(1);
    assertThat(sendsTo(chat)).hasSize(4);
    assertThat(request("POST", "/admin/dead-letters/" + letterId + "/replay", ADMIN, null, null).statusCode()).isEqualTo(409);
    assertThat(request("POST", "/admin/dead-letters/dl_zzzzzz/replay", ADMIN, null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void theMessagesOfOneConversationLeaveInTheOrderTheyWereAccepted() {
    long chat = chat();
    botApi.on(SEND, call -> {
      Answer a = sent(call);
      return new Answer(a.status(), a.body(), Map.of(), 30); // a slow platform: order must not depend on speed
    });
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(new JsonObject(post(KEY, text(chat, "part " + i)).body()).getString("id"));
    }
    for (String id : ids) {
      awaitStatus(id, "sent");
    }
    assertThat(sendsTo(chat).stream().map(c -> c.json().getString("text")).toList())
        .containsExactly("part 0", "part 1", "part 2", "part 3");
  }

  @Test
  void aBurstToOneChatGoesAtOnePerSecondWhileAnotherChatIsServedAtOnce() {
    long busy = chat();
    long quiet = chat();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(new JsonObject(post(KEY, text(busy, "burst " + i)).body()).getString("id"));
    }
    long quietPosted = System.nanoTime();
    String quietId = new JsonObject(post(KEY, text(quiet, "not starved")).body()).getString("id");
    awaitStatus(quietId, "sent");
    assertThat(sendsTo(quiet)).hasSize(1);
    // starved behind the busy chat's burst (1/s) it would wait 5 s or more; 3 s leaves room for loaded cores
    assertThat(Duration.ofNanos(sendsTo(quiet).get(0).atNanos() - quietPosted)).isLessThan(Duration.ofSeconds(3));
    for (String id : ids) {
      awaitStatus(id, "sent");
    }
    List<FakePlatform.Call> burst = sendsTo(busy);
    assertThat(burst).hasSize(6);
    // the chat's sends are spaced a second apart when they leave; where they arrive, a send whose
    // call took longer (a busy machine) can land nearer the next one, never at twice the pace
    // (unpaced, the six would arrive within a few hundred milliseconds; at twice the pace, in 2.5 s)
    assertThat(Duration.ofNanos(burst.get(5).atNanos() - burst.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(4_500));
    for (int i = 1; i < burst.size(); i++) {
      assertThat(Duration.ofNanos(burst.get(i).atNanos() - burst.get(i - 1).atNanos()))
          .as("gap before send %d", i).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void oneTenantsBacklogDoesNotDelayAnotherTenant() {
    // the other tenant may send 5/s (limits.outbound): 60 sends are a backlog of ~12 s
    for (int i = 0; i < 60; i++) {
      assertThat(post(OTHER_KEY, text(chat(), "bulk " + i)).statusCode()).isEqualTo(202);
    }
    long chat = chat();
    long posted = System.nanoTime();
    String id = new JsonObject(post(KEY, text(chat, "not behind the bulk")).body()).getString("id");
    awaitStatus(id, "sent");
    // behind the bulk it would wait ~12 s; 3 s leaves room for loaded cores
    assertThat(Duration.ofNanos(sendsTo(chat).get(0).atNanos() - posted)).isLessThan(Duration.ofSeconds(3));
    long otherSent = botApi.calls(OTHER_SEND).stream().filter(c -> c.json().getString("text").startsWith("bulk ")).count();
    assertThat(otherSent).as("the bulk is paced, so it was still going on").isLessThan(60);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM outbox WHERE tenant_id = ?", OTHER) == 0);
  }

  @Test
  void anotherTenantCannotPauseOrResumeThisTenantsConversation() {
    HttpResponse<String> sent = post(KEY, text(chat(), "ours"));
    String conversation = new JsonObject(sent.body()).getString("conversationId");
    HttpResponse<String> missing = request("POST", "/v1/conversations/conv_zzzzzzzz/pause", OTHER_KEY, "{}", "application/json");
    for (String action : List.of("pause", "resume")) {
      HttpResponse<String> theirs = request("POST", "/v1/conversations/" + conversation + "/" + action, OTHER_KEY, "{}",
          "application/json");
      assertThat(theirs.statusCode()).isEqualTo(404);
      assertThat(theirs.body()).isEqualTo(missing.body());
    }
    assertThat(TestDatabase.row("SELECT status FROM conversations WHERE id = ?",
        Ids.CONVERSATION.parse(conversation))).containsExactly("active");
    assertThat(request("POST", "/v1/conversations/" + conversation + "/pause", null, "{}", "application/json")
        .statusCode()).isEqualTo(401);
    HttpResponse<String> paused = request("POST", "/v1/conversations/" + conversation + "/pause", KEY, "{}",
        "application/json");
    assertThat(new JsonObject(paused.body()).getString("pausedReason")).isEqualTo("api");
    assertThat(new JsonObject(request("POST", "/v1/conversations/" + conversation + "/resume", KEY, "{}",
        "application/json").body()).getString("status")).isEqualTo("active");
  }
}
