package dev.switchboard.plugin.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * One JSON {@code POST} to a platform API through the host's {@link HttpClient}, for channel
 * senders and registrars: a request timeout, at most a given number of answer bytes read, and a
 * future that never fails. Whatever happens is an {@link Answer}: a status with the body parsed as
 * a JSON object, or why no answer came.
 *
 * <p>Exception messages are never read: Vert.x puts the request URL in them, and some platforms
 * (the Telegram Bot API) carry a secret there. The body text passes {@code scrub} before it is
 * parsed, so an answer that echoes a secret never holds it.
 */
public final class JsonPost {

  /** Why a call got no answer. */
  public enum NoAnswer {
    /** No answer within the request timeout (the platform may still have acted on the request). */
    TIMEOUT,
    /** The connection failed: refused, reset, TLS, DNS, a malformed URL. */
    NETWORK
  }

  /**
   * What came back.
   *
   * @param status           HTTP status, 0 when no answer came
   * @param json             the body as a JSON object; null when it was empty, not a JSON object, or
   *                         over the byte limit (then it was not read to its end)
   * @param retryAfterHeader the {@code Retry-After} header, or null
   * @param noAnswer         null when an answer came, else why none did
   */
  public record Answer(int status, JsonObject json, String retryAfterHeader, NoAnswer noAnswer) {
    public boolean reached() {
      return noAnswer == null;
    }

    /** The {@code Retry-After} header's delta-seconds (0 or more), or null when absent or an HTTP date. */
    public Long retryAfterSeconds() {
      if (retryAfterHeader == null) {
        return null;
      }
      try {
        long seconds = Long.parseLong(retryAfterHeader.strip());
        return seconds >= 0 ? seconds : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private JsonPost() {
  }

  /**
   * Posts {@code body} to {@code url} with {@code headers} (plus JSON content type and accept).
   *
   * @param maxAnswerBytes answers longer than this are not read to their end (the stream is reset)
   * @param scrub          applied to the answer's text before it is parsed (replace secrets)
   * @return a future that always succeeds
   */
  public static Future<Answer> post(Vertx vertx, HttpClient http, String url, Map<String, String> headers,
                                    JsonObject body, Duration timeout, int maxAnswerBytes, UnaryOperator<String> scrub) {
    if (Vertx.currentContext() != null) {
      return exchange(http, url, headers, body, timeout, maxAnswerBytes, scrub);
    }
    // Off a Vert.x thread the response can arrive before its handlers are set, and the body is
    // then lost: run the exchange on a context (bridging a foreign caller).
    Promise<Answer> answer = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v ->
        exchange(http, url, headers, body, timeout, maxAnswerBytes, scrub).onComplete(answer));
    return answer.future();
  }

  private static Future<Answer> exchange(HttpClient http, String url, Map<String, String> headers, JsonObject body,
                                         Duration timeout, int maxAnswerBytes, UnaryOperator<String> scrub) {
    long timeoutMs = Math.max(1, timeout.toMillis());
    Future<Answer> answer;
    try {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(url)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.ACCEPT, "application/json")
          .setConnectTimeout(timeoutMs)
          .setIdleTimeout(timeoutMs);
      headers.forEach(options::putHeader);
      answer = http.request(options)
          .compose(request -> request.send(body.toBuffer()))
          .compose(response -> boundedBody(response, maxAnswerBytes).map(bytes -> new Answer(response.statusCode(),
              jsonObject(bytes, scrub), response.getHeader(HttpHeaders.RETRY_AFTER), null)))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    // Only the failure's type is looked at, never its message.
    return answer.recover(failure -> Future.succeededFuture(
        new Answer(0, null, null, isTimeout(failure) ? NoAnswer.TIMEOUT : NoAnswer.NETWORK)));
  }

  /** The response body, or null once it passes {@code max} bytes (the stream is then reset). */
  private static Future<Buffer> boundedBody(HttpClientResponse response, int max) {
    // Bridges the response's stream callbacks; settled once (end, overflow or error).
    Promise<Buffer> body = Promise.promise();
    response.exceptionHandler(body::tryFail);
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > max) {
      body.complete(null);
      response.request().reset();
      return body.future();
    }
    Buffer bytes = Buffer.buffer();
    response.handler(chunk -> {
      if (body.future().isComplete()) {
        return;
      }
      if (bytes.length() + chunk.length() > max) {
        body.complete(null);
        response.request().reset();
      } else {
        bytes.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> body.tryComplete(bytes));
    return body.future();
  }

  private static JsonObject jsonObject(Buffer bytes, UnaryOperator<String> scrub) {
    if (bytes == null || bytes.length() == 0) {
      return null;
    }
    try {
      return Json.decodeValue(scrub.apply(bytes.toString(StandardCharsets.UTF_8))) instanceof JsonObject object
          ? object : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  /** True for an absolute http(s) URL with a host and without a query or fragment. */
  public static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (Exception e) {
      return false;
    }
  }
}
