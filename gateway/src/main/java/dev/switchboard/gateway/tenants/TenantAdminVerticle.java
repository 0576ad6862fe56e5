package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.config.TenantConfig;
import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.security.SecretBox;
import dev.switchboard.gateway.tenants.TenantAdminRecords.Answer;
import dev.switchboard.gateway.tenants.TenantAdminRecords.Request;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes and reads of the admin API's tenants and API keys, asked over the local bus at
 * {@link #ADDRESS} ({@link TenantAdminRecords.Request} → {@link TenantAdminRecords.Answer}). After each change it asks
 * the {@link TenantRegistryVerticle} to reload the directory — the same publish as a config hot
 * reload, announced to the other nodes in a cluster — and answers only once that is done, so the
 * change is in force on every verticle when the client hears of it.
 */
public final class TenantAdminVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TenantAdminVerticle.class);
  /** Local: the admin API's tenant and API key operations. */
  public static final String ADDRESS = "sb.admin.tenants";
  private static final DeliveryOptions RELOAD = new DeliveryOptions().setSendTimeout(30_000);

  private static final String LOAD_TENANTS = """
      SELECT id, name, api_key_hashes, inbound_per_second, inbound_burst, outbound_per_second,
             outbound_burst, per_contact_daily, extract(epoch FROM takeover_auto_resume)::bigint AS resume_secs,
             plugin_chain, timezone, daily_quota_notice, source, created_at, updated_at
        FROM tenants WHERE ($1::text IS NULL OR id = $1) ORDER BY id""";
  private static final String LOAD_ACCOUNTS = """
      SELECT tenant_id, channel, settings::text, secrets FROM channel_accounts
       WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY tenant_id, channel""";
  /** Serialises the changes of one tenant (two creates of one id, a replace racing a delete). */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('switchboard.tenant:' || $1))";
  private static final String DELETE = "SELECT delete_tenant($1)";
  private static final String INSERT_KEY = """
      INSERT INTO api_keys (tenant_id, hash) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
      RETURNING id, created_at""";
  private static final String LIST_KEYS = """
      SELECT id, created_at, last_used_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id DESC""";
  private static final String REVOKE_KEY = """
      UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING id""";
  private static final String TENANT_EXISTS = "SELECT 1 FROM tenants WHERE id = $1";

  private final DatabaseUrl database;
  private final SecretBox secrets;
  private final ChannelRegistry channels;
  private final MessagePluginRegistry plugins;
  private final TenantDocument documents;
  private Pool pool;
  private TenantRepository repository;

  public TenantAdminVerticle(DatabaseUrl database, SecretBox secrets, ChannelRegistry channels,
                             MessagePluginRegistry plugins) {
    this.database = database;
    this.secrets = secrets;
    this.channels = channels;
    this.plugins = plugins;
    this.documents = new TenantDocument(channels, plugins);
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2).setName("tenant-admin"))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(database.connectOptions()).using(vertx).build();
    repository = new TenantRepository(pool, secrets, channels, plugins);
    return vertx.eventBus().<Request>localConsumer(ADDRESS, this::onRequest).completion();
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** An answer other than success: status, code and a message safe to show. */
  private static final class Refusal extends RuntimeException {
    final int status;
    final String code;

    Refusal(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  private static Refusal notFound() {
    return new Refusal(404, "not_found", "no such tenant");
  }

  private void onRequest(Message<Request> msg) {
    Request req = msg.body();
    String tenant = req.tenant();
    Future<Answer> answer;
    try {
      answer = switch (req.op()) {
        case LIST_TENANTS -> load(null).map(all -> Answer.ok(200, new JsonObject().put("tenants", all)));
        case GET_TENANT -> one(tenant, 200);
        case CREATE_TENANT -> create(req.body());
        case REPLACE_TENANT -> replace(tenant, req.body());
        case DELETE_TENANT -> delete(tenant);
        case CREATE_API_KEY -> createKey(tenant);
        case LIST_API_KEYS -> listKeys(tenant);
        case REVOKE_API_KEY -> revokeKey(tenant, req.keyId());
      };
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(msg::reply).onFailure(err -> {
      if (err instanceof Refusal r) {
        msg.reply(Answer.refused(r.status, r.code, r.getMessage()));
      } else if (err instanceof ConfigError c) {
        msg.reply(Answer.refused(400, "invalid_request", c.key() + ": " + c.problem()));
      } else {
        LOG.error("admin tenant operation {} failed: {}", req.op(), err.getMessage());
        msg.fail(FailureCodes.STORAGE_UNAVAILABLE, "storage unavailable");
      }
    });
  }

  // --- tenants ---

  private Future<JsonArray> load(String tenant) {
    return loadStored(pool, tenant).map(all -> {
      JsonArray out = new JsonArray();
      all.forEach(s -> out.add(documents.render(s)));
      return out;
    });
  }

  private Future<List<TenantDocument.Stored>> loadStored(SqlClient client, String tenant) {
    return client.preparedQuery(LOAD_TENANTS).execute(Tuple.of(tenant)).compose(rows ->
        client.preparedQuery(LOAD_ACCOUNTS).execute(Tuple.of(tenant)).map(accountRows -> stored(rows, accountRows)));
  }

  private List<TenantDocument.Stored> stored(RowSet<Row> rows, RowSet<Row> accountRows) {
    Map<String, Map<String, Map<String, String>>> accounts = new HashMap<>();
    for (Row a : accountRows) {
      String tenant = a.getString(0);
      String channel = a.getString(1);
      Map<String, String> values = new LinkedHashMap<>();
      new JsonObject(a.getString(2)).forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
      try {
        repository.accountSecrets(tenant, channel, a.getBuffer(3))
            .forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
      } catch (SecretBox.SecretsUnreadableException e) {
        LOG.error("cannot decrypt the {} secrets of tenant {} ({})", channel, tenant, e.getMessage());
      }
      accounts.computeIfAbsent(tenant, k -> new LinkedHashMap<>()).put(channel, values);
    }
    List<TenantDocument.Stored> out = new ArrayList<>();
    for (Row r : rows) {
      String id = r.getString("id");
      JsonObject limits = new JsonObject()
          .put("inbound", r.getInteger("inbound_per_second") == null ? GatewayConfig.UNLIMITED
              : new JsonObject().put("perSecond", r.getInteger("inbound_per_second"))
                  .put("burst", r.getInteger("inbound_burst")))
          .put("outbound", new JsonObject().put("perSecond", r.getInteger("outbound_per_second"))
              .put("burst", r.getInteger("outbound_burst")))
          .put("perContactDaily", r.getInteger("per_contact_daily"));
      if (r.getString("daily_quota_notice") != null) {
        limits.put("perContactDailyNotice", r.getString("daily_quota_notice"));
      }
      JsonObject fields = new JsonObject().put("id", id).put("name", r.getString("name")).put("limits", limits)
          .put("takeover", new JsonObject().put("autoResumeAfter", Duration.ofSeconds(r.getLong("resume_secs")).toString()))
          .put("timezone", r.getString("timezone"));
      String chain = null;
      try {
        chain = repository.chainJson(id, r.getBuffer("plugin_chain"));
      } catch (SecretBox.SecretsUnreadableException e) {
        LOG.error("cannot decrypt the plugin chain of tenant {} ({})", id, e.getMessage());
      }
      String[] hashes = r.getArrayOfStrings("api_key_hashes");
      out.add(new TenantDocument.Stored(fields, "config".equals(r.getString("source")),
          hashes == null ? List.of() : List.of(hashes), accounts.getOrDefault(id, Map.of()), chain,
          instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at"))));
    }
    return out;
  }

  private static String instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private Future<Answer> create(JsonObject body) {
    if (body == null) {
      throw new ConfigError("body", "must be a JSON object: one tenant in the config file's shape");
    }
    TenantDocument.Merged merged = TenantDocument.merge(body, null);
    TenantConfig t = GatewayConfig.tenant(merged.body());
    Map<String, AccountConfig> accounts = TenantAccounts.validateOne(t, channels, plugins);
    return pool.withTransaction(tx -> lock(tx, t.id())
            .compose(v -> tx.preparedQuery(TENANT_EXISTS).execute(Tuple.of(t.id())))
            .compose(rows -> {
              if (rows.size() > 0) {
                throw new Refusal(409, "tenant_exists", "tenant '" + t.id() + "' exists already");
              }
              return repository.upsertAdmin(tx, t, accounts, hashes(merged, t));
            }))
        .compose(v -> reloaded())
        .compose(v -> one(t.id(), 201));
  }

  private Future<Answer> replace(String tenant, JsonObject body) {
    if (!TenantId.isValid(tenant)) {
      throw notFound();
    }
    if (body == null) {
      throw new ConfigError("body", "must be a JSON object: one tenant in the config file's shape");
    }
    Object id = body.getValue("id");
    if (id != null && !tenant.equals(id)) {
      throw new ConfigError("id", "must be the tenant of the path ('" + tenant + "') or left out");
    }
    JsonObject given = body.copy().put("id", tenant);
    return pool.withTransaction(tx -> lock(tx, tenant)
            .compose(v -> loadStored(tx, tenant))
            .compose(found -> {
              TenantDocument.Stored stored = writable(found);
              TenantDocument.Merged merged = TenantDocument.merge(given, stored);
              TenantConfig t = GatewayConfig.tenant(merged.body());
              Map<String, AccountConfig> accounts = TenantAccounts.validateOne(t, channels, plugins);
              return repository.upsertAdmin(tx, t, accounts, hashes(merged, t));
            }))
        .compose(v -> reloaded())
        .compose(v -> one(tenant, 200));
  }

  private Future<Answer> delete(String tenant) {
    if (!TenantId.isValid(tenant)) {
      throw notFound();
    }
    return pool.withTransaction(tx -> lock(tx, tenant)
            .compose(v -> loadStored(tx, tenant))
            .compose(found -> {
              writable(found);
              return tx.preparedQuery(DELETE).execute(Tuple.of(tenant));
            }))
        .compose(v -> reloaded())
        .map(v -> {
          LOG.atInfo().addKeyValue("tenant", tenant).log("tenant deleted over the admin API");
          return Answer.ok(204, null);
        });
  }

  /** The one tenant found, if the admin API may change it. */
  private static TenantDocument.Stored writable(List<TenantDocument.Stored> found) {
    if (found.isEmpty()) {
      throw notFound();
    }
    TenantDocument.Stored stored = found.get(0);
    if (stored.managedByConfig()) {
      throw new Refusal(409, "managed_by_config",
          "tenant '" + stored.fields().getString("id") + "' is defined by the config file; change it there");
    }
    return stored;
  }

  private static String[] hashes(TenantDocument.Merged merged, TenantConfig t) {
    List<String> all = new ArrayList<>(merged.keptHashes());
    t.apiKeys().forEach(k -> all.add(ApiKeys.hash(k)));
    return all.stream().distinct().toArray(String[]::new);
  }

  private Future<Answer> one(String tenant, int status) {
    return load(tenant).map(found -> {
      if (found.isEmpty()) {
        throw notFound(); // deleted concurrently
      }
      return Answer.ok(status, found.getJsonObject(0));
    });
  }

  private static Future<Void> lock(SqlConnection tx, String tenant) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(tenant)).mapEmpty();
  }

  /** Asks the registry to reload and publish the directory (and tell the other nodes). */
  private Future<Void> reloaded() {
    return vertx.eventBus().request(TenantRegistryVerticle.RELOAD, "admin", RELOAD).mapEmpty();
  }

  // --- API keys ---

  private Future<Answer> createKey(String tenant) {
    if (!TenantId.isValid(tenant)) {
      throw notFound();
    }
    String key = ApiKeys.generate();
    return pool.preparedQuery(INSERT_KEY).execute(Tuple.of(tenant, ApiKeys.hash(key))).compose(rows -> {
      if (rows.size() == 0) {
        throw notFound();
      }
      Row row = rows.iterator().next();
      JsonObject body = new JsonObject().put("id", ApiKeys.formatId(row.getLong("id"))).put("key", key)
          .put("createdAt", instant(row.getOffsetDateTime("created_at")));
      return reloaded().map(v -> Answer.ok(201, body));
    });
  }

  private Future<Answer> listKeys(String tenant) {
    if (!TenantId.isValid(tenant)) {
      throw notFound();
    }
    return pool.preparedQuery(TENANT_EXISTS).execute(Tuple.of(tenant)).compose(exists -> {
      if (exists.size() == 0) {
        throw notFound();
      }
      return pool.preparedQuery(LIST_KEYS).execute(Tuple.of(tenant)).map(rows -> {
        JsonArray keys = new JsonArray();
        for (Row r : rows) {
          keys.add(new JsonObject().put("id", ApiKeys.formatId(r.getLong("id")))
              .put("createdAt", instant(r.getOffsetDateTime("created_at")))
              .put("lastUsedAt", instant(r.getOffsetDateTime("last_used_at")))
              .put("revokedAt", instant(r.getOffsetDateTime("revoked_at"))));
        }
        return Answer.ok(200, new JsonObject().put("apiKeys", keys));
      });
    });
  }

  private Future<Answer> revokeKey(String tenant, Long key) {
    if (!TenantId.isValid(tenant) || key == null) {
      throw new Refusal(404, "not_found", "no such API key");
    }
    return pool.preparedQuery(REVOKE_KEY).execute(Tuple.of(key, tenant)).compose(rows -> {
      if (rows.size() == 0) {
        throw new Refusal(404, "not_found", "no such API key");
      }
      return reloaded().map(v -> Answer.ok(204, null));
    });
  }
}
