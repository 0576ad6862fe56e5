package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.Telegram;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Telegram updates through the real gateway into the real database, and webhook registration. */
class TelegramWebhookIT {
  private static final String TENANT = "tg-webhook-it";
  private static final String BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
  private static final String SECRET = "tg-secret_0123456789";
  private static final String ADMIN = "admin-token-0123456789";
  private static final String PATH = "/webhooks/telegram/" + TENANT;
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 10);
  /** Messages handed to the tenant's plugins: platform message id → how many times. */
  /** The last dispatch of each platform message id. */
  private static FakePlatform botApi;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    botApi = new FakePlatform();
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Telegram IT")
        .put("apiKeys", new JsonArray().add("key-" + TENANT + "-0123456789abcdef"))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", SECRET).put("apiBaseUrl", botApi.baseUrl())))
        // a chain, so that new messages go through it (without one they are handed over as stored)
        .put("plugins", RunningGateway.quietChain());
    gw = RunningGateway.start(tenant, new JsonObject()
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("http", new JsonObject().put("publicBaseUrl", "https://gw.example.com/")));
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

  private static long next() {
    return IDS.incrementAndGet();
  }

  private static HttpResponse<String> post(String body) {
    return gw.postJson(PATH, body, "X-Telegram-Bot-Api-Secret-Token", SECRET);
  }

  private static List<String> message(String pid, String columns) {
    return TestDatabase.row("SELECT " + columns + " FROM messages m WHERE m.tenant_id = ? AND m.platform_message_id = ?",
        TENANT, pid);
  }

  private static long count(String pid) {
    return TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?", TENANT, pid);
  }

  @Test
  void textUpdateIsStoredOnceKeyedByBotAndUpdateIdAndARetryIsADuplicate() {
    long update = next();
    long chat = 7_000_000_000L + next(); // ids beyond 32 bits survive
    String body = Telegram.update(update, "message", Telegram.textMessage(chat, 1365, 1_441_645_532L, "/start"));

    HttpResponse<String> first = post(body);
    HttpResponse<String> retry = post(body);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(retry.body()).getInteger("duplicates")).isEqualTo(1);
    String pid = chat + ":1365";
    assertThat(count(pid)).isEqualTo(1);
    assertThat(message(pid, "m.type::text, m.direction::text, m.text, m.account_ref, extract(epoch FROM m.platform_ts)::bigint"))
        .containsExactly("text", "inbound", "/start", "123456", "1441645532");
    assertThat(TestDatabase.row("""
        SELECT c.chat_id, k.platform_user_id, k.username FROM messages m
          JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = m.contact_id
         WHERE m.tenant_id = ? AND m.platform_message_id = ?""", TENANT, pid))
        .containsExactly(Long.toString(chat), Long.toString(chat), "Test");
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, "123456:" + update)).isEqualTo(1);
  }

  @Test
  void wrongOrMissingSecretTokenIs401AndStoresNothing() {
    long update = next();
    String body = Telegram.update(update, "message", Telegram.textMessage(5_550_001L, 1, 1_441_645_532L, "hi"));

    HttpResponse<String> wrong = gw.postJson(PATH, body, "X-Telegram-Bot-Api-Secret-Token", SECRET + "x");
    HttpResponse<String> missing = gw.postJson(PATH, body);

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("code")).isNotBlank();
    assertThat(TestDatabase.number("SELECT count(*) FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, "123456:" + update)).isZero();
  }

  @Test
  void unknownUpdateKindIsAcknowledgedAndRecorded() {
    long update = next();
    HttpResponse<String> r = post(Telegram.update(update, "chat_boost_of_the_future",
        new JsonObject().put("chat", Telegram.group(-100_123L, "x", "channel"))));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestDatabase.row("SELECT outcome, detail FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, "123456:" + update)).containsExactly("ignored", "chat_boost_of_the_future");
  }

  @Test
  void anOddMessageIsStoredAsUnsupportedFlaggedCountedAndDispatched() {
    long update = next();
    long user = 7_100_000_000L + next();
    // the guide's text sample without its chat: the sender is known, the chat is not
    JsonObject m = Telegram.textMessage(user, 77, 1_441_645_532L, "hello?");
    m.remove("chat");
    java.util.Map<String, String> undecodable = java.util.Map.of("channel", "telegram", "type", "message:undecodable");
    double before = gw.metric("switchboard_events_stored_total", undecodable);

    HttpResponse<String> r = post(Telegram.update(update, "message", m));

    assertThat(r.statusCode()).isEqualTo(200);
    String pid = "undecodable:123456:" + update;
    assertThat(TestDatabase.row("""
        SELECT m.type::text, m.undecodable, m.direction::text, k.platform_user_id, m.conversation_id,
               m.raw->'message'->>'text'
          FROM messages m JOIN contacts k ON k.id = m.contact_id
         WHERE m.tenant_id = ? AND m.platform_message_id = ?""", TENANT, pid))
        .containsExactly("unsupported", "message: chat id missing", "inbound", Long.toString(user), null, "hello?");
    assertThat(TestDatabase.row("SELECT event_type, outcome, detail FROM inbound_events WHERE tenant_id = ? AND idem_key = ?",
        TENANT, "123456:" + update)).containsExactly("message:undecodable", "undecodable", "message: chat id missing");
    assertThat(gw.metric("switchboard_events_stored_total", undecodable)).isEqualTo(before + 1);
    Awaitility.await("the odd message is dispatched").atMost(Duration.ofSeconds(15))
        .until(() -> TestDatabase.chainRuns(TENANT, pid) == 1);
  }

  @Test
  void malformedJsonWithTheRightSecretIs400() {
    HttpResponse<String> r = post("{\"update_id\": 12, \"message\": ");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("malformed_payload");
  }

  @Test
  void anEditReplacesTheStoredMessageAndTheLatestEditWinsInAnyOrder() {
    long chat = 5_550_000L + next();
    String pid = chat + ":77";
    assertThat(post(Telegram.update(next(), "message", Telegram.textMessage(chat, 77, 1_700_000_000L, "helo")))
        .statusCode()).isEqualTo(200);
    long later = next();
    long earlier = next();
    assertThat(post(Telegram.editedText(later, chat, 77, 1_700_000_000L, 1_700_000_120L, "hello, second edit"))
        .statusCode()).isEqualTo(200);
    assertThat(post(Telegram.editedText(earlier, chat, 77, 1_700_000_000L, 1_700_000_060L, "hello"))
        .statusCode()).isEqualTo(200);

    assertThat(count(pid)).isEqualTo(1);
    assertThat(message(pid, "m.text, extract(epoch FROM m.edited_at)::bigint"))
        .containsExactly("hello, second edit", "1700000120");
  }

  @Test
  void anEditOfAMessageNeverSeenIsStoredAsThatMessage() {
    long chat = 5_560_000L + next();
    assertThat(post(Telegram.editedText(next(), chat, 9, 1_700_000_000L, 1_700_000_100L, "only the edit came"))
        .statusCode()).isEqualTo(200);
    assertThat(message(chat + ":9", "m.text, m.type::text")).containsExactly("only the edit came", "text");
  }

  @Test
  void aMessageIsDispatchedOnceWhetherItsEditOrItsOriginalCameFirst() throws Exception {
    long chat = 5_565_000L + next();
    String pid = chat + ":5";
    assertThat(post(Telegram.editedText(next(), chat, 5, 1_700_000_000L, 1_700_000_100L, "edited")).statusCode())
        .isEqualTo(200);
    assertThat(post(Telegram.update(next(), "message", Telegram.textMessage(chat, 5, 1_700_000_000L, "original")))
        .statusCode()).isEqualTo(200);
    long chat2 = chat + 1;
    // a message and its edit in flight together
    String both = chat2 + ":6";
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> post(Telegram.update(next(), "message", Telegram.textMessage(chat2, 6, 1_700_000_000L, "v1"))));
      var b = pool.submit(() -> post(Telegram.editedText(next(), chat2, 6, 1_700_000_000L, 1_700_000_050L, "v2")));
      assertThat(a.get().statusCode()).isEqualTo(200);
      assertThat(b.get().statusCode()).isEqualTo(200);
    } finally {
      pool.shutdown();
    }

    // each message goes through the chain once: it has one queue row (keyed by the message), so a
    // second hand-over of it could only add nothing; a later message in each chat is the barrier
    // (a chat's messages go through the chain in order)
    assertThat(post(Telegram.update(next(), "message", Telegram.textMessage(chat, 7, 1_700_000_000L, "later"))).statusCode())
        .isEqualTo(200);
    assertThat(post(Telegram.update(next(), "message", Telegram.textMessage(chat2, 8, 1_700_000_000L, "later"))).statusCode())
        .isEqualTo(200);
    Awaitility.await("the later messages went through the chain").atMost(Duration.ofSeconds(15))
        .until(() -> TestDatabase.chainRuns(TENANT, chat + ":7") == 1 && TestDatabase.chainRuns(TENANT, chat2 + ":8") == 1);
    assertThat(TestDatabase.chainRuns(TENANT, pid)).isEqualTo(1);
    assertThat(TestDatabase.chainRuns(TENANT, both)).isEqualTo(1);
    assertThat(message(pid, "m.text")).containsExactly("edited");
    assertThat(message(both, "m.text")).containsExactly("v2");
  }

  @Test
  void callbackQueryIsAnInteractiveReplyTiedToItsMessage() {
    long chat = 5_570_000L + next();
    assertThat(post(Telegram.callbackQuery(next(), chat, 42, "order:confirm", "Confirm order")).statusCode())
        .isEqualTo(200);

    assertThat(message("cbq:4382bfdwdsb323b2d9", "m.type::text, m.reply_to_platform_id, m.content->'interactive'->>'id'"))
        .containsExactly("interactive", chat + ":42", "order:confirm");
  }

  @Test
  void blockingAndUnblockingTheBotFlagsTheContact() {
    long user = 5_580_000L + next();
    assertThat(post(Telegram.myChatMember(next(), user, 1_700_000_000L, "member", "kicked")).statusCode()).isEqualTo(200);
    assertThat(TestDatabase.row("SELECT blocked::text FROM contacts WHERE tenant_id = ? AND channel = 'telegram' "
        + "AND platform_user_id = ?", TENANT, Long.toString(user))).containsExactly("true");

    // an older event arriving late changes nothing; a newer unblock does
    assertThat(post(Telegram.myChatMember(next(), user, 1_699_999_000L, "kicked", "member")).statusCode()).isEqualTo(200);
    assertThat(TestDatabase.row("SELECT blocked::text FROM contacts WHERE tenant_id = ? AND channel = 'telegram' "
        + "AND platform_user_id = ?", TENANT, Long.toString(user))).containsExactly("true");
    assertThat(post(Telegram.myChatMember(next(), user, 1_700_000_500L, "kicked", "member")).statusCode()).isEqualTo(200);
    assertThat(TestDatabase.row("SELECT blocked::text FROM contacts WHERE tenant_id = ? AND channel = 'telegram' "
        + "AND platform_user_id = ?", TENANT, Long.toString(user))).containsExactly("false");
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND contact_id = "
        + "(SELECT id FROM contacts WHERE tenant_id = ? AND channel = 'telegram' AND platform_user_id = ?)",
        TENANT, TENANT, Long.toString(user))).as("a block is not a message").isZero();
  }

  @Test
  void groupMigrationMovesTheConversationToTheSupergroupId() {
    long group = -(4_000_000L + next());
    long supergroup = -1_001_000_000_000L - next();
    long user = 5_590_000L + next();
    assertThat(post(Telegram.update(next(), "message",
        Telegram.groupMessage(group, "group", user, 10, 1_700_000_000L, "hello group"))).statusCode()).isEqualTo(200);
    long conversation = TestDatabase.number("SELECT id FROM conversations WHERE tenant_id = ? AND chat_id = ?",
        TENANT, Long.toString(group));
    assertThat(conversation).isPositive();

    assertThat(post(Telegram.migrateTo(next(), group, user, 11, 1_700_000_100L, supergroup)).statusCode()).isEqualTo(200);
    assertThat(post(Telegram.update(next(), "message",
        Telegram.groupMessage(supergroup, "supergroup", user, 1, 1_700_000_200L, "hello supergroup"))).statusCode())
        .isEqualTo(200);

    assertThat(TestDatabase.row("SELECT chat_id, status::text FROM conversations WHERE id = ?", conversation))
        .containsExactly(Long.toString(supergroup), "active");
    assertThat(message(supergroup + ":1", "m.conversation_id::text")).containsExactly(Long.toString(conversation));
    assertThat(message(group + ":10", "m.conversation_id::text")).containsExactly(Long.toString(conversation));
  }

  @Test
  void albumPartsAreEachStoredOnOneConversation() {
    long chat = 5_600_000L + next();
    for (int i = 0; i < 3; i++) {
      assertThat(post(Telegram.albumPhoto(next(), chat, 200 + i, 1_700_000_000L, "13412345678901234", "AgACAgIAAx" + i))
          .statusCode()).isEqualTo(200);
    }
    assertThat(TestDatabase.number("SELECT count(DISTINCT conversation_id) FROM messages WHERE tenant_id = ? "
        + "AND platform_message_id IN (?, ?, ?)", TENANT, chat + ":200", chat + ":201", chat + ":202")).isEqualTo(1);
    assertThat(message(chat + ":201", "m.type::text, m.content->'media'->>'id'")).containsExactly("image", "AgACAgIAAx1-2");
  }

  @Test
  void adminRegistersTheWebhookWithSecretTokenAndShowsWebhookInfo() {
    botApi.on("/bot" + BOT_TOKEN + "/setWebhook", call -> new FakePlatform.Answer(200,
        new JsonObject().put("ok", true).put("result", true).put("description", "Webhook was set")));
    botApi.on("/bot" + BOT_TOKEN + "/getWebhookInfo", call -> new FakePlatform.Answer(200,
        new JsonObject().put("ok", true).put("result", new JsonObject()
            .put("url", "https://gw.example.com/webhooks/telegram/" + TENANT)
            .put("has_custom_certificate", false).put("pending_update_count", 3)
            .put("last_error_date", 1_700_000_000L)
            .put("last_error_message", "Wrong response from the webhook: 503 Service Unavailable")
            .put("max_connections", 40))));
    String path = "/admin/tenants/" + TENANT + "/channels/telegram/webhook";

    HttpResponse<String> unauthorized = gw.postJson(path, "{}");
    HttpResponse<String> set = gw.postJson(path, "{}", "Authorization", "Bearer " + ADMIN);
    HttpResponse<String> info = gw.get(path, "Authorization", "Bearer " + ADMIN);

    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    FakePlatform.Call call = botApi.calls().stream().filter(c -> c.path().endsWith("/setWebhook")).findFirst().orElseThrow();
    JsonObject sent = call.json();
    assertThat(sent.getString("url")).isEqualTo("https://gw.example.com/webhooks/telegram/" + TENANT);
    assertThat(sent.getString("secret_token")).isEqualTo(SECRET);
    assertThat(sent.getJsonArray("allowed_updates").getList())
        .contains("message", "edited_message", "callback_query", "message_reaction", "my_chat_member", "chat_member");
    assertThat(sent.getInteger("max_connections")).isBetween(1, 100);
    assertThat(set.body()).doesNotContain(BOT_TOKEN).doesNotContain(SECRET);

    assertThat(info.statusCode()).isEqualTo(200);
    JsonObject shown = new JsonObject(info.body());
    assertThat(shown.getInteger("pendingUpdateCount")).isEqualTo(3);
    assertThat(shown.getString("lastErrorMessage")).contains("503");
  }

  @Test
  void webhookRegistrationRefusedByTelegramIs502WithItsDescription() {
    String other = "/admin/tenants/" + TENANT + "/channels/telegram/webhook";
    botApi.on("/bot" + BOT_TOKEN + "/setWebhook", call -> new FakePlatform.Answer(400,
        new JsonObject().put("ok", false).put("error_code", 400)
            .put("description", "Bad Request: bad webhook: HTTPS URL must be provided for webhook")));
    HttpResponse<String> r = gw.postJson(other, "{}", "Authorization", "Bearer " + ADMIN);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("HTTPS URL must be provided");
  }
}
