package dev.switchboard.gateway.ai;

import dev.switchboard.plugin.http.JsonPost;
import dev.switchboard.plugin.json.JsonFields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/**
 * Calls an OpenAI-compatible API ({@code POST {baseUrl}/chat/completions}, {@code /embeddings}) through
 * the host's pooled HTTP client: one answer per call (no streaming), bounded in time and size, and
 * classified. The API key goes only in the {@code Authorization} header and is scrubbed from answers
 * (some servers echo it in their errors); it is never logged or kept in a {@link Call}.
 */
public final class ModelClient {
  /** Largest answer read: a chat answer is bounded by {@code max_tokens}, an embedding by its dimensions. */
  static final int MAX_ANSWER_BYTES = 2 * 1024 * 1024;

  /**
   * Where to call.
   *
   * @param baseUrl e.g. {@code https://api.openai.com/v1} (no trailing slash)
   * @param apiKey  the bearer token, or null for servers without one
   */
  public record Endpoint(String baseUrl, String apiKey, Duration timeout) {
    @Override
    public String toString() {
      return "Endpoint[" + baseUrl + "]"; // never the key
    }
  }

  /**
   * One classified call.
   *
   * @param outcome          as in {@code ai_requests.outcome}
   * @param status           HTTP status, 0 without an answer
   * @param content          the chat answer's text ({@code choices[0].message.content}), or null
   * @param vector           the embedding in pgvector text form, or null
   * @param retryAfterSeconds the provider's {@code Retry-After}, or null
   * @param error            the provider's {@code error.code}/{@code error.type} and message, clipped, or null
   */
  public record Call(String outcome, int status, int latencyMs, int promptTokens, int completionTokens,
                     String content, String vector, Long retryAfterSeconds, String error) {
    public boolean ok() {
      return "ok".equals(outcome);
    }

    /** Worth trying again later: no answer in time, a broken connection, throttled, or the provider's fault. */
    public boolean retryable() {
      return switch (outcome) {
        case "timeout", "network", "rate_limited", "server_error" -> true;
        default -> false;
      };
    }
  }

  private ModelClient() {
  }

  /** {@code POST /chat/completions} with {@code body} (model, messages, …; {@code stream} is never set). */
  public static Future<Call> chat(Vertx vertx, HttpClient http, Endpoint endpoint, JsonObject body) {
    return post(vertx, http, endpoint, "/chat/completions", body.copy().put("stream", false), true);
  }

  /** {@code POST /embeddings} of one input. */
  public static Future<Call> embed(Vertx vertx, HttpClient http, Endpoint endpoint, String model, String input) {
    return post(vertx, http, endpoint, "/embeddings", new JsonObject().put("model", model).put("input", input), false);
  }

  private static Future<Call> post(Vertx vertx, HttpClient http, Endpoint endpoint, String path, JsonObject body,
                                   boolean chat) {
    String key = endpoint.apiKey();
    Map<String, String> headers = key == null || key.isBlank() ? Map.of() : Map.of("Authorization", "Bearer " + key);
    long start = System.nanoTime();
    return JsonPost.post(vertx, http, endpoint.baseUrl() + path, headers, body, endpoint.timeout(), MAX_ANSWER_BYTES,
            text -> key == null || key.isBlank() ? text : text.replace(key, "***"))
        .map(answer -> classify(answer, (int) ((System.nanoTime() - start) / 1_000_000), chat));
  }

  /** What an answer means, as the OpenAI API documents its answers and error bodies. */
  static Call classify(JsonPost.Answer a, int latencyMs, boolean chat) {
    if (!a.reached()) {
      return new Call(a.noAnswer() == JsonPost.NoAnswer.TIMEOUT ? "timeout" : "network", 0, latencyMs, 0, 0, null, null,
          null, a.noAnswer() == JsonPost.NoAnswer.TIMEOUT ? "no answer within the timeout" : "connection failed");
    }
    JsonObject usage = JsonFields.object(a.json(), "usage");
    int prompt = tokens(usage, "prompt_tokens");
    int completion = tokens(usage, "completion_tokens");
    if (a.status() >= 200 && a.status() < 300) {
      if (chat) {
        JsonArray choices = JsonFields.array(a.json(), "choices");
        JsonObject first = choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject o) ? null : o;
        String content = JsonFields.nonBlank(JsonFields.object(first, "message"), "content");
        return content == null
            ? new Call("bad_answer", a.status(), latencyMs, prompt, completion, null, null, null,
                "the answer has no choices[0].message.content" + finishReason(first))
            : new Call("ok", a.status(), latencyMs, prompt, completion, content.strip(), null, null, null);
      }
      JsonArray data = JsonFields.array(a.json(), "data");
      JsonObject first = data == null || data.isEmpty() || !(data.getValue(0) instanceof JsonObject o) ? null : o;
      String vector = Vectors.fromJson(JsonFields.array(first, "embedding"));
      return vector == null
          ? new Call("bad_answer", a.status(), latencyMs, prompt, 0, null, null, null,
              "the answer has no data[0].embedding list of numbers")
          : new Call("ok", a.status(), latencyMs, prompt, 0, null, vector, null, null);
    }
    JsonObject error = JsonFields.object(a.json(), "error");
    String code = JsonFields.nonBlank(error, "code") != null ? JsonFields.nonBlank(error, "code") : JsonFields.nonBlank(error, "type");
    String message = JsonFields.nonBlank(error, "message");
    String detail = "http_" + a.status() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + clip(message));
    String outcome;
    if (a.status() == 429) {
      // a quota that ran out is no throttle: waiting will not help
      outcome = "insufficient_quota".equals(code) ? "client_error" : "rate_limited";
    } else if (a.status() >= 500 || a.status() == 408 || a.status() == 409) {
      outcome = "server_error";
    } else {
      outcome = "client_error";
    }
    return new Call(outcome, a.status(), latencyMs, 0, 0, null, null, a.retryAfterSeconds(), detail);
  }

  private static String finishReason(JsonObject choice) {
    String reason = JsonFields.nonBlank(choice, "finish_reason");
    return reason == null ? "" : " (finish_reason " + reason + ")";
  }

  private static int tokens(JsonObject usage, String field) {
    return usage != null && usage.getValue(field) instanceof Number n ? Math.max(0, n.intValue()) : 0;
  }

  static String clip(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }
}
