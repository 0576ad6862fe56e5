package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.Telegram;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Telegram group upgraded to a supergroup, found by a send: the Bot API answers a send to the old
 * chat id with 400 "group chat was upgraded to a supergroup chat" and
 * {@code parameters.migrate_to_chat_id}; the message goes to the new chat once, and the
 * conversation, the sends queued behind it and the supergroup's inbound messages all follow the new
 * id — for that tenant only. The gateway and the database are real; the Bot API is faked at its
 * HTTP boundary, answering as it documents.
 */
class TelegramGroupUpgradeIT {
  private static final String TENANT = "tg-upgrade-it";
  private static final String OTHER = "tg-upgrade-it-b";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String OTHER_KEY = "key-" + OTHER + "-0123456789abcdef";
  private static final String BOT_TOKEN = "777000333:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDscc";
  private static final String OTHER_BOT = "777000444:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsdd";
  private static final String SECRET = "tg-upgrade-secret_0123456789";
  private static final String SEND = "/bot" + BOT_TOKEN + "/sendMessage";
  private static final String OTHER_SEND = "/bot" + OTHER_BOT + "/sendMessage";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000L * 10);
  private static final AtomicInteger MESSAGE_IDS = new AtomicInteger(500);
  private static final Map<String, String> FROM_SENDS = Map.of("channel", "telegram", "source", "send");
  private static final Map<String, String> FROM_WEBHOOKS = Map.of("channel", "telegram", "source", "webhook");
  private static FakePlatform botApi;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    botApi = new FakePlatform();
    JsonObject a = tenant(TENANT, KEY, BOT_TOKEN, SECRET);
    JsonObject b = tenant(OTHER, OTHER_KEY, OTHER_BOT, SECRET + "-b");
    gw = RunningGateway.start(List.of(a, b), new JsonObject()
        .put("outbound", new JsonObject().put("maxAttempts", 3).put("backoffBase", "PT0.05S").put("backoffMax", "PT0.2S")));
    botApi.on(OTHER_SEND, TelegramGroupUpgradeIT::sent);
  }

  private static JsonObject tenant(String id, String key, String bot, String secret) {
    return new JsonObject().put("id", id).put("name", id)
        .put("apiKeys", new JsonArray().add(key))
        .put("limits", new JsonObject().put("outbound", new JsonObject().put("perSecond", 100).put("burst", 100)))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", bot).put("secretToken", secret).put("apiBaseUrl", botApi.baseUrl())));
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

  /** {@code sendMessage} accepted, as the Bot API answers it: {@code {"ok":true,"result":<Message>}}. */
  static Answer sent(FakePlatform.Call call) {
    JsonObject p = call.json();
    long chat = Long.parseLong(String.valueOf(p.getValue("chat_id")));
    return new Answer(200, new JsonObject().put("ok", true).put("result", new JsonObject()
        .put("message_id", MESSAGE_IDS.incrementAndGet()).put("date", System.currentTimeMillis() / 1000)
        .put("chat", new JsonObject().put("id", chat).put("title", "Support group").put("type", "supergroup"))
        .put("text", p.getString("text"))));
  }

  /** A send to a group that became a supergroup, answered as the Bot API documents it. */
  static Answer upgraded(long supergroup) {
    return new Answer(400, new JsonObject().put("ok", false).put("error_code", 400)
        .put("description", "Bad Request: group chat was upgraded to a supergroup chat")
        .put("parameters", new JsonObject().put("migrate_to_chat_id", supergroup)));
  }

  private static String chatOf(FakePlatform.Call call) {
    return String.valueOf(call.json().getValue("chat_id"));
  }

  private static List<FakePlatform.Call> sendsTo(String path, long chat) {
    return botApi.calls(path).stream().filter(c -> chatOf(c).equals(Long.toString(chat))).toList();
  }

  private static HttpResponse<String> webhook(String tenant, String secret, String update) {
    return gw.postJson("/webhooks/telegram/" + tenant, update, "X-Telegram-Bot-Api-Secret-Token", secret);
  }

  /** A member's message in {@code chat} stored through the webhook; the id of its conversation. */
  private static String inbound(long chat, String type, long messageId, String text) {
    long user = 7_700_000L + next();
    assertThat(webhook(TENANT, SECRET, Telegram.update(next(), "message",
        Telegram.groupMessage(chat, type, user, messageId, 1_700_000_000L, text))).statusCode()).isEqualTo(200);
    return Ids.CONVERSATION.format(TestDatabase.number(
        "SELECT conversation_id FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, chat + ":" + messageId));
  }

  private static HttpResponse<String> send(String key, String conversationId, String text) {
    return gw.postJson("/v1/messages", new JsonObject().put("channel", "telegram")
        .put("conversationId", conversationId).put("text", text).encode(), "Authorization", "Bearer " + key);
  }

  private static String accepted(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("id");
  }

  private static JsonObject get(String key, String path) {
    HttpResponse<String> r = gw.get(path, "Authorization", "Bearer " + key);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static JsonObject awaitSent(String messageId) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> "sent".equals(get(KEY, "/v1/messages/" + messageId).getString("status")));
    return get(KEY, "/v1/messages/" + messageId);
  }

  private static List<String> texts(String conversationId) {
    return get(KEY, "/v1/conversations/" + conversationId + "/messages").getJsonArray("data").stream()
        .map(m -> ((JsonObject) m).getString("text")).toList();
  }

  @Test
  void aSendToAnUpgradedGroupGoesOnceToTheSupergroupAndTheConversationAndItsQueueFollow() {
    long group = -(4_100_000L + next());
    long supergroup = -1_001_100_000_000L - next();
    // the other tenant talks to a chat with the same id (another bot's view of it): never touched
    HttpResponse<String> othersSend = gw.postJson("/v1/messages", new JsonObject().put("channel", "telegram")
        .put("to", Long.toString(group)).put("text", "hello from the other tenant").encode(),
        "Authorization", "Bearer " + OTHER_KEY);
    String othersMessage = accepted(othersSend);
    String othersConversation = new JsonObject(othersSend.body()).getString("conversationId");
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> "sent".equals(get(OTHER_KEY, "/v1/messages/" + othersMessage).getString("status")));
    String conversation = inbound(group, "group", 10, "hello group");

    CompletableFuture<Answer> firstAnswer = new CompletableFuture<>();
    AtomicInteger toGroup = new AtomicInteger();
    botApi.on(SEND, call -> {
      if (chatOf(call).equals(Long.toString(group))) {
        // the first send to the old id is held until the second is queued behind it
        return toGroup.incrementAndGet() == 1 ? Answer.when(firstAnswer) : upgraded(supergroup);
      }
      return sent(call);
    });
    double fromSends = gw.metric("switchboard_chat_migrations_total", FROM_SENDS);

    String first = accepted(send(KEY, conversation, "first"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(SEND, group).size() == 1);
    String second = accepted(send(KEY, conversation, "second")); // queued for the old id, behind the first
    assertThat(get(KEY, "/v1/messages/" + second).getString("status")).isEqualTo("queued");
    firstAnswer.complete(upgraded(supergroup));

    JsonObject firstSent = awaitSent(first);
    JsonObject secondSent = awaitSent(second);
    assertThat(firstSent.getString("platformMessageId")).startsWith(supergroup + ":");
    assertThat(firstSent.getInteger("attempts")).isEqualTo(1);
    assertThat(secondSent.getString("platformMessageId")).startsWith(supergroup + ":");
    assertThat(secondSent.getInteger("attempts")).isEqualTo(1);
    assertThat(sendsTo(SEND, group)).as("only the first send met the old id").hasSize(1);
    assertThat(sendsTo(SEND, supergroup).stream().map(c -> c.json().getString("text")))
        .containsExactly("first", "second");
    assertThat(gw.metric("switchboard_chat_migrations_total", FROM_SENDS)).isEqualTo(fromSends + 1);

    JsonObject conv = get(KEY, "/v1/conversations/" + conversation);
    assertThat(conv.getString("chatId")).isEqualTo(Long.toString(supergroup));
    assertThat(conv.getString("status")).isEqualTo("active");

    // a later send goes straight to the supergroup
    String third = accepted(send(KEY, conversation, "third"));
    assertThat(awaitSent(third).getString("to")).isEqualTo(Long.toString(supergroup));
    assertThat(sendsTo(SEND, group)).hasSize(1);
    assertThat(sendsTo(SEND, supergroup)).hasSize(3);

    // the supergroup's members write into the same conversation
    assertThat(inbound(supergroup, "supergroup", 1, "hello supergroup")).isEqualTo(conversation);
    assertThat(texts(conversation)).containsExactly("hello supergroup", "third", "second", "first", "hello group");

    // the other tenant's conversation of the same chat id is as it was
    JsonObject others = get(OTHER_KEY, "/v1/conversations/" + othersConversation);
    assertThat(others.getString("chatId")).isEqualTo(Long.toString(group));
    assertThat(others.getString("status")).isEqualTo("active");
    assertThat(get(OTHER_KEY, "/v1/messages/" + othersMessage).getString("platformMessageId")).startsWith(group + ":");
    assertThat(sendsTo(OTHER_SEND, group)).hasSize(1);
    assertThat(sendsTo(OTHER_SEND, supergroup)).isEmpty();
  }

  @Test
  void whenTheSupergroupAlreadyHasAConversationTheGroupsHistoryMovesIntoIt() {
    long group = -(4_200_000L + next());
    long supergroup = -1_001_200_000_000L - next();
    String old = inbound(group, "group", 20, "before the upgrade");
    String current = inbound(supergroup, "supergroup", 1, "already in the supergroup");
    assertThat(current).isNotEqualTo(old);
    botApi.on(SEND, call -> chatOf(call).equals(Long.toString(group)) ? upgraded(supergroup) : sent(call));

    String reply = accepted(send(KEY, old, "answer"));
    JsonObject sent = awaitSent(reply);

    assertThat(sent.getString("conversationId")).isEqualTo(current);
    assertThat(texts(current)).containsExactly("answer", "already in the supergroup", "before the upgrade");
    assertThat(get(KEY, "/v1/conversations/" + old).getString("status")).isEqualTo("closed");
    assertThat(sendsTo(SEND, group)).hasSize(1);
    assertThat(sendsTo(SEND, supergroup)).hasSize(1);
  }

  @Test
  void theUpgradeServiceMessageIsCountedAndLaterSendsGoStraightToTheSupergroup() {
    long group = -(4_300_000L + next());
    long supergroup = -1_001_300_000_000L - next();
    String conversation = inbound(group, "group", 30, "hello group");
    botApi.on(SEND, call -> chatOf(call).equals(Long.toString(group)) ? upgraded(supergroup) : sent(call));
    double fromWebhooks = gw.metric("switchboard_chat_migrations_total", FROM_WEBHOOKS);
    double fromSends = gw.metric("switchboard_chat_migrations_total", FROM_SENDS);

    String upgrade = Telegram.migrateTo(next(), group, 7_700_000L + next(), 31, 1_700_000_100L, supergroup);
    assertThat(webhook(TENANT, SECRET, upgrade).statusCode()).isEqualTo(200);
    assertThat(webhook(TENANT, SECRET, upgrade).statusCode()).isEqualTo(200); // Telegram's retry: stored once
    assertThat(gw.metric("switchboard_chat_migrations_total", FROM_WEBHOOKS)).isEqualTo(fromWebhooks + 1);

    String reply = accepted(send(KEY, conversation, "after the upgrade"));
    assertThat(awaitSent(reply).getString("to")).isEqualTo(Long.toString(supergroup));
    assertThat(sendsTo(SEND, group)).isEmpty();
    assertThat(gw.metric("switchboard_chat_migrations_total", FROM_SENDS)).isEqualTo(fromSends);
  }
}
