package dev.switchboard.gateway.admin;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.tenants.ChannelAccount;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST|GET /admin/tenants/{tenant}/channels/{channel}/webhook}: points the platform at this
 * gateway's webhook URL for the tenant's account (Telegram {@code setWebhook} with the secret token,
 * the update kinds we handle and {@code max_connections}), or shows what the platform has (pending
 * updates, last error). The URL is {@code http.publicBaseUrl + /webhooks/{channel}/{tenant}}.
 * 200 with the platform's answer; 502 when the platform refused or could not be reached.
 */
public final class WebhookRegistrationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistrationHandler.class);

  private final Vertx vertx;
  private final Supplier<TenantDirectory> directory;
  private final ChannelRegistry channels;
  private final String publicBaseUrl;
  private final HttpClient http;

  public WebhookRegistrationHandler(Vertx vertx, Supplier<TenantDirectory> directory, ChannelRegistry channels,
                                    String publicBaseUrl, HttpClient http) {
    this.vertx = vertx;
    this.directory = directory;
    this.channels = channels;
    this.publicBaseUrl = publicBaseUrl;
    this.http = http;
  }

  public void register(RoutingContext ctx) {
    if (publicBaseUrl == null) {
      ctx.fail(new ApiException(409, "public_base_url_missing",
          "set http.publicBaseUrl (or PUBLIC_BASE_URL) to the gateway's public https URL first"));
      return;
    }
    String url = publicBaseUrl + "/webhooks/" + ctx.pathParam("channel") + "/" + ctx.pathParam("tenant");
    call(ctx, "register", (target) -> target.registrar().register(target.context(), url));
  }

  public void info(RoutingContext ctx) {
    call(ctx, "info", target -> target.registrar().info(target.context()));
  }

  private record Target(WebhookRegistrar registrar, ChannelContext context) {
  }

  private void call(RoutingContext ctx, String action, Function<Target, Future<JsonObject>> op) {
    String channelId = ctx.pathParam("channel");
    TenantView tenant = directory.get().tenant(ctx.pathParam("tenant")).orElse(null);
    ChannelPlugin plugin = channels.find(channelId).orElse(null);
    ChannelAccount account = tenant == null || plugin == null ? null : tenant.channels().get(channelId);
    if (account == null) {
      ctx.fail(ApiException.notFound("no such tenant or channel account"));
      return;
    }
    WebhookRegistrar registrar = plugin.webhookRegistrar();
    if (registrar == null) {
      ctx.fail(ApiException.notFound("channel '" + channelId + "' has no webhook registration: set its webhook by hand"));
      return;
    }
    ChannelContext context = new ChannelContext(vertx, http, new TenantId(tenant.id()), new ChannelId(channelId),
        account.config());
    Future<JsonObject> answer;
    try {
      answer = op.apply(new Target(registrar, context));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(body -> {
      boolean ok = body.getBoolean("ok", false);
      LOG.atInfo().addKeyValue("tenant", tenant.id()).addKeyValue("channel", channelId)
          .addKeyValue("action", action).addKeyValue("ok", ok).log("webhook {} for {}/{}", action, tenant.id(), channelId);
      ctx.response().setStatusCode(ok ? 200 : 502).putHeader("Content-Type", "application/json")
          .end(ok ? body.encode() : new JsonObject()
              .put("error", new JsonObject().put("code", "platform_refused")
                  .put("message", "the platform did not accept the call")
                  .put("platform", body.getJsonObject("error", new JsonObject())))
              .encode());
    }).onFailure(err -> {
      LOG.atError().addKeyValue("tenant", tenant.id()).addKeyValue("channel", channelId)
          .log("webhook {} failed: {}", action, err.getClass().getSimpleName());
      ctx.fail(new ApiException(502, "platform_unreachable", "the platform call failed"));
    });
  }
}
