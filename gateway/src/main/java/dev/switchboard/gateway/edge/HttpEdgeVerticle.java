package dev.switchboard.gateway.edge;

import dev.switchboard.gateway.admin.AdminAuth;
import dev.switchboard.gateway.admin.TenantAdminApi;
import dev.switchboard.gateway.admin.WebhookRegistrationHandler;
import dev.switchboard.gateway.api.ContactReadsApi;
import dev.switchboard.gateway.api.ConversationReadsApi;
import dev.switchboard.gateway.api.ConversationsApi;
import dev.switchboard.gateway.api.DeadLettersApi;
import dev.switchboard.gateway.ai.AiRecords;
import dev.switchboard.gateway.api.MemoryApi;
import dev.switchboard.gateway.api.MessagesApi;
import dev.switchboard.gateway.api.UsageApi;
import dev.switchboard.gateway.api.SendService;
import dev.switchboard.gateway.api.TenantAuth;
import dev.switchboard.gateway.cluster.ClusterView;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.config.HttpLimits;
import dev.switchboard.gateway.housekeeping.AccountStates;
import dev.switchboard.gateway.housekeeping.HousekeepingVerticle;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.store.Ping;
import dev.switchboard.gateway.tenants.ApiKeyUsage;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.migrations.MemorySchema;
import dev.switchboard.plugin.bus.Addresses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge: webhooks, the tenant and admin APIs, health, readiness, metrics and the contract
 * ({@code GET /openapi.json}), routed from {@code docs/openapi.yaml}. Holds no business state — only
 * the latest tenant snapshot — and turns HTTP into bus requests. Deployed once per event loop.
 */
public final class HttpEdgeVerticle extends VerticleBase {
  /** Largest body of an API request (a send is small: a text of 64 KiB at most, media by reference). */
  static final long API_BODY_LIMIT = 256 * 1024;
  /** What the edge leaves of {@code shutdown.timeout} for the store's drain and PostgreSQL's stop (at most half). */
  private static final Duration SHUTDOWN_RESERVE = Duration.ofSeconds(5);
  private final ClusterView cluster;
  private final GatewayConfig config;
  private final ChannelRegistry channels;
  private final Metrics metrics;
  private final PrometheusMeterRegistry prometheus;
  private final AdminAuth admin;
  private final AuthFailures authFailures;
  private final ApiKeyUsage keyUsage;
  private TenantDirectory directory = TenantDirectory.EMPTY;
  private HttpServer server;
  private ConnectionGuard guard;
  private java.util.Set<String> servedRoutes = java.util.Set.of();

  public HttpEdgeVerticle(GatewayConfig config, ChannelRegistry channels, Metrics metrics,
                          PrometheusMeterRegistry prometheus) {
    this(config, channels, metrics, prometheus, ClusterView.SINGLE);
  }

  public HttpEdgeVerticle(GatewayConfig config, ChannelRegistry channels, Metrics metrics,
                          PrometheusMeterRegistry prometheus, ClusterView cluster) {
    this(config, channels, metrics, prometheus, cluster, new AuthFailures(config.authFailures(), metrics),
        new ApiKeyUsage());
  }

  /**
   * @param authFailures failed authentications per address, shared by every edge instance
   * @param keyUsage     stored API keys' last use, shared by every edge instance and written in batches
   */
  public HttpEdgeVerticle(GatewayConfig config, ChannelRegistry channels, Metrics metrics,
                          PrometheusMeterRegistry prometheus, ClusterView cluster, AuthFailures authFailures,
                          ApiKeyUsage keyUsage) {
    this.cluster = cluster;
    this.config = config;
    this.channels = channels;
    this.metrics = metrics;
    this.prometheus = prometheus;
    this.authFailures = authFailures;
    this.keyUsage = keyUsage;
    this.admin = new AdminAuth(config.adminToken(), authFailures);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    var subscription = bus.<TenantDirectory>localConsumer(Addresses.EVT_TENANTS_CHANGED, m -> adopt(m.body()));
    return subscription.completion()
        .compose(v -> bus.<TenantDirectory>request(Addresses.TENANTS_SNAPSHOT, "current"))
        .compose(reply -> {
          adopt(reply.body());
          return ApiContract.load(vertx);
        })
        .map(this::router)
        .compose(router -> {
          server = vertx.createHttpServer(new HttpServerOptions()
              .setPort(config.httpPort()).setHost("0.0.0.0")
              .setCompressionSupported(false)
              // HTTP/1.1 only: with cleartext HTTP/2 detection on, a connection is only handed over
              // (and guarded) once its first bytes arrive, so a silent one would escape the guard
              .setHttp2ClearTextEnabled(false)
              .setIdleTimeout(backstopIdleSeconds()));
          guard.start();
          return server.connectionHandler(guard::accept).requestHandler(router).listen();
        });
  }

