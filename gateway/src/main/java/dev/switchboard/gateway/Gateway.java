package dev.switchboard.gateway;

import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.admission.AdmissionVerticle;
import dev.switchboard.gateway.idempotency.RecentKeysVerticle;
import dev.switchboard.gateway.ai.AiStoreVerticle;
import dev.switchboard.gateway.bus.Codecs;
import dev.switchboard.gateway.api.SendService;
import dev.switchboard.gateway.channel.ChannelVerticle;
import dev.switchboard.gateway.cluster.ClusterView;
import dev.switchboard.gateway.cluster.DemandShares;
import dev.switchboard.gateway.cluster.EvenShares;
import dev.switchboard.gateway.cluster.LimitShares;
import dev.switchboard.gateway.cluster.LimitSharesVerticle;
import dev.switchboard.gateway.cluster.HazelcastSetup;
import dev.switchboard.gateway.dispatch.DispatcherVerticle;
import dev.switchboard.gateway.store.OutboxStoreVerticle;
import dev.switchboard.gateway.store.ReadStoreVerticle;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.gateway.config.ConfigFiles;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.db.EmbeddedPostgres;
import dev.switchboard.gateway.db.EmbeddedPostgresSupervisor;
import dev.switchboard.gateway.edge.HttpEdgeVerticle;
import dev.switchboard.gateway.housekeeping.HousekeepingVerticle;
import dev.switchboard.gateway.housekeeping.QueueVacuumVerticle;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.plugins.PluginLoader;
import dev.switchboard.gateway.security.MasterKey;
import dev.switchboard.gateway.security.SecretBox;
import dev.switchboard.gateway.store.InboxStoreVerticle;
import dev.switchboard.gateway.tenants.TenantAccounts;
import dev.switchboard.gateway.tenants.TenantRegistryVerticle;
import dev.switchboard.gateway.tenants.TenantAdminVerticle;
import dev.switchboard.gateway.tenants.ApiKeyUsage;
import dev.switchboard.gateway.tenants.ApiKeyUsageVerticle;
import dev.switchboard.gateway.edge.AuthFailures;
import dev.switchboard.migrations.MemorySchema;
import dev.switchboard.migrations.Migrator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: Vert.x with metrics, the database (embedded or configured), the migrated
 * schema, and the verticles deployed in dependency order (admission and recent keys, inbox store, tenants, then the edge). {@link #start} blocks the calling thread (never call it on an event loop).
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final EmbeddedPostgres embedded;
  private final DatabaseUrl database;
  private final int port;
  private final List<String> deployments;
  private java.util.Set<String> servedRoutes = java.util.Set.of();
  private final Duration shutdownTimeout;
  private final Future<String> fatal;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(Vertx vertx, EmbeddedPostgres embedded, DatabaseUrl database, int port, List<String> deployments,
                  Duration shutdownTimeout, Future<String> fatal) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.database = database;
    this.port = port;
    this.deployments = deployments;
    this.shutdownTimeout = shutdownTimeout;
    this.fatal = fatal;
  }

  /**
   * Starts a gateway.
   *
   * @param configFile the YAML file, or null
   * @param inline     a config tree to use instead of a file (tests), or null
   * @param env        environment (overrides and {@code ${VAR}} values)
   */
  public static Gateway start(Path configFile, JsonObject inline, Map<String, String> env) {
    // read before Vert.x is built: cluster mode builds a clustered Vert.x, the default a plain one
    GatewayConfig config = GatewayConfig.from(inline != null ? inline : readFile(configFile), env);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    boolean preferNative = Boolean.parseBoolean(System.getProperty("switchboard.nativeTransport", "true"));
    VertxOptions options = new VertxOptions()
        // the edge instances, the store and the rest each get an event loop of their own
        .setEventLoopPoolSize(Integer.getInteger("switchboard.eventLoops",
            Math.max(4, Runtime.getRuntime().availableProcessors() + 3)))
        // Linux's epoll where its native library loads (the jar carries it for x86-64), Java NIO
        // elsewhere: on epoll the gateway took 7-32 % less CPU per webhook, bot turn and send in the
        // benches (README, "Performance", 2026-12-03 13:22-), CPU the database needs on small machines
        .setPreferNativeTransport(preferNative)
        .setMetricsOptions(vertxMetrics());
    ClusterView cluster;
    Vertx vertx;
    if (config.cluster().enabled()) {
      HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSetup.config(config.cluster()));
      String ip = HazelcastSetup.ip(config.cluster().host());
      options.setEventBusOptions(new EventBusOptions().setHost(ip).setPort(0).setClusterPublicHost(ip));
      vertx = await(Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus))
          .withClusterManager(manager).buildClustered(), 120, "cannot join the cluster as "
          + config.cluster().host() + ":" + config.cluster().port() + " (members " + config.cluster().members() + ")");
      cluster = ClusterView.of(manager.getHazelcastInstance(), prometheus);
      LOG.atInfo().addKeyValue("members", cluster.members()).addKeyValue("node", manager.getNodeId())
          .log("joined the cluster: {} members", cluster.members());
    } else {
      vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus)).build();
      cluster = ClusterView.SINGLE;
    }
    if (preferNative && !vertx.isNativeTransportEnabled() && vertx.unavailableNativeTransportCause() != null) {
      LOG.atInfo().log("native transport unavailable here, using Java NIO: {}",
          vertx.unavailableNativeTransportCause().toString());
    }
    EmbeddedPostgres embedded = null;
    try {
      ChannelRegistry channels = PluginLoader.loadChannels(Path.of("plugins"));
      TenantAccounts.validate(config.tenants(), channels); // fail fast, naming the bad key
      MessagePluginRegistry plugins = PluginLoader.loadMessagePlugins(Path.of("plugins"));
      TenantAccounts.validateChains(config.tenants(), plugins);
      Path dataDir = Path.of(config.dataDir());
      SecretBox secrets = new SecretBox(MasterKey.resolve(env.get("SWITCHBOARD_MASTER_KEY"), dataDir));

      DatabaseUrl database;
      if (config.databaseUrl() != null) {
        database = DatabaseUrl.parse(config.databaseUrl());
      } else {
        embedded = EmbeddedPostgres.at(dataDir.resolve("postgres"));
        EmbeddedPostgres pg = embedded;
        database = await(vertx.executeBlocking(pg::start, false), 180);
      }
      migrate(vertx, database);
      DatabaseUrl memoryDb = config.memory().databaseUrl() == null ? database
          : DatabaseUrl.parse(config.memory().databaseUrl());
      MemorySchema memory = migrateMemory(vertx, memoryDb, config.memory().dimensions());

      Codecs.registerAll(vertx.eventBus());
      Metrics metrics = new Metrics(prometheus);
      int instances = Integer.getInteger("switchboard.edge.instances",
          Math.max(1, Runtime.getRuntime().availableProcessors()));
      List<HttpEdgeVerticle> edges = new CopyOnWriteArrayList<>();
      AuthFailures authFailures = new AuthFailures(config.authFailures(), metrics); // one for all edge instances
      ApiKeyUsage keyUsage = new ApiKeyUsage();
      DatabaseUrl db = database;
      String node = NodeName.of();
      // cluster mode: each tenant's and account's limit shared by the demand each member reports
      DemandShares demandShares = cluster.clustered() ? new DemandShares(cluster::members) : null;
      LimitShares shares = demandShares == null ? EvenShares.SINGLE : demandShares;
      // deployment ids in order: close() undeploys them in reverse (the edge drains before the store)
      List<String> deployments = new CopyOnWriteArrayList<>();
      Promise<String> fatal = Promise.promise();
      Future<?> deployed = (embedded == null ? Future.succeededFuture("none")
          : vertx.deployVerticle(new EmbeddedPostgresSupervisor(embedded, metrics, fatal::tryComplete))
              .onSuccess(deployments::add))
          .compose(id -> demandShares == null ? Future.succeededFuture("none")
              : vertx.deployVerticle(new LimitSharesVerticle(demandShares, node,
                  LimitSharesVerticle.defaultReportMillis(), prometheus)).onSuccess(deployments::add))
          // the owners of the inbound buckets and of the recent keys, stopped after the store that asks them
          .compose(id -> vertx.deployVerticle(new AdmissionVerticle(new Admission(shares), metrics))
              .onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new RecentKeysVerticle(RecentKeysVerticle.defaultCapacity(), metrics))
              .onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new InboxStoreVerticle(db, config.store(), metrics))
              .onSuccess(deployments::add))
          // stopped after everything that asks it (dispatcher, edge), and apart from the sender → outbox sequence
          .compose(id -> vertx.deployVerticle(new AiStoreVerticle(db, memoryDb, config.memory(), memory, metrics))
              .onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new OutboxStoreVerticle(db, metrics, config.outbound().queuePerTenant()))
              .onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new ReadStoreVerticle(db, metrics)).onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new TenantRegistryVerticle(config, configFile, env, db, secrets, channels,
              plugins, metrics, cluster.clustered())).onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new TenantAdminVerticle(db, secrets, channels, plugins))
              .onSuccess(deployments::add))
          // stopped after the edge: its last flush writes the uses the edge recorded until it stopped
          .compose(id -> vertx.deployVerticle(new ApiKeyUsageVerticle(db, keyUsage, ApiKeyUsageVerticle.defaultInterval()))
              .onSuccess(deployments::add))
          .compose(id -> deploySenders(vertx, channels, config, metrics, node, cluster, shares, deployments))
          .compose(id -> vertx.deployVerticle(new DispatcherVerticle(db, config.dispatch(), metrics, node,
              new SendService(channels, vertx.eventBus()))).onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(
              new HousekeepingVerticle(db, node, metrics, HousekeepingVerticle.defaultInterval(),
                  config.dispatch().runRetentionDays())).onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(new QueueVacuumVerticle(db, metrics, config.store().queueVacuumInterval()))
              .onSuccess(deployments::add))
          .compose(id -> vertx.deployVerticle(() -> {
            HttpEdgeVerticle edge = new HttpEdgeVerticle(config, channels, metrics, prometheus, cluster, authFailures,
                keyUsage);
            edges.add(edge);
            return edge;
          }, new DeploymentOptions().setInstances(instances)).onSuccess(deployments::add));
      try {
        await(deployed, 120);
      } catch (StartupException e) {
        if (addressInUse(rootCause(e))) {
          throw new StartupException("cannot listen on port " + config.httpPort() + ": address already in use");
        }
        throw e;
      }
      int port = edges.get(0).actualPort();
      LOG.atInfo().addKeyValue("port", port).addKeyValue("database", database.toString())
          .addKeyValue("tenants", config.tenants().size())
          .addKeyValue("transport", vertx.isNativeTransportEnabled() ? "native" : "nio")
          .log("switchboard ready on port {}", port);
      Gateway gateway = new Gateway(vertx, embedded, database, port, deployments, config.shutdownTimeout(),
          fatal.future());
      gateway.servedRoutes = edges.get(0).servedRoutes();
      return gateway;
    } catch (RuntimeException e) {
      closeQuietly(vertx);
      if (embedded != null) {
        embedded.stop();
      }
      throw e instanceof StartupException ? e : new StartupException("start-up failed: " + e.getMessage(), e);
    }
  }

  /** One sender verticle per channel plugin that can send. */
  private static Future<?> deploySenders(Vertx vertx, ChannelRegistry channels, GatewayConfig config, Metrics metrics,
                                         String node, ClusterView cluster, LimitShares shares,
                                         List<String> deployments) {
    Future<?> chain = Future.succeededFuture();
    for (String id : new java.util.TreeSet<>(channels.ids())) {
      ChannelPlugin plugin = channels.find(id).orElseThrow();
      if (!plugin.sendCapabilities().types().isEmpty()) {
        chain = chain.compose(v -> vertx.deployVerticle(new ChannelVerticle(plugin, config.outbound(), metrics, node,
            shares, new EvenShares(cluster::members)))
            .onSuccess(deployments::add));
      }
    }
    return chain;
  }

  /**
   * Vert.x's own meters: JVM, pools (the SQL pools' usage), HTTP client. Per-message event-bus
   * meters and per-request HTTP/net server meters are off by default: they cost CPU on every call
   * and duplicate switchboard's webhook meters (count by outcome, ack latency histogram);
   * {@code -Dswitchboard.metrics.vertxServer=true} turns the server ones back on.
   */
  private static MicrometerMetricsOptions vertxMetrics() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    if (!Boolean.getBoolean("switchboard.metrics.vertxServer")) {
      options.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER).addDisabledMetricsCategory(MetricsDomain.NET_SERVER);
    }
    return options;
  }

  /** Reads the YAML file with a short-lived Vert.x of its own (the gateway's is built from what it says). */
  private static JsonObject readFile(Path file) {
    if (file == null) {
      return new JsonObject();
    }
    if (!Files.isRegularFile(file)) {
      throw new StartupException("config file not found: " + file);
    }
    Vertx reader = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    var retriever = ConfigFiles.retriever(reader, file, 0);
    try {
      return await(retriever.getConfig(), 30);
    } catch (StartupException e) {
      throw new StartupException("bad config: " + file + " is not valid YAML: " + rootCause(e).getMessage());
    } finally {
      retriever.close();
      closeQuietly(reader);
    }
  }

  private static void migrate(Vertx vertx, DatabaseUrl database) {
    Migrator migrator = new Migrator(database.jdbcUrl(), database.user(), database.password());
    try {
      int applied = await(vertx.executeBlocking(migrator::migrate, false), 300);
      LOG.info("database schema up to date ({} migrations applied now)", applied);
    } catch (StartupException e) {
      throw new StartupException("database unreachable or not migratable at " + database + ": "
          + rootCause(e).getMessage().lines().findFirst().orElse(""));
    }
  }

  /** {@link #await(Future, long)}, with {@code what} and the root cause in the message of a failure. */
  private static <T> T await(Future<T> future, long seconds, String what) {
    try {
      return await(future, seconds);
    } catch (StartupException e) {
      throw new StartupException(what + ": " + rootCause(e).getMessage(), e);
    }
  }

  /**
   * Applies the contact-memory schema where pgvector is (on a worker). Without it memory is
   * unavailable, said once here and in {@code /ready}; nothing else depends on it.
   */
  private static MemorySchema migrateMemory(Vertx vertx, DatabaseUrl database, int dimensions) {
    Migrator migrator = new Migrator(database.jdbcUrl(), database.user(), database.password());
    MemorySchema memory = await(vertx.executeBlocking(() -> migrator.migrateMemory(dimensions), false), 300);
    if (memory.available()) {
      LOG.atInfo().addKeyValue("dimensions", memory.dimensions()).log("contact memory available on {} ({} dimensions)",
          database, memory.dimensions());
    } else {
      LOG.atWarn().log("contact memory unavailable on {}: {}; the llm plugin answers without memories (see README, "
          + "\"Built-in AI responder\")", database, memory.reason());
    }
    return memory;
  }

  /** Waits for a future from a non-Vert.x thread. */
  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StartupException se) {
        throw se;
      }
      throw new StartupException(String.valueOf(cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new StartupException("timed out after " + seconds + " s during start-up");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted during start-up");
    }
  }

  /**
   * A taken port: Java NIO says so with a {@link BindException}, Netty's native epoll with an
   * {@code IOException} carrying the system's text ({@code bind(..) failed with error(-98): Address
   * already in use}).
   */
  private static boolean addressInUse(Throwable root) {
    return root instanceof BindException
        || root instanceof java.io.IOException && root.getMessage() != null
        && root.getMessage().contains("Address already in use");
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort during a failed start
    }
  }

  /** Every route the HTTP edge serves, as {@code METHOD /path/{param}}. */
  public java.util.Set<String> servedRoutes() {
    return servedRoutes;
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public DatabaseUrl database() {
    return database;
  }

  /**
   * Completes with one line when the gateway cannot go on by itself (the embedded PostgreSQL could
   * not be kept running); the launcher exits non-zero with it.
   */
  public Future<String> fatal() {
    return fatal;
  }

  /**
   * Graceful stop, bounded by {@code shutdown.timeout}: the verticles are undeployed in reverse
   * order, so the edge stops accepting and answers every request it has read while the store is
   * still committing; then the store commits or fails what is queued and closes its pool; then
   * Vert.x closes and the embedded PostgreSQL stops. What is still running at the deadline is
   * closed regardless. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    LOG.atInfo().addKeyValue("timeoutSeconds", shutdownTimeout.toSeconds())
        .log("switchboard stopping: draining in-flight webhooks");
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id)
          .recover(err -> {
            LOG.warn("stopping {} failed: {}", id, err.getMessage());
            return Future.succeededFuture();
          }));
    }
    try {
      undeployed.toCompletionStage().toCompletableFuture().get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("shutdown.timeout ({} s) reached: closing what is still running", shutdownTimeout.toSeconds());
    } catch (ExecutionException e) {
      LOG.warn("graceful stop failed: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(vertx);
    if (embedded != null) {
      embedded.stop();
    }
    LOG.atInfo().addKeyValue("millis", (System.nanoTime() - start) / 1_000_000).log("switchboard stopped");
  }
}
