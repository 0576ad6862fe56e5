package dev.switchboard.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local HTTP server standing in for a platform API at its HTTP boundary: each path answers with
 * the status and JSON body a test sets (the platform's documented envelopes), and every request is
 * recorded.
 */
public final class FakePlatform implements AutoCloseable {
  /** One recorded call; {@code atNanos} is {@link System#nanoTime()} when it arrived. */
  public record Call(String method, String path, Map<String, String> headers, String body, long atNanos) {
    public JsonObject json() {
      return body == null || body.isEmpty() ? new JsonObject() : new JsonObject(body);
    }
  }

  /**
   * An answer: status, JSON body, extra headers, and how long to wait before answering
   * ({@link #NEVER}: hold the request open without answering, like a platform that hangs); or,
   * with {@code later}, the answer that stage completes with, given when the test completes it.
   */
  public record Answer(int status, JsonObject body, Map<String, String> headers, long delayMillis,
                       CompletionStage<Answer> later) {
    public static final long NEVER = -1;

    public Answer(int status, JsonObject body, Map<String, String> headers, long delayMillis) {
      this(status, body, headers, delayMillis, null);
    }

    public Answer(int status, JsonObject body) {
      this(status, body, Map.of(), 0);
    }

    public Answer withHeader(String name, String value) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Answer(status, body, h, delayMillis, later);
    }

    public static Answer hang() {
      return new Answer(0, new JsonObject(), Map.of(), NEVER);
    }

    /** Holds the request open until {@code later} completes, then answers what it completed with. */
    public static Answer when(CompletionStage<Answer> later) {
      return new Answer(0, new JsonObject(), Map.of(), 0, later);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Function<Call, Answer>> routes = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  public FakePlatform() {
    server = listen(vertx, this::handle);
  }

  /** A server of {@code vertx} on a free loopback port, listening when this returns (the fakes' and bots'). */
  static HttpServer listen(Vertx vertx, io.vertx.core.Handler<HttpServerRequest> handler) {
    HttpServer server = vertx.createHttpServer().requestHandler(handler);
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return server;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Answers {@code path} (exact) with what {@code answer} returns for the call. */
  public FakePlatform on(String path, Function<Call, Answer> answer) {
    routes.put(path, answer);
    return this;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The recorded calls to {@code path}. */
  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  public void clear() {
    calls.clear();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      Map<String, String> headers = new ConcurrentHashMap<>();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      Call call = new Call(request.method().name(), request.path(), headers, buffer.toString(), System.nanoTime());
      calls.add(call);
      Function<Call, Answer> route = routes.get(request.path());
      Answer answer = route == null
          ? new Answer(404, new JsonObject().put("ok", false).put("error_code", 404)
              .put("description", "Not Found: method not found"))
          : route.apply(call);
      if (answer.later() != null) {
        io.vertx.core.Context context = vertx.getOrCreateContext();
        answer.later().thenAccept(a -> context.runOnContext(v -> reply(request, a)));
        return;
      }
      reply(request, answer);
    });
  }

  private void reply(HttpServerRequest request, Answer answer) {
    if (answer.delayMillis() == Answer.NEVER) {
      return;
    }
    Runnable reply = () -> {
      var response = request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json");
      answer.headers().forEach(response::putHeader);
      response.end(answer.body().encode());
    };
    if (answer.delayMillis() > 0) {
      vertx.setTimer(answer.delayMillis(), id -> reply.run());
    } else {
      reply.run();
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
