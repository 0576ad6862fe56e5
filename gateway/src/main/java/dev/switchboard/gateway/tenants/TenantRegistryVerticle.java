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
 * directory from the database and publishes each new snapshot on the local bus.
 */
public final class TenantRegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TenantRegistryVerticle.class);

  private final GatewayConfig initial;
  private final Path configFile;
  private final Map<String, String> env;
  private final DatabaseUrl database;
  private final SecretBox secrets;
  private final ChannelRegistry channels;
  private final MessagePluginRegistry plugins;
  private final Metrics metrics;
  private Pool pool;
  private TenantRepository repository;
  private TenantDirectory directory = TenantDirectory.EMPTY;
  private ConfigRetriever watcher;

  public TenantRegistryVerticle(GatewayConfig initial, Path configFile, Map<String, String> env,
                                DatabaseUrl database, SecretBox secrets, ChannelRegistry channels,
                                MessagePluginRegistry plugins, Metrics metrics) {
    this.initial = initial;
    this.configFile = configFile;
    this.env = env;
    this.database = database;
    this.secrets = secrets;
    this.channels = channels;
    this.plugins = plugins;
    this.metrics = metrics;
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
        .onSuccess(v -> watch());
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

  /** Re-reads every tenant from the database and publishes the new snapshot. */
  public Future<Void> reload() {
    return repository.loadAll(directory.version() + 1).map(next -> {
      directory = next;
      vertx.eventBus().publish(Addresses.EVT_TENANTS_CHANGED, next);
      LOG.atInfo().addKeyValue("tenants", next.tenants().size()).addKeyValue("version", next.version())
          .log("tenant directory loaded");
      return null;
    });
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
          metrics.configReload("applied");
          LOG.info("config file reloaded: {} tenants", next.tenants().size());
        })
        .onFailure(err -> {
          metrics.configReload("failed");
          LOG.error("config reload failed, keeping the current tenants: {}", err.getMessage());
        });
  }
}
