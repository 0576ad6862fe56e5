package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.http.JsonPost;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/**
 * Calls Bot API methods for one bot: {@code POST <apiBaseUrl>/bot<token>/<method>} with a JSON body,
 * through the host's HTTP client ({@link JsonPost}: a request timeout, at most
 * {@value #MAX_ANSWER_BYTES} bytes of answer read). Every call completes with a
 * {@link BotApiAnswer}, never a failed future. The token lives only in the request URL: exception
 * messages (which name the URL) are never read, and {@link #redact} scrubs it from anything else
 * that might carry it.
 */
final class BotApiClient {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Bot API answers here are one Message or less: a few kilobytes. */
  static final int MAX_ANSWER_BYTES = 1024 * 1024;
  private static final String REDACTED = "<bot token>";

  private final Vertx vertx;
  private final HttpClient http;
  private final String token;
  private final String methodBase;
  private final Duration timeout;

  private BotApiClient(Vertx vertx, HttpClient http, String token, String methodBase, Duration timeout) {
    this.vertx = vertx;
    this.http = http;
    this.token = token;
    this.methodBase = methodBase;
    this.timeout = timeout;
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
    if (!JsonPost.isHttpUrl(base)) {
      throw new IllegalArgumentException("apiBaseUrl must be an http(s) URL such as "
          + TelegramChannelPlugin.DEFAULT_API_BASE_URL);
    }
    return new BotApiClient(context.vertx(), context.httpClient(), token, base + "/bot" + token + "/", timeout);
  }

  /** Calls {@code method} with {@code params} as its JSON body; the future always succeeds. */
  Future<BotApiAnswer> call(String method, JsonObject params) {
    return JsonPost.post(vertx, http, methodBase + method, Map.of(), params, timeout, MAX_ANSWER_BYTES, this::redact)
        .map(BotApiAnswer::new);
  }

  /** {@code text} with every occurrence of the bot token replaced; null stays null. */
  String redact(String text) {
    return text == null ? null : text.replace(token, REDACTED);
  }
}