  /**
   * Graceful stop: the listener closes (no new connections), idle connections close now, and each
   * busy one closes after the answer to the request it is on (which says {@code Connection: close})
   * — the inbox store is still running, so those requests are answered 200 or 503. Connections
   * still busy when the drain time is up are closed.
   */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    guard.drain();
    return server.shutdown(drainTime().toMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> guard.stop());
  }

  /** The part of {@code shutdown.timeout} the edge may drain for; the rest is for the store and PostgreSQL. */
  private Duration drainTime() {
    Duration total = config.shutdownTimeout();
    Duration half = total.dividedBy(2);
    Duration reserve = half.compareTo(SHUTDOWN_RESERVE) < 0 ? half : SHUTDOWN_RESERVE;
    return total.minus(reserve);
  }

  /**
   * Netty's own idle timeout (no bytes either way) only backs up the {@link ConnectionGuard}, which
   * closes idle and slow connections first and counts why; it also covers a client that stops
   * reading an answer.
   */
  private int backstopIdleSeconds() {
    HttpLimits limits = config.httpLimits();
    return (int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().plus(limits.requestTimeout()).toSeconds());
  }

  /** The actual port (differs from the configured one when it was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void adopt(TenantDirectory next) {
    if (next.version() >= directory.version()) {
      directory = next;
    }
  }

  /**
   * The routes, built from the contract ({@code docs/openapi.yaml}): each operation is bound to its
   * handler by {@code operationId}, and its parameters and body are validated against the document
   * before the handler runs (a violation answers {@code 400 invalid_request} naming the parameter or
   * field). In front of every route: the connection guard, then the credentials of the route's family
   * ({@code /v1} tenant key, {@code /admin} admin token: a 401 comes before any validation), then the
   * body within the API limit (413). Start fails when an operation of the document has no handler,
   * so the document and the routes cannot drift apart.
   */
  private Router router(ApiContract contract) {
    guard = new ConnectionGuard(vertx, config.httpLimits(), context.getInstanceCount(), metrics);
    TenantAuth tenantAuth = new TenantAuth(() -> directory, keyUsage, authFailures);
    BodyHandler apiBody = BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT);
    // the body is read once, within the limit, by the root handler below; validation reads it from there
    RouterBuilder builder = RouterBuilder.create(vertx, contract.contract(), RequestExtractor.withBodyHandler());
    builder.rootHandler(guard::onRequest);
    builder.rootHandler(authFailures::gate); // 429 for an address with too many failed authentications
    builder.rootHandler(ctx -> authenticate(ctx, tenantAuth));
    // webhooks read their own body, within their own limit, once the tenant is known (below)
    builder.rootHandler(ctx -> {
      if (isWebhook(ctx)) {
        ctx.next();
      } else {
        apiBody.handle(ctx);
      }
    });
    ContractBinding bind = new ContractBinding(builder);

    bind.operation("getHealth", ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    bind.operation("getReady", this::ready);
    bind.operation("getMetrics", ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(prometheus.scrape()));
    bind.operation("getOpenApi", ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(contract.json()));

    MessagesApi messages = new MessagesApi(new SendService(channels, vertx.eventBus()), metrics, vertx.eventBus());
    bind.operation("sendMessage", messages::send);
    bind.operation("getMessage", messages::get);
    ConversationReadsApi conversationReads = new ConversationReadsApi(vertx.eventBus());
    bind.operation("listConversations", conversationReads::list);
    bind.operation("getConversation", conversationReads::get);
    bind.operation("listConversationMessages", conversationReads::messages);
    ConversationsApi conversations = new ConversationsApi(vertx.eventBus());
    bind.operation("pauseConversation", conversations::pause);
    bind.operation("resumeConversation", conversations::resume);
    ContactReadsApi contacts = new ContactReadsApi(vertx.eventBus());
    bind.operation("findContacts", contacts::find);
    bind.operation("getContact", contacts::get);
    // the llm plugin's contact memories and AI usage
    MemoryApi memories = new MemoryApi(vertx, aiClient());
    bind.operation("createMemory", memories::create);
    bind.operation("listMemories", memories::list);
    bind.operation("deleteMemory", memories::delete);
    bind.operation("getUsage", new UsageApi(vertx.eventBus())::usage);

    DeadLettersApi deadLetters = new DeadLettersApi(vertx.eventBus());
    bind.operation("listDeadLetters", deadLetters::list);
    bind.operation("getDeadLetter", deadLetters::get);
    bind.operation("replayDeadLetter", deadLetters::replay);
    WebhookRegistrationHandler registration = new WebhookRegistrationHandler(vertx, () -> directory, channels,
        config.publicBaseUrl(), platformClient());
    bind.operation("registerWebhook", registration::register);
    bind.operation("getWebhook", registration::info);
    TenantAdminApi tenantAdmin = new TenantAdminApi(vertx.eventBus());
    bind.operation("listTenants", tenantAdmin::listTenants);
    bind.operation("createTenant", tenantAdmin::createTenant);
    bind.operation("getTenant", tenantAdmin::getTenant);
    bind.operation("replaceTenant", tenantAdmin::replaceTenant);
    bind.operation("deleteTenant", tenantAdmin::deleteTenant);
    bind.operation("createApiKey", tenantAdmin::createApiKey);
    bind.operation("listApiKeys", tenantAdmin::listApiKeys);
    bind.operation("revokeApiKey", tenantAdmin::revokeApiKey);

    // Webhooks: the contract route resolves the tenant and channel (no validation: authenticity is
    // checked on the raw bytes by the channel plugin, and a platform's payload is the platform's
    // contract); the plain route after it reads the body within the webhook limit and handles the
    // call. Two routes on one path, because BodyHandler must come first on its own route.
    WebhookHandler webhooks = new WebhookHandler(() -> directory, channels, metrics, vertx.eventBus());
    Handler<RoutingContext> webhookFailure = ctx -> {
      if (ErrorResponder.settled(ctx)) {
        return; // answered already (408 for a body too slow) or the client is gone
      }
      ApiException e = ErrorResponder.toApiException(ctx);
      String channel = ctx.get(WebhookHandler.CHANNEL);
      metrics.webhook(channel == null ? "unknown" : channel, WebhookHandler.outcomeFor(e.status()));
      ErrorResponder.write(ctx, e);
    };
    bind.unvalidated("verifyWebhook", webhooks::resolve, webhookFailure);
    bind.unvalidated("receiveWebhook", webhooks::resolve, webhookFailure);

    Router router = bind.createRouter();
    router.route(WEBHOOK_PATH).method(HttpMethod.GET).method(HttpMethod.POST)
        .handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()))
        .handler(webhooks::handle)
        .failureHandler(webhookFailure);

    router.route().failureHandler(ctx -> {
      if (ErrorResponder.settled(ctx)) {
        return;
      }
      ApiException e = ErrorResponder.toApiException(ctx);
      metrics.httpError(routeLabel(ctx), e.status());
      ErrorResponder.write(ctx, e);
    });
    router.errorHandler(404, ctx -> {
      metrics.httpError("unmatched", 404);
      ErrorResponder.write(ctx, ApiException.notFound("no such resource"));
    });
    router.errorHandler(405, ctx -> {
      metrics.httpError(routeLabel(ctx), 405);
      ErrorResponder.write(ctx, new ApiException(405, "method_not_allowed", "this method is not allowed here"));
    });
    router.errorHandler(500, ctx -> ErrorResponder.write(ctx, ErrorResponder.toApiException(ctx)));
    servedRoutes = ServedRoutes.of(router);
    return router;
  }

  static final String WEBHOOK_PATH = "/webhooks/:channel/:tenant";

  private static boolean isWebhook(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path != null && path.startsWith("/webhooks/");
  }

  /** {@code /v1/…} takes a tenant API key, {@code /admin/…} the admin token; other routes are open. */
  private void authenticate(RoutingContext ctx, TenantAuth tenantAuth) {
    String path = ctx.normalizedPath();
    if (path == null) {
      ctx.next();
    } else if (path.equals("/v1") || path.startsWith("/v1/")) {
      tenantAuth.require(ctx);
    } else if (path.equals("/admin") || path.startsWith("/admin/")) {
      admin.require(ctx);
    } else {
      ctx.next();
    }
  }

  /** Every route the router serves, as {@code METHOD /path/{param}} (for the contract test). */
  public java.util.Set<String> servedRoutes() {
    return servedRoutes;
  }

  /** The route template of the request's path ({@code /v1/messages/{id}}): a bounded label, never an id. */
  static String routeLabel(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path == null || !(path.startsWith("/v1/") || path.startsWith("/admin/"))) {
      return "unmatched";
    }
    StringBuilder label = new StringBuilder();
    String[] parts = path.substring(1).split("/", 8);
    for (String part : parts) {
      label.append('/').append(ROUTE_WORDS.contains(part) ? part : "{id}");
    }
    return label.toString();
  }

  private static final java.util.Set<String> ROUTE_WORDS = java.util.Set.of("v1", "admin", "messages",
      "conversations", "contacts", "dead-letters", "replay", "tenants", "channels", "webhook", "api-keys",
      "pause", "resume", "memories", "usage", "whatsapp", "telegram", "evolution");

  /** HTTP client for platform calls made from the edge (webhook registration); closed with Vert.x. */
  private HttpClient platformClient() {
    return vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(8));
  }

  /** HTTP client for model calls made from the edge (embedding memories stored by API); closed with Vert.x. */
  private HttpClient aiClient() {
    return vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(60).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16).setMaxWaitQueueSize(256));
  }

  /**
   * Ready = database reachable and migrated, plugins loaded. The details list each channel account's
   * reported state: in full (tenant, channel, state, since) only for the admin token, as counts
   * otherwise (no tenant enumeration). A disconnected account does not make the gateway unready, nor
   * does contact memory being unavailable ({@code memory}: {@code available}, or why not).
   */
  private void ready(RoutingContext ctx) {
    boolean detailed = admin.matches(ctx.request().getHeader("Authorization"));
    JsonObject checks = new JsonObject()
        .put("plugins", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(channels.ids()))))
        .put("tenants", directory.tenants().size())
        .put("cluster", clusterCheck(detailed));
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(3_000);
    vertx.eventBus().request(Addresses.INBOX_PING, Ping.INSTANCE, quick)
        .compose(v -> vertx.eventBus().<AccountStates>request(HousekeepingVerticle.ACCOUNT_STATES,
            AccountStates.Query.INSTANCE, quick))
        .compose(states -> vertx.eventBus().<MemorySchema>request(Addresses.MEMORY_STATUS,
            AiRecords.MemoryStatusQuery.INSTANCE, quick).map(memory -> checks.put("database", "up")
            .put("accounts", accounts(states.body(), detailed))
            .put("memory", memory.body().available() ? "available" : "unavailable (" + memory.body().reason() + ")")))
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("status", "ready").put("checks", checks)))
        .onFailure(err -> {
          ctx.response().putHeader("Retry-After", "5");
          json(ctx, 503, new JsonObject()
              .put("error", new JsonObject().put("code", "not_ready").put("message", "database unreachable"))
              .put("checks", checks.put("database", "down")));
        });
  }

  /** The membership as this node sees it; the members' addresses only for the admin token. */
  private JsonObject clusterCheck(boolean detailed) {
    JsonObject c = new JsonObject().put("mode", cluster.clustered() ? "cluster" : "single")
        .put("members", cluster.members()).put("rebalances", cluster.rebalances());
    return detailed && cluster.clustered() ? c.put("addresses", new JsonArray(new java.util.ArrayList<>(cluster.addresses())))
        : c;
  }

  private static Object accounts(AccountStates states, boolean detailed) {
    if (!detailed) {
      long up = states.accounts().stream().filter(AccountStates.Entry::up).count();
      return new JsonObject().put("reporting", states.accounts().size()).put("up", up)
          .put("down", states.accounts().size() - up);
    }
    JsonArray list = new JsonArray();
    for (AccountStates.Entry e : states.accounts()) {
      list.add(new JsonObject().put("tenant", e.tenantId()).put("channel", e.channel())
          .put("account", e.accountRef()).put("state", e.state()).put("up", e.up())
          .put("since", e.since() == null ? null : e.since().toString()));
    }
    return list;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
