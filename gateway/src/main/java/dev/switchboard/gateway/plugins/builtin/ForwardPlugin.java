package dev.switchboard.gateway.plugins.builtin;

import dev.switchboard.plugin.message.ChainDecision;
import dev.switchboard.plugin.message.InboundContext;
import dev.switchboard.plugin.message.MessagePlugin;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code forward}: POSTs each message to the tenant's bot as a versioned event, signed as Standard
 * Webhooks ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64>}).
 * A 2xx answer delivers it; its body's {@code replies} are sent to the conversation. 408, 429
 * (after its {@code Retry-After}), 5xx, timeouts and connection errors are tried again by the host
 * (the same {@code webhook-id} every time); any other 4xx, or running out of attempts, is a dead
 * letter of kind {@code forward}. At most {@value #MAX_ANSWER_BYTES} bytes of an answer are read.
 */
public final class ForwardPlugin implements MessagePlugin {
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  static final int MAX_REPLIES = 10;

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor("forward", "Forward to the tenant's bot",
      "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.required("url", "The bot's URL (https:// or http://)"),
          ConfigField.secret("secret", "Signing secret: whsec_<base64> (the key is the decoded bytes) or any string"),
          ConfigField.optional("timeout", "PT10S", "How long to wait for the bot's answer (ISO-8601)"),
          ConfigField.optional("maxAttempts", "10", "Attempts before the message becomes a dead letter")));

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void validate(Map<String, Object> settings) {
    String url = String.valueOf(settings.get("url"));
    try {
      URI uri = new URI(url);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getUserInfo() != null || uri.getFragment() != null) {
        throw new IllegalArgumentException("url: must be an absolute http(s) URL, got '" + url + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("url: must be an absolute http(s) URL, got '" + url + "'");
    }
    WebhookSigner.key(String.valueOf(settings.get("secret")));
    timeout(settings);
    maxAttempts(settings);
  }

  static Duration timeout(Map<String, Object> settings) {
    String v = String.valueOf(settings.getOrDefault("timeout", "PT10S"));
    try {
      Duration d = Duration.parse(v);
      if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("timeout: must be between PT0.1S and PT5M, got '" + v + "'");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timeout: must be an ISO-8601 duration like PT10S, got '" + v + "'");
    }
  }

  static int maxAttempts(Map<String, Object> settings) {
    Object v = settings.getOrDefault("maxAttempts", "10");
    try {
      int n = v instanceof Number num ? num.intValue() : Integer.parseInt(String.valueOf(v).trim());
      if (n < 1 || n > 100) {
        throw new IllegalArgumentException("maxAttempts: must be between 1 and 100, got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("maxAttempts: must be a whole number, got '" + v + "'");
    }
  }

  @Override
  public Future<ChainDecision> handle(InboundContext ctx) {
    Map<String, Object> s = ctx.settings();
    Duration timeout = timeout(s);
    int maxAttempts = maxAttempts(s);
    byte[] key = WebhookSigner.key(String.valueOf(s.get("secret")));
    String body = event(ctx).encode();
    long ts = Instant.now().getEpochSecond();
    String id = ctx.ids().eventId();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(String.valueOf(s.get("url")))
        .setTimeout(timeout.toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Switchboard")
        .putHeader("webhook-id", id)
        .putHeader("webhook-timestamp", Long.toString(ts))
        .putHeader("webhook-signature", WebhookSigner.sign(key, id, ts, body));
    return ctx.httpClient().request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(response -> bounded(response).map(answer -> decide(response, answer)))
        .timeout(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
        .otherwise(err -> new ChainDecision.Retry(Duration.ZERO,
            err instanceof java.util.concurrent.TimeoutException || String.valueOf(err.getMessage()).contains("timeout")
                ? "timeout: the bot did not answer within " + timeout
                : "connection: the bot could not be reached (" + err.getClass().getSimpleName() + ")"))
        .map(d -> d instanceof ChainDecision.Retry r && ctx.attempt() >= maxAttempts
            ? new ChainDecision.Fail(r.reason().split(":", 2)[0], "gave up after " + ctx.attempt() + " attempts: " + r.reason())
            : d);
  }

  private static ChainDecision decide(HttpClientResponse response, Buffer answer) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return replies(answer);
    }
    String excerpt = answer == null ? "" : clip(answer.toString());
    if (status == 408 || status == 429 || status >= 500) {
      return new ChainDecision.Retry(retryAfter(response.getHeader("Retry-After")),
          "http_" + status + ": the bot answered " + status + (excerpt.isEmpty() ? "" : " " + excerpt));
    }
    return new ChainDecision.Fail("http_" + status, "the bot refused the event with " + status
        + (excerpt.isEmpty() ? "" : ": " + excerpt));
  }

  /** The replies of a 2xx body ({@code {"replies": [...]}}); anything else delivers without replies. */
  private static ChainDecision replies(Buffer answer) {
    if (answer == null || answer.length() == 0) {
      return ChainDecision.CONTINUE;
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(answer);
    } catch (RuntimeException e) {
      return ChainDecision.CONTINUE;
    }
    if (!(parsed instanceof JsonObject o) || !(o.getValue("replies") instanceof JsonArray list) || list.isEmpty()) {
      return ChainDecision.CONTINUE;
    }
    List<JsonObject> replies = new ArrayList<>();
    for (int i = 0; i < list.size() && i < MAX_REPLIES; i++) {
      replies.add(list.getValue(i) instanceof JsonObject r ? r : new JsonObject().put("invalid", list.getValue(i)));
    }
    return new ChainDecision.Reply(replies, true);
  }

  private static Future<Buffer> bounded(HttpClientResponse response) {
    String length = response.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > MAX_ANSWER_BYTES) {
          response.request().reset();
          return Future.succeededFuture(null);
        }
      } catch (NumberFormatException ignored) {
        // read it within the bound below
      }
    }
    Buffer collected = Buffer.buffer();
    io.vertx.core.Promise<Buffer> done = io.vertx.core.Promise.promise();
    response.handler(chunk -> {
      if (collected.length() + chunk.length() > MAX_ANSWER_BYTES) {
        response.request().reset();
        done.tryComplete(null);
      } else {
        collected.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> done.tryComplete(collected));
    response.exceptionHandler(err -> done.tryComplete(collected));
    return done.future();
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return Duration.ZERO;
    }
    try {
      long s = Long.parseLong(header.trim());
      return Duration.ofSeconds(Math.max(0, Math.min(s, 3600)));
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  private static String clip(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }

  /** The versioned event of the API reference ("Bot forwarding"); extend only. */
  static JsonObject event(InboundContext ctx) {
    InboundMessage m = ctx.message();
    InboundContext.EventIds ids = ctx.ids();
    String content = dev.switchboard.gateway.store.MessageContent.toJson(m);
    return new JsonObject()
        .put("type", "message.received")
        .put("version", 1)
        .put("id", ids.eventId())
        .put("tenant", ctx.tenant().value())
        .put("channel", ctx.channel().value())
        .put("conversation", ids.conversationId() == null ? null
            : new JsonObject().put("id", ids.conversationId()).put("chatId", m.chatId()))
        .put("contact", m.contact() == null ? null : new JsonObject().put("id", ids.contactId())
            .put("platformId", m.contact().platformUserId())
            .put("name", ids.contactName() != null ? ids.contactName() : m.contact().displayName())
            .put("phone", ids.contactPhone() != null ? ids.contactPhone() : m.contact().e164()))
        .put("message", new JsonObject().put("id", ids.messageId()).put("platformMessageId", m.platformMessageId())
            .put("type", m.type().label()).put("text", m.text())
            .put("content", content == null ? null : new JsonObject(content))
            .put("replyTo", m.replyToMessageId())
            .put("undecodable", m.undecodable())
            .put("sentAt", m.occurredAt().toString()));
  }
}
