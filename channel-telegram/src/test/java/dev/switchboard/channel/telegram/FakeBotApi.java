package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for api.telegram.org: {@code POST /bot<token>/<method>} with a JSON body,
 * answered with the Bot API's envelopes — {@code {"ok":true,"result":…}} with Message objects shaped
 * like the API reference's, and the error bodies and status codes of the module README's table
 * (strings as the reference server tdlib/telegram-bot-api sends them).
 * It keeps a little state so errors arise as they would for real (a migrated group, a user who
 * blocked the bot, an edit that changes nothing), takes scripted one-off answers for the rest
 * (flood control, 5xx, a gateway's HTML page, never answering), and records every request.
 */
final class FakeBotApi {
  /** A made-up token of the shape @BotFather issues. */
  static final String TOKEN = "110201543:AAFakeTestSecret-not_a-real-token0x";
  static final String TOKEN_SECRET = TOKEN.substring(TOKEN.indexOf(':') + 1);
  static final long BOT_ID = 110201543L;
  /** The chat {@code @switchboard_news} resolves to. */
  static final long CHANNEL_ID = -1001234567890L;

  /** A request as received: Bot API method, request path, JSON body. */
  record Request(String method, String path, JsonObject body) {
  }

  /** A scripted answer; {@code status} 0 means never answer, -1 the normal behaviour. */
  record Reply(int status, String body, Map<String, String> headers) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, body.encode(), Map.of());
    }

    static Reply error(int code, String description) {
      return json(code, new JsonObject().put("ok", false).put("error_code", code).put("description", description));
    }

    static Reply error(int code, String description, JsonObject parameters) {
      return json(code, new JsonObject().put("ok", false).put("error_code", code).put("description", description)
          .put("parameters", parameters));
    }

    static Reply normal() {
      return new Reply(-1, null, Map.of());
    }

    static Reply never() {
      return new Reply(0, null, Map.of());
    }

    Reply withHeader(String name, String value) {
      Map<String, String> all = new HashMap<>(headers);
      all.put(name, value);
      return new Reply(status, body, Map.copyOf(all));
    }
  }

  static Reply floodControl(int seconds) {
    return Reply.error(429, "Too Many Requests: retry after " + seconds,
        new JsonObject().put("retry_after", seconds));
  }

  static Reply gatewayPage() {
    return new Reply(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n",
        Map.of("Content-Type", "text/html"));
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Reply> scripted = new ConcurrentLinkedDeque<>();
  private final Map<Long, Long> migratedChats = new ConcurrentHashMap<>();
  private final Set<Long> blockedBy = ConcurrentHashMap.newKeySet();
  private final Map<String, String> texts = new ConcurrentHashMap<>();
  private final AtomicLong nextMessageId = new AtomicLong(1000);
  private volatile JsonObject webhook = noWebhook();

  private FakeBotApi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static FakeBotApi start(Vertx vertx) {
    FakeBotApi api = new FakeBotApi(vertx);
    await(api.server.listen(0, "127.0.0.1"));
    return api;
  }

  void stop() {
    await(server.close());
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The account of the test bot, pointed at this server. */
  AccountConfig account() {
    return new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, TOKEN,
        TelegramChannelPlugin.SECRET_TOKEN, "wh-secret_0123456789",
        TelegramChannelPlugin.API_BASE_URL, baseUrl() + "/"));
  }

  ChannelContext context(HttpClient client) {
    return context(client, account());
  }

  ChannelContext context(HttpClient client, AccountConfig account) {
    return new ChannelContext(vertx, client, new TenantId("acme"), ChannelId.TELEGRAM, account);
  }

  /** Forgets requests, scripts and state. */
  void reset() {
    requests.clear();
    scripted.clear();
    migratedChats.clear();
    blockedBy.clear();
    texts.clear();
    nextMessageId.set(1000);
    webhook = noWebhook();
  }

  /** What getWebhookInfo says while no webhook is set. */
  private static JsonObject noWebhook() {
    return new JsonObject().put("url", "").put("has_custom_certificate", false).put("pending_update_count", 0);
  }

  /** Answers the next request with {@code reply} instead of the normal behaviour. */
  void enqueue(Reply reply) {
    scripted.add(reply);
  }

  /** The group {@code oldId} was upgraded to the supergroup {@code newId}. */
  void migrate(long oldId, long newId) {
    migratedChats.put(oldId, newId);
  }

  /** The user {@code chatId} blocked the bot. */
  void blockedBy(long chatId) {
    blockedBy.add(chatId);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  Request onlyRequest() {
    List<Request> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + all.size() + ": " + all);
    }
    return all.get(0);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      String path = request.path();
      String prefix = "/bot" + TOKEN + "/";
      String method = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
      JsonObject body = buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject();
      requests.add(new Request(method, path, body));
      Reply reply = scripted.poll();
      if (reply == null || reply.status() < 0) {
        reply = !"POST".equals(request.method().name()) ? Reply.error(405, "Method Not Allowed")
            : method != null ? answer(method, body)
            : path.startsWith("/bot") ? Reply.error(401, "Unauthorized") : Reply.error(404, "Not Found");
      }
      if (reply.status() == 0) {
        return; // never answers
      }
      var response = request.response().setStatusCode(reply.status());
      response.putHeader("Content-Type", "application/json");
      reply.headers().forEach(response::putHeader);
      response.end(reply.body());
    });
  }

  private Reply answer(String method, JsonObject body) {
    Reply refusal = chatRefusal(body.getValue("chat_id"));
    if (refusal != null) {
      return refusal;
    }
    return switch (method) {
      case "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVoice", "sendVideo", "sendAnimation",
           "sendSticker", "sendVideoNote", "sendLocation", "sendVenue", "sendContact" -> ok(sent(method, body));
      case "editMessageText" -> edit(body);
      case "setMessageReaction", "sendChatAction", "answerCallbackQuery" -> ok(true);
      case "setWebhook" -> setWebhook(body);
      case "getWebhookInfo" -> ok(webhook);
      default -> Reply.error(404, "Not Found: method not found");
    };
  }

  private Reply chatRefusal(Object chatId) {
    if (chatId == null) {
      return null;
    }
    if (chatId instanceof Number n) {
      Long moved = migratedChats.get(n.longValue());
      if (moved != null) {
        return Reply.error(400, "Bad Request: group chat was upgraded to a supergroup chat",
            new JsonObject().put("migrate_to_chat_id", moved));
      }
      if (blockedBy.contains(n.longValue())) {
        return Reply.error(403, "Forbidden: bot was blocked by the user");
      }
      if (n.longValue() == 0) {
        return Reply.error(400, "Bad Request: chat not found");
      }
    } else if (chatId instanceof String s && !s.equals("@switchboard_news")) {
      return Reply.error(400, "Bad Request: chat not found");
    }
    return null;
  }

  private JsonObject sent(String method, JsonObject body) {
    JsonObject chat = chat(body.getValue("chat_id"));
    long messageId = nextMessageId.getAndIncrement();
    JsonObject message = new JsonObject().put("message_id", messageId);
    if (!"channel".equals(chat.getString("type"))) {
      message.put("from", new JsonObject().put("id", BOT_ID).put("is_bot", true)
          .put("first_name", "Switchboard Test").put("username", "switchboard_test_bot"));
    } else {
      message.put("sender_chat", chat);
    }
    message.put("chat", chat).put("date", System.currentTimeMillis() / 1000);
    switch (method) {
      case "sendMessage" -> message.put("text", body.getString("text"));
      case "sendPhoto" -> message.put("photo", new JsonArray()
          .add(file("AgACAgQAAxkDAAIBQ2Z", 90, 51).put("file_size", 1403))
          .add(file(body.getString("photo"), 320, 180).put("file_size", 14523)));
      case "sendLocation" -> message.put("location", new JsonObject()
          .put("latitude", body.getValue("latitude")).put("longitude", body.getValue("longitude")));
      case "sendContact" -> message.put("contact", new JsonObject()
          .put("phone_number", body.getString("phone_number")).put("first_name", body.getString("first_name")));
      default -> {
        String field = method.substring("send".length());
        field = Character.toLowerCase(field.charAt(0)) + field.substring(1).replace("Note", "_note");
        if (body.containsKey(field)) {
          message.put(field, new JsonObject().put("file_id", body.getString(field))
              .put("file_unique_id", "AgADBQADr6cxG" + messageId).put("file_size", 48213));
        }
      }
    }
    if (body.containsKey("caption")) {
      message.put("caption", body.getString("caption"));
    }
    if (body.containsKey("message_thread_id")) {
      message.put("message_thread_id", body.getValue("message_thread_id")).put("is_topic_message", true);
    }
    if (body.containsKey("reply_markup") && body.getJsonObject("reply_markup").containsKey("inline_keyboard")) {
      message.put("reply_markup", body.getJsonObject("reply_markup"));
    }
    if (message.containsKey("text")) {
      texts.put(chat.getLong("id") + ":" + messageId, message.getString("text"));
    }
    return message;
  }

  private Reply edit(JsonObject body) {
    String key = body.getValue("chat_id") + ":" + body.getValue("message_id");
    String before = texts.get(key);
    if (before == null) {
      return Reply.error(400, "Bad Request: message to edit not found");
    }
    if (before.equals(body.getString("text"))) {
      return Reply.error(400, "Bad Request: message is not modified: specified new message content and reply "
          + "markup are exactly the same as a current content and reply markup of the message");
    }
    texts.put(key, body.getString("text"));
    return ok(new JsonObject().put("message_id", body.getLong("message_id"))
        .put("from", new JsonObject().put("id", BOT_ID).put("is_bot", true).put("first_name", "Switchboard Test")
            .put("username", "switchboard_test_bot"))
        .put("chat", chat(body.getValue("chat_id")))
        .put("date", System.currentTimeMillis() / 1000 - 60)
        .put("edit_date", System.currentTimeMillis() / 1000)
        .put("text", body.getString("text")));
  }

  private Reply setWebhook(JsonObject body) {
    String url = body.getString("url", "");
    if (!url.isEmpty() && !url.startsWith("https://")) {
      return Reply.error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
    }
    webhook = new JsonObject().put("url", url).put("has_custom_certificate", false).put("pending_update_count", 0)
        .put("max_connections", body.getInteger("max_connections", 40))
        .put("ip_address", "203.0.113.7");
    if (body.containsKey("allowed_updates")) {
      webhook.put("allowed_updates", body.getJsonArray("allowed_updates"));
    }
    return json(new JsonObject().put("ok", true).put("result", true).put("description", "Webhook was set"));
  }

  /** Replaces what {@code getWebhookInfo} reports. */
  void webhookInfo(JsonObject info) {
    webhook = info;
  }

  private static JsonObject chat(Object chatId) {
    if (chatId instanceof String) {
      return new JsonObject().put("id", CHANNEL_ID).put("title", "Switchboard News")
          .put("username", "switchboard_news").put("type", "channel");
    }
    long id = ((Number) chatId).longValue();
    if (id > 0) {
      return new JsonObject().put("id", id).put("first_name", "Ada").put("last_name", "Lovelace")
          .put("username", "ada_l").put("type", "private");
    }
    return new JsonObject().put("id", id).put("title", "Switchboard Testers")
        .put("type", String.valueOf(id).startsWith("-100") ? "supergroup" : "group");
  }

  private static JsonObject file(String fileId, int width, int height) {
    return new JsonObject().put("file_id", fileId).put("file_unique_id", "AQADr6cxG" + width)
        .put("width", width).put("height", height);
  }

  private static Reply ok(Object result) {
    return json(new JsonObject().put("ok", true).put("result", result));
  }

  private static Reply json(JsonObject body) {
    return Reply.json(200, body);
  }
}
