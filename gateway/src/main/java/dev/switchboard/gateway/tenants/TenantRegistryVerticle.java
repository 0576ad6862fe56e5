package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.ConfigFiles;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.security.SecretBox;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.config.ConfigRetriever;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the tenant directory: seeds the config file's tenants into PostgreSQL at start, watches the
 * file (hot reload: tenants, channels, limits and plugins change without a restart), reloads the
 * directory from the database and publishes each new snapshot on the local bus. In cluster mode it
 * also tells the other nodes when it changed the tenants (a small JSON notice on
 * {@link #CLUSTER_TENANTS_CHANGED}); each of them reloads its directory from the shared PostgreSQL.
 * The snapshot itself never leaves the node.
 */
public final class TenantRegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TenantRegistryVerticle.class);
  /** Cluster-wide: {@code {"node": …}}, published by the node that changed the tenants in PostgreSQL. */
  public static final String CLUSTER_TENANTS_CHANGED = "sb.cluster.tenants.changed";
  /**
   * Local: reload the directory from PostgreSQL, publish it and tell the other nodes; answered once
   * published (the admin API changed the tenants).
   */
  public static final String RELOAD = "sb.tenants.reload";

  private final GatewayConfig initial;
  private final Path configFile;
  private final Map<String, String> env;
  private final DatabaseUrl database;
  private final SecretBox secrets;
  private final ChannelRegistry channels;
  private final MessagePluginRegistry plugins;
  private final Metrics metrics;
  private final boolean clustered;
  private final String node = java.util.UUID.randomUUID().toString();
  private Pool pool;
  private TenantRepository repository;
  private TenantDirectory directory = TenantDirectory.EMPTY;
  private ConfigRetriever watcher;
  private Future<Void> lastReload = Future.succeededFuture();

  public TenantRegistryVerticle(GatewayConfig initial, Path configFile, Map<String, String> env,
                                DatabaseUrl database, SecretBox secrets, ChannelRegistry channels,
                                MessagePluginRegistry plugins, Metrics metrics, boolean clustered) {
    this.initial = initial;
    this.configFile = configFile;
    this.env = env;
    this.database = database;
    this.secrets = secrets;
    this.channels = channels;
    this.plugins = plugins;
    this.metrics = metrics;
    this.clustered = clustered;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2).setName("tenants"))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(database.connectOptions()).using(vertx).build();
    repository = new TenantRepository(pool, secrets, channels, plugins);
    return seed(initial)
        .compose(v -> reload())
        .compose(v -> vertx.eventBus().<Object>localConsumer(Addresses.TENANTS_SNAPSHOT,
            msg -> msg.reply(directory)).completion())
        .compose(v -> vertx.eventBus().<Object>localConsumer(RELOAD, msg -> reload()
            .onSuccess(r -> {
              announce();
              metrics.configReload("admin");
              msg.reply(directory.version());
            })
            .onFailure(err -> msg.fail(dev.switchboard.plugin.bus.FailureCodes.STORAGE_UNAVAILABLE, "reload failed")))
            .completion())
        .compose(v -> clustered ? vertx.eventBus().<JsonObject>consumer(CLUSTER_TENANTS_CHANGED,
            msg -> onNotice(msg.body())).completion() : Future.succeededFuture())
        .onSuccess(v -> {
          watch();
          announce(); // the tenants this node seeded are news to the others
        });
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) {
      watcher.close();
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private Future<Void> seed(GatewayConfig config) {
    return repository.upsertAll(config.tenants(), TenantAccounts.validate(config.tenants(), channels));
  }

  /**
   * Re-reads every tenant from the database and publishes the new snapshot. Reloads run one after
   * the other, so a snapshot read before a change is never published after one read after it.
   */
  public Future<Void> reload() {
    Future<Void> next = lastReload.transform(ignored -> loadAndPublish());
    lastReload = next;
    return next;
  }

  private Future<Void> loadAndPublish() {
    return repository.loadAll(directory.version() + 1).map(next -> {
      directory = next;
      vertx.eventBus().publish(Addresses.EVT_TENANTS_CHANGED, next);
      LOG.atInfo().addKeyValue("tenants", next.tenants().size()).addKeyValue("version", next.version())
          .log("tenant directory loaded");
      return null;
    });
  }

  /** Tells the other nodes that this one changed the tenants in the database (cluster mode only). */
  public void announce() {
    if (clustered) {
      vertx.eventBus().publish(CLUSTER_TENANTS_CHANGED, new JsonObject().put("node", node));
    }
  }

  private void onNotice(JsonObject notice) {
    if (node.equals(notice.getString("node"))) {
      return;
    }
    reload().onSuccess(v -> metrics.configReload("cluster"))
        .onFailure(err -> LOG.error("another node changed the tenants but reloading them failed: {}", err.getMessage()));
  }

  private void watch() {
    if (configFile == null) {
      return;
    }
    watcher = ConfigFiles.retriever(vertx, configFile, 2_000);
    watcher.listen(change -> onFileChanged(change.getNewConfiguration()));
  }

  private void onFileChanged(JsonObject json) {
    GatewayConfig next;
    try {
      next = GatewayConfig.from(json, env);
      TenantAccounts.validate(next.tenants(), channels);
      TenantAccounts.validateChains(next.tenants(), plugins);
    } catch (RuntimeException e) {
      metrics.configReload("refused");
      LOG.error("config file changed but is not valid, keeping the current tenants and their plugin chains: {}",
          e.getMessage());
      return;
    }
    if (next.httpPort() != initial.httpPort() || !java.util.Objects.equals(next.databaseUrl(), initial.databaseUrl())) {
      LOG.warn("http.port and database.url changes take effect at the next restart");
    }
    seed(next).compose(v -> reload())
        .onSuccess(v -> {
          announce();
          metrics.configReload("applied");
          LOG.info("config file reloaded: {} tenants", next.tenants().size());
        })
        .onFailure(err -> {
          metrics.configReload("failed");
          LOG.error("config reload failed, keeping the current tenants: {}", err.getMessage());
        });
  }
}
