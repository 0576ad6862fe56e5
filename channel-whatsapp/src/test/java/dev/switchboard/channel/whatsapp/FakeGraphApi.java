package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
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
 * A local stand-in for graph.facebook.com: {@code POST /v23.0/<phone-number-id>/messages}, answered
 * as the Cloud API documents it — {@code 200 {"messaging_product", "contacts": [{"input", "wa_id"}]
 * (or "user_id" for a business-scoped user id), "messages": [{"id": "wamid.…"}]}}, {@code 200
 * {"success": true}} for read receipts, and Graph error envelopes with Meta's codes and HTTP
 * statuses (the documented errors are in {@code payloads/graph-errors.json}). It keeps a little state so the
 * common errors arise as they would for real (a wrong token: 401 code 190; a number not on
 * WhatsApp: 131026; a user whose 24 h window closed: 131047 for anything but a template), takes
 * scripted one-off answers for the rest, and records every request.
 */
final class FakeGraphApi {
  /** A made-up token of the shape Meta issues (system-user tokens start with EAA). */
  static final String TOKEN = "EAAJBfakeTestToken0ZCnot4realZBxYz9";
  /** phone_number_id of the examples in Meta's reference. */
  static final String PHONE_NUMBER_ID = "106540352242922";
  static final String VERSION = "v23.0";

  /** A request as received: path, Authorization and Content-Type headers, JSON body. */
  record Request(String path, String authorization, String contentType, JsonObject body) {
  }

  /** A scripted answer; {@code status} 0 means never answer. */
  record Reply(int status, String body, Map<String, String> headers) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, body.encode(), Map.of("Content-Type", "application/json"));
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

  /** The documented error with this code, with the HTTP status Meta answers it with. */
  static Reply documented(int code) {
    for (Object entry : DOCUMENTED) {
      JsonObject error = ((JsonObject) entry).getJsonObject("body");
      if (error.getJsonObject("error").getInteger("code") == code) {
        return Reply.json(((JsonObject) entry).getInteger("httpStatus"), error);
      }
    }
    throw new IllegalArgumentException("no documented error " + code);
  }

  /** A Graph error envelope shaped like Meta's. */
  static Reply graphError(int status, int code, String title, String details) {
    return Reply.json(status, new JsonObject().put("error", new JsonObject()
        .put("message", "(#" + code + ") " + title).put("type", "OAuthException").put("code", code)
        .put("error_data", new JsonObject().put("messaging_product", "whatsapp").put("details", details))
        .put("fbtrace_id", "AbCdEfGhIjKlMnOpQrStUvW")));
  }

  /** What a proxy in front of the Graph API answers when it cannot reach it. */
  static Reply gatewayPage() {
    return new Reply(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        Map.of("Content-Type", "text/html"));
  }

  /** Every documented error: {@code [{"httpStatus": …, "body": {"error": {…}}}]}. */
  static final JsonArray DOCUMENTED = new JsonArray(Buffer.buffer(Webhooks.fixture("graph-errors.json")));

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Reply> scripted = new ConcurrentLinkedDeque<>();
  private final Set<String> notOnWhatsApp = ConcurrentHashMap.newKeySet();
  private final Set<String> windowClosed = ConcurrentHashMap.newKeySet();
  private final AtomicLong sent = new AtomicLong();

  private FakeGraphApi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static FakeGraphApi start(Vertx vertx) {
    FakeGraphApi api = new FakeGraphApi(vertx);
    await(api.server.listen(0, "127.0.0.1"));
    return api;
  }

  void stop() {
    await(server.close());
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/" + VERSION;
  }

  /** The account of the test number, pointed at this server. */
  AccountConfig account() {
    return account(TOKEN);
  }

  AccountConfig account(String accessToken) {
    return new AccountConfig(Map.of(
        WhatsAppChannelPlugin.PHONE_NUMBER_ID, PHONE_NUMBER_ID,
        WhatsAppChannelPlugin.APP_SECRET, Webhooks.APP_SECRET,
        WhatsAppChannelPlugin.VERIFY_TOKEN, Webhooks.VERIFY_TOKEN,
        WhatsAppChannelPlugin.ACCESS_TOKEN, accessToken,
        WhatsAppChannelPlugin.API_BASE_URL, baseUrl() + "/"));
  }

  ChannelContext context(HttpClient client) {
    return context(client, account());
  }

  ChannelContext context(HttpClient client, AccountConfig account) {
    return new ChannelContext(vertx, client, new TenantId("acme"), ChannelId.WHATSAPP, account);
  }

  /** Forgets requests, scripts and state. */
  void reset() {
    requests.clear();
    scripted.clear();
    notOnWhatsApp.clear();
    windowClosed.clear();
    sent.set(0);
  }

  /** Answers the next request with {@code reply} instead of the normal behaviour. */
  void enqueue(Reply reply) {
    scripted.add(reply);
  }

  /** The number (digits) has no WhatsApp account. */
  void notOnWhatsApp(String digits) {
    notOnWhatsApp.add(digits);
  }

  /** The user's last message is more than 24 h old: only templates go through. */
  void windowClosed(String digits) {
    windowClosed.add(digits);
  }

  /** The wamid the n-th accepted message (from 1) was given. */
  static String wamid(long n) {
    return "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RT" + n;
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
      JsonObject body = parse(buffer);
      requests.add(new Request(request.path(), request.getHeader("Authorization"), request.getHeader("Content-Type"),
          body));
      Reply reply = scripted.poll();
      if (reply == null) {
        reply = answer(request, body);
      }
      if (reply.status() == 0) {
        return; // never answers
      }
      var response = request.response().setStatusCode(reply.status());
      reply.headers().forEach((name, value) -> {
        if (name.equalsIgnoreCase("Transfer-Encoding")) {
          response.setChunked(true);
        } else {
          response.putHeader(name, value);
        }
      });
      response.end(reply.body());
    });
  }

  private Reply answer(HttpServerRequest request, JsonObject body) {
    if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
      return Reply.json(401, new JsonObject().put("error", new JsonObject()
          .put("message", "Invalid OAuth access token - Cannot parse access token").put("type", "OAuthException")
          .put("code", 190).put("fbtrace_id", "A7c2pCeFnCJ0GrGMbpKJXMV")));
    }
    if (!request.path().equals("/" + VERSION + "/" + PHONE_NUMBER_ID + "/messages")) {
      return graphError(400, 100, "Invalid parameter", "Unsupported post request. Object with ID '"
          + request.path() + "' does not exist, cannot be loaded due to missing permissions, or does not support "
          + "this operation.");
    }
    if (body == null || !"whatsapp".equals(body.getString("messaging_product"))) {
      return graphError(400, 100, "Invalid parameter", "The parameter messaging_product is required.");
    }
    if ("read".equals(body.getString("status"))) {
      return Reply.json(200, new JsonObject().put("success", true));
    }
    String to = body.getString("to");
    if (to != null && notOnWhatsApp.contains(to)) {
      return documented(131026);
    }
    if (to != null && windowClosed.contains(to) && !"template".equals(body.getString("type"))) {
      return documented(131047);
    }
    JsonObject contact = to != null ? new JsonObject().put("input", to).put("wa_id", to)
        : new JsonObject().put("input", body.getString("recipient")).put("user_id", body.getString("recipient"));
    return Reply.json(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(contact))
        .put("messages", new JsonArray().add(new JsonObject().put("id", wamid(sent.incrementAndGet())))));
  }

  private static JsonObject parse(Buffer buffer) {
    try {
      return buffer.length() == 0 ? null : buffer.toJsonObject();
    } catch (DecodeException e) {
      return null;
    }
  }

}
