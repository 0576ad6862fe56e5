package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.AccountConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One account's Evolution API server: builds {@code <serverUrl>/<section>/<action>/<instance>}
 * (instance URL-encoded), sends the {@code apikey} header, and turns whatever happens into an
 * {@link EvolutionApiAnswer}. Its futures never fail. The API key goes into the header only: it is
 * never part of a URL, an answer, an exception message or {@link #toString()}.
 */
final class EvolutionApiClient {

  /** Request timeout of a plain call (Evolution's own default for outgoing calls is 30 s too). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_DETAIL = 300;

  private final HttpClient http;
  private final String baseUrl;
  private final String instance;
  private final String apiKey;
  private final String configProblem;

  EvolutionApiClient(HttpClient http, AccountConfig account) {
    this.http = http;
    this.instance = account.get(EvolutionChannelPlugin.INSTANCE);
    this.apiKey = account.get(EvolutionChannelPlugin.API_KEY);
    String url = account.get(EvolutionChannelPlugin.SERVER_URL);
    this.baseUrl = url == null ? null : url.strip().replaceAll("/+$", "");
    this.configProblem = problemWith(baseUrl, instance, apiKey);
  }

  /** Why this account cannot be called (e.g. a server URL without http(s)://), or null when it can. */
  String configProblem() {
    return configProblem;
  }

  String apiKey() {
    return apiKey;
  }

  /** {@code POST <serverUrl>/<section>/<action>/<instance>} with a JSON body. */
  Future<EvolutionApiAnswer> post(String section, String action, JsonObject body, Duration timeout) {
    return call(HttpMethod.POST, section, action, body.toBuffer(), timeout);
  }

  /** {@code GET <serverUrl>/<section>/<action>/<instance>}. */
  Future<EvolutionApiAnswer> get(String section, String action, Duration timeout) {
    return call(HttpMethod.GET, section, action, null, timeout);
  }

  private Future<EvolutionApiAnswer> call(HttpMethod method, String section, String action, Buffer body,
                                          Duration timeout) {
    if (configProblem != null) {
      return Future.succeededFuture(new EvolutionApiAnswer.NoReply(false, configProblem));
    }
    long millis = Math.max(1, timeout.toMillis());
    RequestOptions options;
    try {
      options = new RequestOptions()
          .setMethod(method)
          .setAbsoluteURI(baseUrl + "/" + section + "/" + action + "/" + encode(instance))
          .setIdleTimeout(millis)
          .putHeader("apikey", apiKey)
          .putHeader("Accept", "application/json");
    } catch (RuntimeException e) {
      return Future.succeededFuture(new EvolutionApiAnswer.NoReply(false,
          EvolutionChannelPlugin.SERVER_URL + " is not a valid URL"));
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    // body() is attached inside the send callback, on the request's own context: chained one level
    // out, the callback may run after the body arrived (a pooled connection on another event loop)
    return http.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(bytes -> reply(response, bytes))))
        .timeout(millis, TimeUnit.MILLISECONDS)
        .otherwise(EvolutionApiClient::noReply);
  }

  private static EvolutionApiAnswer reply(HttpClientResponse response, Buffer bytes) {
    String retryAfter = response.getHeader("Retry-After");
    if (bytes.length() == 0) {
      return new EvolutionApiAnswer.Reply(response.statusCode(), false, null, retryAfter);
    }
    try {
      return new EvolutionApiAnswer.Reply(response.statusCode(), true, Json.decodeValue(bytes), retryAfter);
    } catch (DecodeException e) {
      return new EvolutionApiAnswer.Reply(response.statusCode(), false, null, retryAfter);
    }
  }

  private static EvolutionApiAnswer noReply(Throwable error) {
    String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    return new EvolutionApiAnswer.NoReply(error instanceof TimeoutException, truncate(text));
  }

  static String truncate(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL - 1) + "…";
  }

  /** Path segment encoding: Evolution instance names may hold spaces and other reserved characters. */
  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String problemWith(String baseUrl, String instance, String apiKey) {
    if (baseUrl == null || baseUrl.isEmpty()) {
      return EvolutionChannelPlugin.SERVER_URL + " is not set";
    }
    if (instance == null || instance.isBlank()) {
      return EvolutionChannelPlugin.INSTANCE + " is not set";
    }
    if (apiKey == null || apiKey.isBlank()) {
      return EvolutionChannelPlugin.API_KEY + " is not set";
    }
    try {
      URI uri = new URI(baseUrl);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        return EvolutionChannelPlugin.SERVER_URL + " must be an http(s):// URL";
      }
      if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        return EvolutionChannelPlugin.SERVER_URL + " must not carry credentials, a query or a fragment";
      }
    } catch (java.net.URISyntaxException e) {
      return EvolutionChannelPlugin.SERVER_URL + " is not a valid URL";
    }
    return null;
  }

  @Override
  public String toString() {
    return "EvolutionApiClient[" + baseUrl + ", instance=" + instance + "]";
  }
}
