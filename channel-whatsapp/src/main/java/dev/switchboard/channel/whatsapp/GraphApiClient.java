package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the Cloud API for one business number: {@code POST <apiBaseUrl>/<phone-number-id>/messages}
 * with a JSON body and {@code Authorization: Bearer <accessToken>}, through the host's HTTP client,
 * with a request timeout and at most {@value #MAX_RESPONSE_BYTES} bytes of answer read (Graph
 * answers are a few hundred bytes; anything bigger is not one, and reading stops there). Every call
 * completes with a {@link GraphApiAnswer}, never a failed future.
 *
 * <p>The access token lives in the request header only: never in the URL, an answer, an
 * exception message or {@link #toString()}. Exception messages are not read at all, and an answer
 * body that echoes the token has it replaced before it is parsed.
 */
final class GraphApiClient {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final String REDACTED = "<access token>";

  private final Vertx vertx;
  private final HttpClient http;
  private final String messagesUrl;
  private final String accessToken;
  private final long timeoutMs;

  private GraphApiClient(Vertx vertx, HttpClient http, String messagesUrl, String accessToken, long timeoutMs) {
    this.vertx = vertx;
    this.http = http;
    this.messagesUrl = messagesUrl;
    this.accessToken = accessToken;
    this.timeoutMs = timeoutMs;
  }

  /**
   * A client for the account's {@code phoneNumberId}, {@code accessToken} and {@code apiBaseUrl}.
   *
   * @throws IllegalArgumentException naming the unusable setting; the message never holds the token
   */
  static GraphApiClient forAccount(ChannelContext context, Duration timeout) {
    AccountConfig account = context.account();
    String token = account.get(WhatsAppChannelPlugin.ACCESS_TOKEN);
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(WhatsAppChannelPlugin.ACCESS_TOKEN
          + " is not set: sending needs a system-user access token with whatsapp_business_messaging");
    }
    String phoneNumberId = account.get(WhatsAppChannelPlugin.PHONE_NUMBER_ID);
    if (phoneNumberId == null || !phoneNumberId.strip().matches("\\d{1,30}")) {
      throw new IllegalArgumentException(WhatsAppChannelPlugin.PHONE_NUMBER_ID
          + " must be the number's phone_number_id (digits)");
    }
    String base = account.getOrDefault(WhatsAppChannelPlugin.API_BASE_URL, WhatsAppChannelPlugin.DEFAULT_API_BASE_URL)
        .strip().replaceAll("/+$", "");
    if (!isHttpUrl(base)) {
      throw new IllegalArgumentException(WhatsAppChannelPlugin.API_BASE_URL + " must be an http(s) URL such as "
          + WhatsAppChannelPlugin.DEFAULT_API_BASE_URL);
    }
    return new GraphApiClient(context.vertx(), context.httpClient(), base + "/" + phoneNumberId.strip() + "/messages",
        token.strip(), Math.max(1, timeout.toMillis()));
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (Exception e) {
      return false;
    }
  }

  /** Posts {@code body} to the messages edge; the future always succeeds. */
  Future<GraphApiAnswer> postMessage(JsonObject body) {
    if (Vertx.currentContext() != null) {
      return exchange(body);
    }
    // Off a Vert.x thread the response can arrive before its handlers are set, and the body is
    // then lost: run the exchange on a context (bridging a foreign caller).
    Promise<GraphApiAnswer> answer = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> exchange(body).onComplete(answer));
    return answer.future();
  }

  private Future<GraphApiAnswer> exchange(JsonObject body) {
    Future<GraphApiAnswer> answer;
    try {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(messagesUrl)
          .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.ACCEPT, "application/json")
          .setConnectTimeout(timeoutMs)
          .setIdleTimeout(timeoutMs);
      answer = http.request(options)
          .compose(request -> request.send(body.toBuffer()))
          .compose(response -> boundedBody(response).map(bytes -> GraphApiAnswer.received(response.statusCode(),
              jsonObject(bytes), response.getHeader(HttpHeaders.RETRY_AFTER))))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    // Only the failure's type is looked at, never its message.
    return answer.recover(failure -> Future.succeededFuture(GraphApiAnswer.unreachable(isTimeout(failure)
        ? GraphApiAnswer.Unreachable.TIMEOUT : GraphApiAnswer.Unreachable.NETWORK)));
  }

  /**
   * The response body, or null once it passes {@value #MAX_RESPONSE_BYTES} bytes (the stream is
   * then reset rather than read to its end).
   */
  private static Future<Buffer> boundedBody(HttpClientResponse response) {
    // Bridges the response's stream callbacks; settled once (end, overflow or error).
    Promise<Buffer> body = Promise.promise();
    response.exceptionHandler(body::tryFail);
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > MAX_RESPONSE_BYTES) {
      body.complete(null);
      response.request().reset();
      return body.future();
    }
    Buffer bytes = Buffer.buffer();
    response.handler(chunk -> {
      if (body.future().isComplete()) {
        return;
      }
      if (bytes.length() + chunk.length() > MAX_RESPONSE_BYTES) {
        body.complete(null);
        response.request().reset();
      } else {
        bytes.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> body.tryComplete(bytes));
    return body.future();
  }

  /** The body as a JSON object with any echo of the token replaced, or null when it is not one. */
  private JsonObject jsonObject(Buffer bytes) {
    if (bytes == null || bytes.length() == 0) {
      return null;
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    try {
      return Json.decodeValue(text.replace(accessToken, REDACTED)) instanceof JsonObject object ? object : null;
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

  @Override
  public String toString() {
    return "GraphApiClient[" + messagesUrl + "]";
  }
}
