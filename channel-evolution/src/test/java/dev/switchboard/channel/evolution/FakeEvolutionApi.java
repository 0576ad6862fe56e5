package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A local stand-in for an Evolution API 2.3 server (Baileys integration), answering the way the
 * real one does (sources: {@code src/main.ts} error body, {@code src/api/guards/*} — the instance
 * check runs before the {@code apikey} check —, {@code sendMessageWithTyping}, the webhook router):
 * <ul>
 *   <li>201 with the created message in the {@code send.message} shape, {@code key.id} included;</li>
 *   <li>404 {@code ["The \"x\" instance does not exist"]} for an unknown instance;</li>
 *   <li>401 {@code "Unauthorized"} without the global key or the instance's token;</li>
 *   <li>400 {@code [{"jid", "exists": false, "number"}]} for a number not on WhatsApp;</li>
 *   <li>400 {@code ["Error: Connection Closed"]} once {@link #disconnect()}ed;</li>
 *   <li>400 JSON-schema messages for a contact card whose phoneNumber is too short;</li>
 *   <li>{@code /webhook/set} (the 2.3 nested body) and {@code /webhook/find}.</li>
 * </ul>
 * One-off answers ({@link #answerNext}) and {@link #hang()} cover 500s, proxies and timeouts.
 * Every request is recorded with the {@code apikey} header it carried.
 */
final class FakeEvolutionApi {

  static final String GLOBAL_KEY = "global-key-B6D711FCDE4D";

  /** One request as received. */
  record Recorded(HttpMethod method, String path, String apikey, JsonObject body) {
  }

  private record Canned(int status, String contentType, String body, Map<String, String> headers) {
  }

  private final Map<String, String> instanceTokens = new ConcurrentHashMap<>();
  private final Map<String, String> instanceIds = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> webhooks = new ConcurrentHashMap<>();
  private final Set<String> onWhatsApp = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedDeque<Canned> canned = new ConcurrentLinkedDeque<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile boolean connected = true;
  private volatile boolean hanging;
  private volatile String lastKeyId;
  private HttpServer server;

  static FakeEvolutionApi start(Vertx vertx) throws Exception {
    FakeEvolutionApi fake = new FakeEvolutionApi();
    fake.server = vertx.createHttpServer().requestHandler(fake::handle).listen(0).await();
    return fake;
  }

  String url() {
    return "http://localhost:" + server.actualPort();
  }

  /** A tenant account pointing at this server. */
  ChannelContext context(Vertx vertx, HttpClient http, String instance, String apiKey) {
    return new ChannelContext(vertx, http, new TenantId("acme"), ChannelId.EVOLUTION, new AccountConfig(Map.of(
        EvolutionChannelPlugin.SERVER_URL, url() + "/",
        EvolutionChannelPlugin.INSTANCE, instance,
        EvolutionChannelPlugin.API_KEY, apiKey)));
  }

  void close() throws Exception {
    server.close().await();
  }

  /** Adds an instance whose own token is {@code token}. */
  FakeEvolutionApi instance(String name, String token) {
    instanceTokens.put(name, token);
    instanceIds.put(name, UUID.randomUUID().toString());
    return this;
  }

  /** These phone numbers (digits) have WhatsApp; every other number answers exists:false. */
  FakeEvolutionApi onWhatsApp(String... digits) {
    onWhatsApp.addAll(List.of(digits));
    return this;
  }

  /** The WhatsApp session drops: sends fail inside Baileys with "Connection Closed". */
  void disconnect() {
    connected = false;
  }

  /** From now on, requests are read and never answered. */
  void hang() {
    hanging = true;
  }

  /** The next request (after the instance and key checks) gets exactly this answer. */
  void answerNext(int status, String contentType, String body, Map<String, String> headers) {
    canned.add(new Canned(status, contentType, body, headers));
  }

  void answerNext(int status, JsonObject body) {
    answerNext(status, "application/json; charset=utf-8", body.encode(), Map.of());
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  /** The key.id of the last message this server created. */
  String lastKeyId() {
    return lastKeyId;
  }

  Recorded lastRequest() {
    return requests.get(requests.size() - 1);
  }

  /** Evolution's error body. */
  static JsonObject error(int status, String reason, Object message) {
    return new JsonObject().put("status", status).put("error", reason)
        .put("response", new JsonObject().put("message", message));
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(bytes -> {
      JsonObject body = null;
      if (bytes.length() > 0) {
        try {
          body = bytes.toJsonObject();
        } catch (DecodeException e) {
          body = new JsonObject().put("unparseable", bytes.toString());
        }
      }
      requests.add(new Recorded(request.method(), request.path(), request.getHeader("apikey"), body));
      route(request, body);
    });
  }

  private void route(HttpServerRequest request, JsonObject body) {
    String[] parts = request.path().split("/");
    // "", section, action, instance
    if (parts.length != 4) {
      notFound(request);
      return;
    }
    String section = parts[1];
    String action = parts[2];
    String instance = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    if (!instanceTokens.containsKey(instance)) {
      json(request, 404, error(404, "Not Found", new JsonArray().add("The \"" + instance + "\" instance does not exist")));
      return;
    }
    String key = request.getHeader("apikey");
    if (key == null || !(key.equals(GLOBAL_KEY) || key.equals(instanceTokens.get(instance)))) {
      json(request, 401, error(401, "Unauthorized", "Unauthorized"));
      return;
    }
    Canned next = canned.poll();
    if (next != null) {
      next.headers().forEach(request.response()::putHeader);
      request.response().setStatusCode(next.status()).putHeader("Content-Type", next.contentType()).end(next.body());
      return;
    }
    if (hanging) {
      return;
    }
    if (section.equals("message") && request.method() == HttpMethod.POST) {
      send(request, instance, action, body == null ? new JsonObject() : body);
    } else if (section.equals("webhook") && action.equals("set") && request.method() == HttpMethod.POST) {
      setWebhook(request, instance, body == null ? new JsonObject() : body);
    } else if (section.equals("webhook") && action.equals("find") && request.method() == HttpMethod.GET) {
      JsonObject webhook = webhooks.get(instance);
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(webhook == null ? "null" : webhook.encode());
    } else {
      notFound(request);
    }
  }

  private void send(HttpServerRequest request, String instance, String action, JsonObject body) {
    String number = action.equals("sendReaction")
        ? body.getJsonObject("key", new JsonObject()).getString("remoteJid", "")
        : body.getString("number", "");
    if (action.equals("sendContact")) {
      JsonArray contacts = body.getJsonArray("contact", new JsonArray());
      for (int i = 0; i < contacts.size(); i++) {
        String phone = contacts.getJsonObject(i).getString("phoneNumber", "");
        if (phone.length() < 10) {
          json(request, 400, error(400, "Bad Request", new JsonArray().add(new JsonArray()
              .add("instance.contact[" + i + "].phoneNumber does not meet minimum length of 10"))));
          return;
        }
      }
    }
    String jid = number.contains("@") ? number : number.replaceAll("\\D", "") + "@s.whatsapp.net";
    String digits = jid.split("@")[0];
    boolean exists = jid.endsWith("@g.us") || onWhatsApp.contains(digits);
    if (!exists) {
      json(request, 400, error(400, "Bad Request", new JsonArray().add(new JsonObject()
          .put("jid", jid).put("exists", false).put("number", number))));
      return;
    }
    if (!connected) {
      json(request, 400, error(400, "Bad Request", new JsonArray().add("Error: Connection Closed")));
      return;
    }
    String id = "3EB0" + Long.toHexString(ThreadLocalRandom.current().nextLong()).toUpperCase();
    lastKeyId = id;
    JsonObject created = new JsonObject()
        .put("key", new JsonObject().put("remoteJid", jid).put("fromMe", true).put("id", id))
        .put("pushName", "Você")
        .put("status", "PENDING")
        .put("message", new JsonObject().put(messageType(action), new JsonObject()))
        .put("contextInfo", null)
        .put("messageType", messageType(action))
        .put("messageTimestamp", Instant.now().getEpochSecond())
        .put("instanceId", instanceIds.get(instance))
        .put("source", "unknown");
    json(request, 201, created);
  }

  private static String messageType(String action) {
    return switch (action) {
      case "sendText" -> "conversation";
      case "sendMedia" -> "imageMessage";
      case "sendWhatsAppAudio" -> "audioMessage";
      case "sendReaction" -> "reactionMessage";
      case "sendLocation" -> "locationMessage";
      case "sendContact" -> "contactMessage";
      default -> "unknown";
    };
  }

  private void setWebhook(HttpServerRequest request, String instance, JsonObject body) {
    JsonObject webhook = body.getJsonObject("webhook");
    if (webhook == null) {
      json(request, 400, error(400, "Bad Request",
          new JsonArray().add(new JsonArray().add("instance requires property \"webhook\""))));
      return;
    }
    String now = Instant.now().toString();
    JsonObject stored = new JsonObject()
        .put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 25))
        .put("url", webhook.getString("url"))
        .put("headers", webhook.getJsonObject("headers"))
        .put("enabled", webhook.getBoolean("enabled"))
        .put("events", webhook.getJsonArray("events"))
        .put("webhookByEvents", webhook.getBoolean("byEvents", false))
        .put("webhookBase64", webhook.getBoolean("base64", false))
        .put("createdAt", now)
        .put("updatedAt", now)
        .put("instanceId", instanceIds.get(instance));
    webhooks.put(instance, stored);
    json(request, 201, stored);
  }

  private static void notFound(HttpServerRequest request) {
    json(request, 404, error(404, "Not Found",
        new JsonArray().add("Cannot " + request.method().name() + " " + request.path())));
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
