package dev.switchboard.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
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
  /** One recorded call. */
  public record Call(String method, String path, Map<String, String> headers, String body) {
    public JsonObject json() {
      return body == null || body.isEmpty() ? new JsonObject() : new JsonObject(body);
    }
  }

  /** An answer: status and JSON body. */
  public record Answer(int status, JsonObject body) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Function<Call, Answer>> routes = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  public FakePlatform() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      Map<String, String> headers = new ConcurrentHashMap<>();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      Call call = new Call(request.method().name(), request.path(), headers, buffer.toString());
      calls.add(call);
      Function<Call, Answer> route = routes.get(request.path());
      Answer answer = route == null
          ? new Answer(404, new JsonObject().put("ok", false).put("error_code", 404)
              .put("description", "Not Found: method not found"))
          : route.apply(call);
      request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
          .end(answer.body().encode());
    });
  }

  @Override
  public void close() {
    vertx.close();
  }
}
