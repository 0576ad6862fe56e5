package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.gateway.config.TenantConfig;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.security.SecretBox;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.spi.ConfigField;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tenants and their channel accounts in PostgreSQL; secrets sealed with the master key. */
public final class TenantRepository {
  private static final Logger LOG = LoggerFactory.getLogger(TenantRepository.class);

  private static final String UPSERT_TENANT = """
      INSERT INTO tenants (id, name, api_key_hashes, inbound_per_second, inbound_burst,
                           outbound_per_second, outbound_burst, per_contact_daily,
                           takeover_auto_resume, plugin_chain, has_chain, timezone, daily_quota_notice, source)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, make_interval(secs => $9), $10, $14, $11, $12, $13)
      ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source,
        name = EXCLUDED.name, api_key_hashes = EXCLUDED.api_key_hashes,
        inbound_per_second = EXCLUDED.inbound_per_second, inbound_burst = EXCLUDED.inbound_burst,
        outbound_per_second = EXCLUDED.outbound_per_second, outbound_burst = EXCLUDED.outbound_burst,
        per_contact_daily = EXCLUDED.per_contact_daily,
        takeover_auto_resume = EXCLUDED.takeover_auto_resume,
        plugin_chain = EXCLUDED.plugin_chain, has_chain = EXCLUDED.has_chain, timezone = EXCLUDED.timezone,
        daily_quota_notice = EXCLUDED.daily_quota_notice, updated_at = now()""";

  private static final String UPSERT_ACCOUNT = """
      INSERT INTO channel_accounts (tenant_id, channel, account_ref, settings, secrets)
      VALUES ($1, $2, $3, $4::text::jsonb, $5)
      ON CONFLICT (tenant_id, channel) DO UPDATE SET
        account_ref = EXCLUDED.account_ref, settings = EXCLUDED.settings, secrets = EXCLUDED.secrets,
        updated_at = now()""";

  /** Tenants the config file no longer defines stay, managed over the admin API from now on. */
  private static final String RELEASE_FROM_CONFIG =
      "UPDATE tenants SET source = 'admin', updated_at = now() WHERE source = 'config' AND NOT (id = ANY($1::text[]))";

  private static final String LOAD_KEYS = "SELECT tenant_id, id, hash FROM api_keys WHERE revoked_at IS NULL";

  private static final String DELETE_OTHER_ACCOUNTS =
      "DELETE FROM channel_accounts WHERE tenant_id = $1 AND NOT (channel = ANY($2::text[]))";

  private static final String LOAD_TENANTS = """
      SELECT id, name, api_key_hashes, inbound_per_second, inbound_burst, outbound_per_second,
             outbound_burst, extract(epoch FROM takeover_auto_resume)::bigint AS resume_secs,
             plugin_chain, per_contact_daily, daily_quota_notice
        FROM tenants""";

  private static final String LOAD_ACCOUNTS =
      "SELECT tenant_id, channel, account_ref, settings::text, secrets FROM channel_accounts";

  private final Pool pool;
  private final SecretBox secrets;
  private final ChannelRegistry channels;
  private final MessagePluginRegistry plugins;

  public TenantRepository(Pool pool, SecretBox secrets, ChannelRegistry channels, MessagePluginRegistry plugins) {
    this.pool = pool;
    this.secrets = secrets;
    this.channels = channels;
    this.plugins = plugins;
  }

