package dev.switchboard.gateway.config;

import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's configuration: the YAML file of API.md after {@code ${ENV}} substitution, with the
 * environment overrides ({@code DATABASE_URL}, {@code HTTP_PORT}, {@code ADMIN_TOKEN}) applied.
 *
 * @param httpPort      port of the HTTP edge
 * @param databaseUrl   {@code postgresql://…}, or null for the embedded default
 * @param adminToken    admin API token, or null (admin API disabled)
 * @param publicBaseUrl the gateway's public URL (for registering webhooks), or null
 * @param bodyLimit     largest accepted request body in bytes
 * @param dataDir       where the embedded database and generated keys live
 * @param tenants       the tenants to seed
 * @param outbound      retries, leases and pacing of sends
 * @param dispatch      retries, leases and bounds of the plugin chains
 * @param httpLimits    idle and request timeouts, open-connection bound ({@code http.*})
 * @param shutdownTimeout how long a graceful stop may take at most ({@code shutdown.timeout})
 * @param cluster       cluster mode ({@code cluster.*}; off by default)
 * @param memory        where contact memories live ({@code memory.*})
 * @param authFailures  failed authentications per remote address before 429 ({@code http.authFailure*})
 * @param store         how the inbox group-commits webhook events ({@code store.*})
 */
public record GatewayConfig(int httpPort, String databaseUrl, String adminToken, String publicBaseUrl,
                            long bodyLimit, String dataDir, List<TenantConfig> tenants,
                            OutboundSettings outbound, DispatchSettings dispatch,
                            HttpLimits httpLimits, Duration shutdownTimeout, ClusterSettings cluster,
                            MemorySettings memory, AuthFailureLimit authFailures, StoreSettings store) {

  public static final long DEFAULT_BODY_LIMIT = 3L * 1024 * 1024; // WhatsApp's maximum payload
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration HOUR = Duration.ofHours(1);

  public GatewayConfig {
    tenants = List.copyOf(tenants);
  }

  /** Parses and validates {@code file} (already read from YAML) with {@code env}; throws {@link ConfigError}. */
  public static GatewayConfig from(JsonObject file, Map<String, String> env) {
    JsonObject root = new EnvSubstitution(env).apply(file == null ? new JsonObject() : file);
    Reader r = new Reader(root, "");
    Reader http = r.object("http");
    int port = http.integer("port", 8080, 0, 65535);
    if (env.get("HTTP_PORT") != null && !env.get("HTTP_PORT").isBlank()) {
      port = parsePort(env.get("HTTP_PORT"));
    }
    long bodyLimit = http.longValue("bodyLimit", DEFAULT_BODY_LIMIT, 1024, 64L * 1024 * 1024);
    String publicBaseUrl = http.string("publicBaseUrl", null);
    String publicKey = http.key("publicBaseUrl");
    if (env.get("PUBLIC_BASE_URL") != null && !env.get("PUBLIC_BASE_URL").isBlank()) {
      publicBaseUrl = env.get("PUBLIC_BASE_URL");
      publicKey = "PUBLIC_BASE_URL";
    }
    publicBaseUrl = publicBaseUrl(publicBaseUrl, publicKey);
    HttpLimits httpLimits = new HttpLimits(
        http.duration("idleTimeout", HttpLimits.DEFAULT_IDLE_TIMEOUT, SECOND, HOUR),
        http.duration("requestTimeout", HttpLimits.DEFAULT_REQUEST_TIMEOUT, SECOND, HOUR),
        http.integer("maxConnections", HttpLimits.defaultMaxConnections(), 1, 1_000_000));
    AuthFailureLimit authFailures = new AuthFailureLimit(
        http.integer("authFailureLimit", AuthFailureLimit.DEFAULT_LIMIT, 1, 1_000_000),
        http.duration("authFailureWindow", AuthFailureLimit.DEFAULT_WINDOW, SECOND, HOUR),
        AuthFailureLimit.DEFAULT_TRACKED);
    Duration shutdownTimeout = r.object("shutdown").duration("timeout", DEFAULT_SHUTDOWN_TIMEOUT, SECOND, HOUR);
    String dbUrl = r.object("database").string("url", null);
    if (env.get("DATABASE_URL") != null && !env.get("DATABASE_URL").isBlank()) {
      dbUrl = env.get("DATABASE_URL");
    }
    String adminToken = r.object("admin").string("token", null);
    if (env.get("ADMIN_TOKEN") != null && !env.get("ADMIN_TOKEN").isBlank()) {
      adminToken = env.get("ADMIN_TOKEN");
    }
    if (adminToken != null && adminToken.isBlank()) {
      adminToken = null;
    }
    String dataDir = r.string("dataDir", "data");
    List<TenantConfig> tenants = new ArrayList<>();
    JsonArray list = r.array("tenants");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String key = "tenants[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject t)) {
        throw new ConfigError(key, "must be a mapping");
      }
      TenantConfig tenant = tenant(new Reader(t, key));
      if (!ids.add(tenant.id())) {
        throw new ConfigError(key + ".id", "duplicate tenant id '" + tenant.id() + "'");
      }
      tenants.add(tenant);
    }
    return new GatewayConfig(port, dbUrl, adminToken, publicBaseUrl, bodyLimit, dataDir, tenants,
        outbound(r.object("outbound")), dispatch(r.object("dispatch")), httpLimits, shutdownTimeout,
        ClusterSettings.from(r.object("cluster"), env, dbUrl), memory(r.object("memory")), authFailures,
        store(r.object("store")));
  }

  /**
   * One tenant in the config file's shape, given over the admin API: validated as at start-up, the
   * errors naming the key from the entry's root ({@code channels.whatsapp.appSecret}).
   *
   * @throws ConfigError naming the bad key
   */
  public static TenantConfig tenant(JsonObject entry) {
    return tenant(new Reader(entry == null ? new JsonObject() : entry, ""));
  }

  private static StoreSettings store(Reader o) {
    StoreSettings d = StoreSettings.defaults();
    return new StoreSettings(o.integer("maxBatchEvents", d.maxBatchEvents(), 1, 100_000),
        o.integer("maxInFlight", d.maxInFlight(), 1, 64),
        o.integer("minConcurrentBatch", d.minConcurrentBatch(), 1, 100_000),
        Duration.ofMillis(o.integer("lingerMillis", (int) d.linger().toMillis(), 0, 1_000)),
        o.integer("maxQueuedEvents", d.maxQueuedEvents(), 1, 10_000_000), d.timeout(),
        o.duration("queueVacuumInterval", d.queueVacuumInterval(), Duration.ofMillis(100), Duration.ofHours(1)));
  }

  private static MemorySettings memory(Reader o) {
    MemorySettings d = MemorySettings.DEFAULTS;
    String url = o.string("databaseUrl", null);
    return new MemorySettings(url == null || url.isBlank() ? null : url.strip(),
        o.integer("dimensions", d.dimensions(), 1, 2_000), o.integer("poolSize", d.poolSize(), 1, 64));
  }

  private static DispatchSettings dispatch(Reader o) {
    DispatchSettings d = DispatchSettings.DEFAULTS;
    Duration base = o.duration("backoffBase", d.backoffBase(), Duration.ofMillis(10), Duration.ofDays(1));
    return new DispatchSettings(o.integer("maxAttempts", d.maxAttempts(), 1, 1000),
        o.integer("maxInFlightPerTenant", d.maxInFlightPerTenant(), 1, 100_000),
        o.duration("lease", d.lease(), Duration.ofSeconds(5), Duration.ofDays(1)), base,
        o.duration("backoffMax", d.backoffMax(), base, Duration.ofDays(1)),
        o.duration("recoverAfter", d.recoverAfter(), Duration.ofSeconds(1), Duration.ofDays(1)),
        o.integer("runRetentionDays", d.runRetentionDays(), 1, 3650));
  }

  private static OutboundSettings outbound(Reader o) {
    OutboundSettings d = OutboundSettings.DEFAULTS;
    int maxAttempts = o.integer("maxAttempts", d.maxAttempts(), 1, 1000);
    String inDoubt = o.string("inDoubt", "resend");
    OutboundSettings.InDoubt policy = switch (inDoubt) {
      case "resend" -> OutboundSettings.InDoubt.RESEND;
      case "fail" -> OutboundSettings.InDoubt.FAIL;
      default -> throw new ConfigError(o.key("inDoubt"), "must be resend or fail, got '" + inDoubt + "'");
    };
    int queue = o.integer("queuePerTenant", d.queuePerTenant(), 1, 10_000_000);
    Duration lease = o.duration("lease", d.lease(), Duration.ofSeconds(5), Duration.ofDays(1));
    Duration base = o.duration("backoffBase", d.backoffBase(), Duration.ofMillis(10), Duration.ofDays(1));
    Duration max = o.duration("backoffMax", d.backoffMax(), base, Duration.ofDays(1));
    Map<String, Map<String, dev.switchboard.plugin.channel.Pacing>> pacing = new LinkedHashMap<>();
    Reader p = o.object("pacing");
    for (String channel : p.node.fieldNames()) {
      Reader c = p.object(channel);
      Map<String, dev.switchboard.plugin.channel.Pacing> levels = new LinkedHashMap<>();
      for (String level : c.node.fieldNames()) {
        if (!List.of("account", "recipient", "group").contains(level)) {
          throw new ConfigError(c.key(level), "unknown pacing level: use account, recipient or group");
        }
        Reader l = c.object(level);
        double perSecond = l.decimal("perSecond", 0, 1e-6, 1e7);
        int burst = l.integer("burst", (int) Math.max(1, Math.ceil(perSecond)), 1, 10_000_000);
        levels.put(level, dev.switchboard.plugin.channel.Pacing.perSecond(perSecond, burst));
      }
      pacing.put(channel, levels);
    }
    return new OutboundSettings(maxAttempts, policy, queue, lease, base, max, pacing);
  }

  private static int parsePort(String value) {
    try {
      int p = Integer.parseInt(value.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ConfigError("HTTP_PORT", "must be a port number (0-65535), got '" + value + "'");
    }
  }

  private static TenantConfig tenant(Reader t) {
    String id = t.requiredString("id");
    if (!TenantId.isValid(id)) {
      throw new ConfigError(t.key("id"), "must match [a-z0-9-]{2,40}, got '" + id + "'");
    }
    String name = t.string("name", id);
    if (name.isBlank() || name.length() > 200) {
      throw new ConfigError(t.key("name"), "must be a text of 1 to 200 characters");
    }
    List<String> apiKeys = new ArrayList<>();
    JsonArray keys = t.array("apiKeys");
    for (int i = 0; i < keys.size(); i++) {
      Object k = keys.getValue(i);
      if (!(k instanceof String s) || s.length() < 16) {
        throw new ConfigError(t.key("apiKeys") + "[" + i + "]", "must be a string of at least 16 characters");
      }
      apiKeys.add(s);
    }
    Reader limits = t.object("limits");
    // "unlimited": no inbound limit, admission is skipped for the tenant's webhooks (null)
    RateLimit inbound = UNLIMITED.equals(limits.node.getValue("inbound")) ? null
        : rate(limits.object("inbound"), 200, 400);
    RateLimit outbound = rate(limits.object("outbound"), 50, 50);
    int perContactDaily = limits.integer("perContactDaily", 0, 0, Integer.MAX_VALUE);
    Duration autoResume = t.object("takeover").duration("autoResumeAfter", Duration.ofHours(2), Duration.ofNanos(1),
        Duration.ofSeconds(Long.MAX_VALUE));
    Map<String, Map<String, String>> channels = new LinkedHashMap<>();
    Reader ch = t.object("channels");
    for (String channel : ch.node.fieldNames()) {
      Reader c = ch.object(channel);
      Map<String, String> settings = new LinkedHashMap<>();
      for (String field : c.node.fieldNames()) {
        Object v = c.node.getValue(field);
        if (v == null) {
          continue;
        }
        if (v instanceof JsonObject || v instanceof JsonArray) {
          throw new ConfigError(c.key(field), "must be a single value");
        }
        settings.put(field, String.valueOf(v));
      }
      channels.put(channel, settings);
    }
    JsonArray plugins = t.array("plugins");
    for (int i = 0; i < plugins.size(); i++) {
      if (!(plugins.getValue(i) instanceof JsonObject p) || !(p.getValue("type") instanceof String)) {
        throw new ConfigError(t.key("plugins") + "[" + i + "]", "must be a mapping with a 'type'");
      }
    }
    String zone = t.string("timezone", "UTC");
    java.time.ZoneId timezone;
    try {
      timezone = java.time.ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw new ConfigError(t.key("timezone"), "must be a time zone such as UTC or Europe/Berlin, got '" + zone + "'");
    }
    String notice = limits.string("perContactDailyNotice", null);
    if (notice != null && (notice.isBlank() || notice.length() > 4096)) {
      throw new ConfigError(limits.key("perContactDailyNotice"), "must be a text of 1 to 4096 characters");
    }
    return new TenantConfig(id, name, apiKeys, inbound, outbound, perContactDaily, autoResume,
        channels, plugins.encode(), timezone, notice);
  }

  /** The value of {@code limits.inbound} that means no inbound limit. */
  public static final String UNLIMITED = "unlimited";

  private static RateLimit rate(Reader r, int perSecond, int burst) {
    int ps = r.integer("perSecond", perSecond, 1, 10_000_000);
    int b = r.integer("burst", Math.max(ps, burst), 1, 10_000_000);
    return new RateLimit(ps, b);
  }

  /** Typed access to one mapping of the tree, with error messages that name the full key. */
  private record Reader(JsonObject node, String prefix) implements ClusterSettings.JsonReader {
    @Override
    public List<String> strings(String field) {
      JsonArray a = array(field);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String s) || s.isBlank()) {
          throw new ConfigError(key(field) + "[" + i + "]", "must be a text");
        }
        out.add(s.trim());
      }
      return out;
    }

    @Override
    public String key(String field) {
      return prefix.isEmpty() ? field : prefix + "." + field;
    }

    Reader object(String field) {
      Object v = node.getValue(field);
      if (v == null) {
        return new Reader(new JsonObject(), key(field));
      }
      if (!(v instanceof JsonObject o)) {
        throw new ConfigError(key(field), "must be a mapping");
      }
      return new Reader(o, key(field));
    }

    JsonArray array(String field) {
      Object v = node.getValue(field);
      if (v == null) {
        return new JsonArray();
      }
      if (!(v instanceof JsonArray a)) {
        throw new ConfigError(key(field), "must be a list");
      }
      return a;
    }

    @Override
    public String string(String field, String fallback) {
      Object v = node.getValue(field);
      if (v == null) {
        return fallback;
      }
      if (v instanceof JsonObject || v instanceof JsonArray) {
        throw new ConfigError(key(field), "must be a single value");
      }
      return String.valueOf(v);
    }

    String requiredString(String field) {
      String v = string(field, null);
      if (v == null || v.isBlank()) {
        throw new ConfigError(key(field), "is required");
      }
      return v;
    }

    double decimal(String field, double fallback, double min, double max) {
      Object v = node.getValue(field);
      if (v == null) {
        if (fallback < min) {
          throw new ConfigError(key(field), "is required");
        }
        return fallback;
      }
      double parsed;
      try {
        parsed = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new ConfigError(key(field), "must be a number, got '" + v + "'");
      }
      if (!(parsed >= min && parsed <= max)) {
        throw new ConfigError(key(field), "must be between " + min + " and " + max + ", got " + v);
      }
      return parsed;
    }

    @Override
    public int integer(String field, int fallback, int min, int max) {
      long v = longValue(field, fallback, min, max);
      return (int) v;
    }

    /** An ISO-8601 duration ({@code PT30S}, {@code PT2H}) between {@code min} and {@code max}. */
    Duration duration(String field, Duration fallback, Duration min, Duration max) {
      String v = string(field, null);
      if (v == null) {
        return fallback;
      }
      Duration parsed;
      try {
        parsed = Duration.parse(v.trim());
      } catch (DateTimeParseException e) {
        throw new ConfigError(key(field), "must be an ISO-8601 duration like PT30S or PT2H, got '" + v + "'");
      }
      if (parsed.isNegative() || parsed.isZero()) {
        throw new ConfigError(key(field), "must be positive, got '" + v + "'");
      }
      if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
        throw new ConfigError(key(field), "must be between " + min + " and " + max + ", got '" + v + "'");
      }
      return parsed;
    }

    long longValue(String field, long fallback, long min, long max) {
      Object v = node.getValue(field);
      if (v == null) {
        return fallback;
      }
      long parsed;
      try {
        parsed = v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new ConfigError(key(field), "must be a whole number, got '" + v + "'");
      }
      if (parsed < min || parsed > max) {
        throw new ConfigError(key(field), "must be between " + min + " and " + max + ", got " + parsed);
      }
      return parsed;
    }
  }

  @Override
  public String toString() {
    return "GatewayConfig[port=" + httpPort + ", tenants=" + tenants.size() + "]";
  }

  /** An absolute http(s) URL without a trailing slash, or null. */
  private static String publicBaseUrl(String value, String key) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    try {
      java.net.URI uri = new java.net.URI(v);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new ConfigError(key, "must be an absolute http(s) URL like https://gateway.example.com, got '" + value + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigError(key, "must be an absolute http(s) URL like https://gateway.example.com, got '" + value + "'");
    }
    return v;
  }
}
