package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls Bot API methods for one bot: {@code POST <apiBaseUrl>/bot<token>/<method>} with a JSON body,
 * through the host's HTTP client. Every call completes with a {@link BotApiAnswer}, never a failed
 * future. The token lives only in the request URL: exception messages (which name the URL) are
 * never read, and {@link #redact} scrubs it from anything else that might carry it.
 */
final class BotApiClient {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final String REDACTED = "<bot token>";

  private final Vertx vertx;
  private final HttpClient http;
  private final String token;
  private final String methodBase;
  private final long timeoutMs;

  private BotApiClient(Vertx vertx, HttpClient http, String token, String methodBase, long timeoutMs) {
    this.vertx = vertx;
    this.http = http;
    this.token = token;
    this.methodBase = methodBase;
    this.timeoutMs = timeoutMs;
  }

  /**
   * A client for the account's {@code botToken} and {@code apiBaseUrl}.
   *
   * @throws IllegalArgumentException when the token or base URL is unusable; the message never
   *                                  contains the token
   */
  static BotApiClient forAccount(ChannelContext context, Duration timeout) {
    AccountConfig account = context.account();
    String token = account.get(TelegramChannelPlugin.BOT_TOKEN);
    BotToken.botId(token); // validates the shape; its messages never echo the token
    String base = account.getOrDefault(TelegramChannelPlugin.API_BASE_URL, TelegramChannelPlugin.DEFAULT_API_BASE_URL)
        .trim();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (!isHttpUrl(base)) {
      throw new IllegalArgumentException("apiBaseUrl must be an http(s) URL such as "
          + TelegramChannelPlugin.DEFAULT_API_BASE_URL);
    }
    return new BotApiClient(context.vertx(), context.httpClient(), token, base + "/bot" + token + "/",
        Math.max(1, timeout.toMillis()));
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }

  /** Calls {@code method} with {@code params} as its JSON body; the future always succeeds. */
  Future<BotApiAnswer> call(String method, JsonObject params) {
    if (Vertx.currentContext() != null) {
      return exchange(method, params);
    }
    // Off a Vert.x thread the response future can complete before the body handler is attached,
    // and the body is then lost: build the exchange on a context (bridging a foreign caller).
    Promise<BotApiAnswer> answer = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> exchange(method, params).onComplete(answer));
    return answer.future();
  }

  private Future<BotApiAnswer> exchange(String method, JsonObject params) {
    Future<BotApiAnswer> answer;
    try {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(methodBase + method)
          .putHeader("Content-Type", "application/json")
          .putHeader("Accept", "application/json")
          .setConnectTimeout(timeoutMs)
          .setIdleTimeout(timeoutMs);
      answer = http.request(options)
          .compose(request -> request.send(params.toBuffer()))
          .compose(response -> response.body().map(body ->
              BotApiAnswer.received(response.statusCode(), jsonObject(body), response.getHeader("Retry-After"))))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    // Only the failure's type is looked at: Vert.x messages name the request URL, hence the token.
    return answer.recover(failure -> Future.succeededFuture(BotApiAnswer.unreachable(isTimeout(failure)
        ? BotApiAnswer.Unreachable.TIMEOUT : BotApiAnswer.Unreachable.NETWORK)));
  }

  /** {@code text} with every occurrence of the bot token replaced; null stays null. */
  String redact(String text) {
    return text == null ? null : text.replace(token, REDACTED);
  }

  private static JsonObject jsonObject(Buffer body) {
    try {
      return Json.decodeValue(body) instanceof JsonObject object ? object : null;
    } catch (DecodeException | IllegalStateException e) {
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
}
