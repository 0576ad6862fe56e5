package dev.switchboard.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local OpenAI-compatible API that answers exactly as the OpenAI API reference documents:
 * {@code POST /v1/chat/completions} ({@code chat.completion} objects with {@code choices[0].message}
 * and {@code usage}), {@code POST /v1/embeddings} ({@code list} of {@code embedding} objects with
 * {@code usage}), and the error envelope {@code {"error":{"message","type","param","code"}}} with
 * the statuses OpenAI uses (401 wrong key, 429 rate limit with {@code retry-after}, 500). Every
 * request is recorded. Embeddings are a bag of words hashed into {@code dimensions} numbers and
 * normalised, so texts that share words are near in cosine distance.
 */
public final class FakeModel implements AutoCloseable {
  /** One recorded call. */
  public record Call(String path, String authorization, JsonObject body, long atNanos) {
    /** The chat call's messages, in order. */
    public List<JsonObject> messages() {
      return body.getJsonArray("messages", new JsonArray()).stream().map(JsonObject.class::cast).toList();
    }

    /** The text of all messages, for "is it in the prompt?" checks. */
    public String promptText() {
      StringBuilder b = new StringBuilder();
      messages().forEach(m -> b.append(m.getString("role")).append(": ").append(m.getString("content")).append('\n'));
      return b.toString();
    }
  }

  /** What the chat endpoint answers. */
  public sealed interface Reply {
    record Text(String content) implements Reply {
    }

    record Error(int status, String type, String code, String message, Map<String, String> headers) implements Reply {
    }

    /** Never answers (the request times out on the caller's side). */
    record Hang() implements Reply {
    }

    static Reply text(String content) {
      return new Text(content);
    }

    /** OpenAI's 429 for a rate limit, with {@code retry-after}. */
    static Reply rateLimited(int retryAfterSeconds) {
      return new Error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini in organization "
          + "org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in "
          + retryAfterSeconds + "s.", Map.of("retry-after", Integer.toString(retryAfterSeconds)));
    }

    /** OpenAI's 500. */
    static Reply serverError() {
      return new Error(500, "server_error", null, "The server had an error while processing your request. Sorry about that!",
          Map.of());
    }

    static Reply hang() {
      return new Hang();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String apiKey;
  private final int dimensions;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, ConcurrentLinkedDeque<Reply>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Function<Call, Reply> chat = call -> Reply.text("You said: " + lastUser(call));

  public FakeModel(String apiKey, int dimensions) {
    this.apiKey = apiKey;
    this.dimensions = dimensions;
    server = FakePlatform.listen(vertx, this::handle);
  }

  /** The base URL a tenant configures ({@code …/v1}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** How chat calls are answered when no scripted reply is left. */
  public FakeModel chat(Function<Call, Reply> answer) {
    this.chat = answer;
    return this;
  }

  /**
   * The next chat calls whose last user message is {@code userText} are answered with these, in
   * order, before {@link #chat}'s function.
   */
  public FakeModel script(String userText, Reply... replies) {
    scripts.computeIfAbsent(userText, k -> new ConcurrentLinkedDeque<>()).addAll(List.of(replies));
    return this;
  }

  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  public List<Call> chats() {
    return calls("/v1/chat/completions");
  }

  /** The chat calls whose last user message is {@code text}. */
  public List<Call> chatsAbout(String text) {
    return chats().stream().filter(c -> text.equals(lastUser(c))).toList();
  }

  public static String lastUser(Call call) {
    List<JsonObject> messages = call.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).getString("role"))) {
        return messages.get(i).getString("content");
      }
    }
    return null;
  }

  public static String system(Call call) {
    return call.messages().isEmpty() || !"system".equals(call.messages().get(0).getString("role")) ? null
        : call.messages().get(0).getString("content");
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      JsonObject body;
      try {
        body = buffer.length() == 0 ? new JsonObject() : new JsonObject(buffer);
      } catch (RuntimeException e) {
        error(request, new Reply.Error(400, "invalid_request_error", null, "We could not parse the JSON body of your "
            + "request.", Map.of()));
        return;
      }
      Call call = new Call(request.path(), request.getHeader("Authorization"), body, System.nanoTime());
      calls.add(call);
      if (!("Bearer " + apiKey).equals(call.authorization())) {
        error(request, new Reply.Error(401, "invalid_request_error", "invalid_api_key",
            "Incorrect API key provided. You can find your API key in your account settings.", Map.of()));
        return;
      }
      switch (request.path()) {
        case "/v1/chat/completions" -> chat(request, call);
        case "/v1/embeddings" -> embeddings(request, body);
        default -> error(request, new Reply.Error(404, "invalid_request_error", "unknown_url",
            "Unknown request URL: POST " + request.path() + ".", Map.of()));
      }
    });
  }

  private void chat(HttpServerRequest request, Call call) {
    String user = lastUser(call);
    Reply reply = user == null || !scripts.containsKey(user) ? null : scripts.get(user).poll();
    if (reply == null) {
      reply = chat.apply(call);
    }
    if (reply instanceof Reply.Hang) {
      return;
    }
    if (reply instanceof Reply.Error e) {
      error(request, e);
      return;
    }
    String content = ((Reply.Text) reply).content();
    int prompt = 0;
    for (JsonObject m : call.messages()) {
      prompt += tokens(m.getString("content", "")) + 4;
    }
    int completion = tokens(content);
    JsonObject answer = new JsonObject()
        .put("id", "chatcmpl-" + Long.toHexString(System.nanoTime()))
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", call.body().getString("model"))
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", content).put("refusal", (String) null))
            .put("logprobs", (String) null).put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
            .put("total_tokens", prompt + completion))
        .put("system_fingerprint", "fp_fake");
    request.response().putHeader("Content-Type", "application/json").end(answer.encode());
  }

  private void embeddings(HttpServerRequest request, JsonObject body) {
    String input = body.getValue("input") instanceof String s ? s : String.valueOf(body.getValue("input"));
    JsonArray embedding = new JsonArray();
    for (float f : embedding(input)) {
      embedding.add(f);
    }
    int tokens = tokens(input);
    JsonObject answer = new JsonObject().put("object", "list")
        .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("embedding", embedding)
            .put("index", 0)))
        .put("model", body.getString("model"))
        .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    request.response().putHeader("Content-Type", "application/json").end(answer.encode());
  }

  /** A bag of words (lower case, letters and digits) hashed into the vector, normalised; never all zero. */
  public float[] embedding(String text) {
    float[] v = new float[dimensions];
    v[0] = 0.05f;
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (word.length() > 2) {
        v[Math.floorMod(word.hashCode(), dimensions)] += 1f;
      }
    }
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / Math.sqrt(norm));
    }
    return v;
  }

  private static int tokens(String s) {
    return Math.max(1, (s.length() + 3) / 4);
  }

  private static void error(HttpServerRequest request, Reply.Error e) {
    var response = request.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json");
    e.headers().forEach(response::putHeader);
    response.end(new JsonObject().put("error", new JsonObject().put("message", e.message()).put("type", e.type())
        .put("param", (String) null).put("code", e.code())).encode());
  }

  @Override
  public void close() {
    vertx.close();
  }
}