  /**
   * Seeds/updates the tenants of the config file, each with its channel accounts, in one
   * transaction. They are marked {@code config}; a tenant marked so that the file no longer defines
   * is kept and from now on managed over the admin API ({@code admin}).
   */
  public Future<Void> upsertAll(List<TenantConfig> tenants, Map<String, Map<String, AccountConfig>> accounts) {
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (TenantConfig t : tenants) {
        chain = chain.compose(v -> upsert(tx, t, accounts.getOrDefault(t.id(), Map.of()), "config", hashes(t)));
      }
      String[] ids = tenants.stream().map(TenantConfig::id).toArray(String[]::new);
      return chain.compose(v -> tx.preparedQuery(RELEASE_FROM_CONFIG).execute(Tuple.of((Object) ids)).mapEmpty());
    });
  }

  /**
   * Writes one tenant of the admin API (marked {@code admin}) with its channel accounts, in
   * {@code tx}; {@code keyHashes} are the hashes of its {@code apiKeys}.
   */
  public Future<Void> upsertAdmin(SqlConnection tx, TenantConfig t, Map<String, AccountConfig> accounts,
                                  String[] keyHashes) {
    return upsert(tx, t, accounts, "admin", keyHashes);
  }

  private static String[] hashes(TenantConfig t) {
    return t.apiKeys().stream().map(ApiKeys::hash).toArray(String[]::new);
  }

  private Future<Void> upsert(SqlConnection tx, TenantConfig t, Map<String, AccountConfig> accounts, String source,
                              String[] keyHashes) {
    byte[] chain = secrets.seal(t.pluginsJson(), "tenant:" + t.id() + ":plugins");
    Tuple tenant = Tuple.from(new Object[] {t.id(), t.name(), keyHashes, 
        t.inbound() == null ? null : t.inbound().perSecond(), t.inbound() == null ? null : t.inbound().burst(),
        t.outbound().perSecond(), t.outbound().burst(), t.perContactDaily(),
        (double) t.autoResumeAfter().getSeconds(), io.vertx.core.buffer.Buffer.buffer(chain), t.timezone().getId(),
        t.dailyQuotaNotice(), source,
        // the chain is sealed in plugin_chain; inbox_append hands the messages of a tenant without one over as stored
        !new io.vertx.core.json.JsonArray(t.pluginsJson()).isEmpty()});
    Future<Void> f = tx.preparedQuery(UPSERT_TENANT).execute(tenant).mapEmpty();
    for (var entry : accounts.entrySet()) {
      String channel = entry.getKey();
      ChannelPlugin plugin = channels.find(channel).orElseThrow();
      JsonObject settings = new JsonObject();
      JsonObject secret = new JsonObject();
      entry.getValue().values().forEach((k, v) -> {
        ConfigField field = plugin.descriptor().field(k);
        (field != null && field.secret() ? secret : settings).put(k, v);
      });
      byte[] sealed = secrets.seal(secret.encode(), aad(t.id(), channel));
      String ref = plugin.accountRef(entry.getValue());
      f = f.compose(v -> tx.preparedQuery(UPSERT_ACCOUNT)
          .execute(Tuple.of(t.id(), channel, ref, settings.encode(), io.vertx.core.buffer.Buffer.buffer(sealed)))
          .mapEmpty());
    }
    String[] kept = accounts.keySet().toArray(String[]::new);
    return f.compose(v -> tx.preparedQuery(DELETE_OTHER_ACCOUNTS).execute(Tuple.of(t.id(), (Object) kept)).mapEmpty());
  }

  /** Reads every tenant with its decryptable accounts into a snapshot. */
  public Future<TenantDirectory> loadAll(long version) {
    return pool.query(LOAD_KEYS).execute().compose(keyRows -> pool.query(LOAD_TENANTS).execute().compose(tenantRows ->
        pool.query(LOAD_ACCOUNTS).execute().map(accountRows -> {
          Map<String, Map<String, Long>> keys = new HashMap<>();
          for (Row row : keyRows) {
            keys.computeIfAbsent(row.getString(0), k -> new HashMap<>()).put(row.getString(2), row.getLong(1));
          }
          Map<String, Map<String, ChannelAccount>> accounts = new HashMap<>();
          for (Row row : accountRows) {
            String tenant = row.getString(0);
            String channel = row.getString(1);
            ChannelAccount account = decode(tenant, channel, row);
            if (account != null) {
              accounts.computeIfAbsent(tenant, k -> new LinkedHashMap<>()).put(channel, account);
            }
          }
          Map<String, TenantView> tenants = new HashMap<>();
          for (Row row : tenantRows) {
            String id = row.getString("id");
            String[] hashes = row.getArrayOfStrings("api_key_hashes");
            tenants.put(id, new TenantView(id, row.getString("name"),
                row.getInteger("inbound_per_second") == null ? null // unlimited: admission skipped
                    : new RateLimit(row.getInteger("inbound_per_second"), row.getInteger("inbound_burst")),
                new RateLimit(row.getInteger("outbound_per_second"), row.getInteger("outbound_burst")),
                Duration.ofSeconds(row.getLong("resume_secs")),
                accounts.getOrDefault(id, Map.of()),
                hashes == null ? Set.of() : Set.of(hashes), chain(id, row),
                row.getInteger("per_contact_daily"), row.getString("daily_quota_notice"),
                keys.getOrDefault(id, Map.of())));
          }
          return new TenantDirectory(version, tenants);
        })));
  }

  /** The tenant's stored chain, validated against the loaded plugins; a chain that no longer validates runs nothing, loudly. */
  private List<MessagePluginRegistry.Entry> chain(String tenant, Row row) {
    io.vertx.core.buffer.Buffer sealed = row.getBuffer("plugin_chain");
    if (sealed == null) {
      return List.of();
    }
    try {
      return plugins.chain("tenant " + tenant + " plugins", secrets.open(sealed.getBytes(), "tenant:" + tenant + ":plugins"));
    } catch (SecretBox.SecretsUnreadableException e) {
      LOG.error("cannot decrypt the plugin chain of tenant {} ({}); its messages are stored but not dispatched "
          + "until it is configured again", tenant, e.getMessage());
    } catch (dev.switchboard.gateway.config.ConfigError e) {
      LOG.error("the stored plugin chain of tenant {} is not valid with the loaded plugins ({}); its messages are "
          + "stored but not dispatched until it is configured again", tenant, e.getMessage());
    }
    return List.of();
  }

  /** A tenant's stored plugin chain as JSON text (secrets included), or null. */
  String chainJson(String tenant, io.vertx.core.buffer.Buffer sealed) {
    return sealed == null ? null : secrets.open(sealed.getBytes(), "tenant:" + tenant + ":plugins");
  }

  /** A tenant's stored channel secrets as JSON. */
  JsonObject accountSecrets(String tenant, String channel, io.vertx.core.buffer.Buffer sealed) {
    return new JsonObject(secrets.open(sealed.getBytes(), aad(tenant, channel)));
  }

  private ChannelAccount decode(String tenant, String channel, Row row) {
    if (channels.find(channel).isEmpty()) {
      LOG.warn("tenant {} has a {} account but no such channel plugin is loaded; ignoring it", tenant, channel);
      return null;
    }
    try {
      Map<String, String> values = new LinkedHashMap<>();
      new JsonObject(row.getString(3)).forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
      new JsonObject(secrets.open(row.getBuffer(4).getBytes(), aad(tenant, channel)))
          .forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
      return new ChannelAccount(channel, row.getString(2), new AccountConfig(values));
    } catch (SecretBox.SecretsUnreadableException e) {
      LOG.error("cannot decrypt the {} secrets of tenant {} ({}); the account is disabled until it is "
          + "configured again", channel, tenant, e.getMessage());
      return null;
    }
  }

  private static String aad(String tenant, String channel) {
    return "account:" + tenant + ":" + channel;
  }
}
