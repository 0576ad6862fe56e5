package dev.switchboard.channel.whatsapp;

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
 * Calls the Cloud API for one business number: {@code POST <apiBaseUrl>/<phone-number-id>/messages}
 * with a JSON body and {@code Authorization: Bearer <accessToken>}, through the host's HTTP client
 * ({@link JsonPost}), with a request timeout and at most {@value #MAX_ANSWER_BYTES} bytes of answer
 * read (Graph answers are a few hundred bytes; anything bigger is not one). Every call completes
 * with a {@link GraphApiAnswer}, never a failed future.
 *
 * <p>The access token lives in the request header only: never in the URL, an answer, an
 * exception message or {@link #toString()}; an answer that echoes it has it replaced before it is
 * parsed.
 */
final class GraphApiClient {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final String REDACTED = "<access token>";

  private final Vertx vertx;
  private final HttpClient http;
  private final String messagesUrl;
  private final String accessToken;
  private final Duration timeout;

  private GraphApiClient(Vertx vertx, HttpClient http, String messagesUrl, String accessToken, Duration timeout) {
    this.vertx = vertx;
    this.http = http;
    this.messagesUrl = messagesUrl;
    this.accessToken = accessToken;
    this.timeout = timeout;
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
    if (!JsonPost.isHttpUrl(base)) {
      throw new IllegalArgumentException(WhatsAppChannelPlugin.API_BASE_URL + " must be an http(s) URL such as "
          + WhatsAppChannelPlugin.DEFAULT_API_BASE_URL);
    }
    return new GraphApiClient(context.vertx(), context.httpClient(), base + "/" + phoneNumberId.strip() + "/messages",
        token.strip(), timeout);
  }

  /** Posts {@code body} to the messages edge; the future always succeeds. */
  Future<GraphApiAnswer> postMessage(JsonObject body) {
    return JsonPost.post(vertx, http, messagesUrl, Map.of("Authorization", "Bearer " + accessToken), body, timeout,
        MAX_ANSWER_BYTES, text -> text.replace(accessToken, REDACTED)).map(GraphApiAnswer::new);
  }

  @Override
  public String toString() {
    return "GraphApiClient[" + messagesUrl + "]";
  }
}
