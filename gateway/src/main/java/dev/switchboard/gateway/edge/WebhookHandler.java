package dev.switchboard.gateway.edge;

import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.store.AppendRequest;
import dev.switchboard.gateway.store.AppendResult;
import dev.switchboard.gateway.store.AuditRecord;
import dev.switchboard.gateway.tenants.ChannelAccount;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /webhooks/{channel}/{tenant}}: resolves the tenant's account, lets the channel plugin
 * verify and decode the call, admits it against the tenant's limit, and answers 200 only once the
 * inbox store has committed every event (or found it a duplicate).
 */
final class WebhookHandler {
  static final String START = "sb.start";
  static final String CHANNEL = "sb.channel";
  private static final String ACCOUNT = "sb.account";
  private static final String TENANT = "sb.tenant";
  private static final String PLUGIN = "sb.plugin";
  private static final int EXCERPT_BYTES = 2048;

  private final Supplier<TenantDirectory> directory;
  private final ChannelRegistry channels;
  private final Metrics metrics;
  private final EventBus bus;
  private final DeliveryOptions storeDelivery = new DeliveryOptions().setSendTimeout(15_000);

  WebhookHandler(Supplier<TenantDirectory> directory, ChannelRegistry channels, Metrics metrics, EventBus bus) {
    this.directory = directory;
    this.channels = channels;
    this.metrics = metrics;
    this.bus = bus;
  }

  /** First step, before the body is read: unknown tenant or channel → 404 (one body for both). */
  void resolve(RoutingContext ctx) {
    ctx.put(START, System.nanoTime());
    String channelId = ctx.pathParam("channel");
    ChannelPlugin plugin = channels.find(channelId).orElse(null);
    ctx.put(CHANNEL, plugin == null ? "unknown" : channelId);
    TenantView tenant = directory.get().tenant(ctx.pathParam("tenant")).orElse(null);
    ChannelAccount account = tenant == null || plugin == null ? null : tenant.channels().get(channelId);
    if (account == null) {
      ctx.fail(ApiException.notFound("no such webhook"));
      return;
    }
    if (ctx.request().method() == HttpMethod.POST && !isJson(ctx.request().getHeader("Content-Type"))) {
      ctx.fail(new ApiException(415, "unsupported_media_type", "expected Content-Type: application/json"));
      return;
    }
    ctx.put(TENANT, tenant);
    ctx.put(ACCOUNT, account);
    ctx.put(PLUGIN, plugin);
    ctx.next();
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return true; // some senders omit it; the body must still be JSON to be decoded
    }
    String type = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
    return type.equals("application/json") || type.endsWith("+json");
  }

  void handle(RoutingContext ctx) {
    TenantView tenant = ctx.get(TENANT);
    ChannelAccount account = ctx.get(ACCOUNT);
    ChannelPlugin plugin = ctx.get(PLUGIN);
    Buffer body = ctx.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    WebhookRequest request = new WebhookRequest(ctx.request().method().name(), firstValues(ctx.request().headers(), true),
        firstValues(ctx.queryParams(), false), bytes, Instant.now());
    DecodeResult result;
    try {
      result = plugin.decodeWebhook(request, account.config());
    } catch (RuntimeException e) {
      // a plugin bug must not become a stack trace for the caller; treat as malformed
      result = DecodeResult.malformed("the payload could not be decoded");
    }
    if (result instanceof DecodeResult.Handshake h) {
      metrics.webhook(account.channel(), "handshake");
      ctx.response().setStatusCode(h.status()).putHeader("Content-Type", "text/plain; charset=utf-8").end(h.body());
    } else if (result instanceof DecodeResult.Rejected r) {
      reject(ctx, tenant, account, request, r);
    } else if (result instanceof DecodeResult.Accepted a) {
      accept(ctx, tenant, account, request, a);
    }
  }

  private void reject(RoutingContext ctx, TenantView tenant, ChannelAccount account, WebhookRequest request,
                      DecodeResult.Rejected r) {
    switch (r.reason()) {
      case UNAUTHENTIC -> ctx.fail(new ApiException(401, "unauthorized", "the call's signature or secret is wrong"));
      case FORBIDDEN -> ctx.fail(new ApiException(403, "forbidden", "verify token mismatch"));
      case METHOD_NOT_ALLOWED -> ctx.fail(new ApiException(405, "method_not_allowed", "this method is not allowed here"));
      case UNSUPPORTED_MEDIA_TYPE -> ctx.fail(new ApiException(415, "unsupported_media_type", r.message()));
      case MALFORMED -> {
        // authentic but undecodable: keep an audit row, then answer 400
        AuditRecord audit = new AuditRecord(tenant.id(), account.channel(),
            "malformed:" + ApiKeys.sha256Hex(request.body()), r.message(), excerpt(request.body()),
            request.receivedAt());
        ApiException answer = new ApiException(400, "malformed_payload", r.message());
        bus.request(Addresses.INBOX_AUDIT, audit, storeDelivery)
            .onComplete(ar -> ctx.fail(answer));
      }
    }
  }

  private void accept(RoutingContext ctx, TenantView tenant, ChannelAccount account, WebhookRequest request,
                      DecodeResult.Accepted a) {
    bus.<AppendResult>request(Addresses.INBOX_APPEND,
            new AppendRequest(tenant.id(), account.channel(), a.events(), request.receivedAt(), tenant.inbound()),
            storeDelivery)
        .onSuccess(reply -> {
          AppendResult r = reply.body();
          metrics.webhook(account.channel(), r.stored() == 0 && r.duplicates() > 0 ? "duplicate" : "ok");
          metrics.ackLatency(account.channel(), System.nanoTime() - (long) ctx.get(START));
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
              .end("{\"status\":\"ok\",\"stored\":" + r.stored() + ",\"duplicates\":" + r.duplicates() + "}");
        })
        .onFailure(err -> ctx.fail(toApi(err)));
  }

  private static ApiException toApi(Throwable err) {
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        if (re.failureCode() == FailureCodes.RATE_LIMITED) {
          long seconds = parseSeconds(re.getMessage());
          return new ApiException(429, "rate_limited", "over the tenant's inbound limit", seconds);
        }
        if (re.failureCode() == FailureCodes.STORAGE_UNAVAILABLE) {
          return ApiException.unavailable("storage unavailable, retry later");
        }
        if (re.failureCode() == FailureCodes.INTERNAL) {
          return new ApiException(500, "internal_error", "the events could not be stored");
        }
      }
      return ApiException.unavailable("storage did not answer in time, retry later");
    }
    return new ApiException(500, "internal_error", "internal error");
  }

  private static long parseSeconds(String s) {
    try {
      return Math.max(1, Long.parseLong(s));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static Map<String, String> firstValues(MultiMap map, boolean lowerCase) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : map) {
      out.putIfAbsent(lowerCase ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey(), e.getValue());
    }
    return out;
  }

  private static String excerpt(byte[] body) {
    int n = Math.min(body.length, EXCERPT_BYTES);
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(body, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return "";
    }
  }

  /** Webhook outcome label for an error status (metrics). */
  static String outcomeFor(int status) {
    return switch (status) {
      case 400 -> "malformed";
      case 401 -> "unauthentic";
      case 403 -> "forbidden";
      case 404 -> "unknown_tenant";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> "error";
    };
  }
}
