package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.edge.AuthFailures;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.tenants.ApiKeyUsage;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.gateway.tenants.TenantView;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code Authorization: Bearer <tenant API key>} on every {@code /v1} route. The key is hashed
 * (SHA-256, as stored) and looked up among the hashes of the current tenant directory; the match is
 * confirmed with a constant-time comparison. Both the config file's {@code apiKeys} and the keys
 * created over the admin API are accepted; a revoked key leaves the directory at once (every edge
 * instance, every node). A stored key's use is recorded in memory ({@link ApiKeyUsage}) and written
 * in batches, never here. The tenant is put on the context for the handlers: every query they make
 * is scoped by it.
 */
public final class TenantAuth {
  /** Routing-context key of the authenticated {@link TenantView}. */
  public static final String TENANT = "sb.tenant";

  private final Supplier<TenantDirectory> directory;
  private final ApiKeyUsage usage;
  private final AuthFailures failures;
  private long indexedVersion = -1;
  private Map<String, Match> byHash = Map.of();

  /** A key's tenant, and the stored key's id (null for a config file key). */
  private record Match(TenantView tenant, String hash, Long keyId) {
  }

  public TenantAuth(Supplier<TenantDirectory> directory) {
    this(directory, null, null);
  }

  public TenantAuth(Supplier<TenantDirectory> directory, ApiKeyUsage usage, AuthFailures failures) {
    this.directory = directory;
    this.usage = usage;
    this.failures = failures;
  }

  public void require(RoutingContext ctx) {
    TenantView tenant = authenticate(ctx.request().getHeader("Authorization"));
    if (tenant == null) {
      if (failures != null) {
        failures.failed(ctx, AuthFailures.TENANT_KEY);
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(new ApiException(401, "unauthorized", "missing or wrong API key (Authorization: Bearer <tenant API key>)"));
      return;
    }
    ctx.put(TENANT, tenant);
    ctx.next();
  }

  public static TenantView tenant(RoutingContext ctx) {
    return ctx.get(TENANT);
  }

  TenantView authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String key = authorization.substring(7).trim();
    if (key.isEmpty() || key.length() > 512) {
      return null;
    }
    String hash = ApiKeys.hash(key);
    Match match = index().get(hash);
    if (match == null
        || !MessageDigest.isEqual(match.hash().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) {
      return null;
    }
    if (match.keyId() != null && usage != null) {
      usage.used(match.keyId(), System.currentTimeMillis());
    }
    return match.tenant();
  }

  private Map<String, Match> index() {
    TenantDirectory d = directory.get();
    if (d.version() != indexedVersion) {
      Map<String, Match> next = new HashMap<>();
      for (TenantView t : d.tenants().values()) {
        for (String h : t.apiKeyHashes()) {
          next.put(h, new Match(t, h, null));
        }
        t.storedKeys().forEach((h, id) -> next.put(h, new Match(t, h, id)));
      }
      byHash = next;
      indexedVersion = d.version();
    }
    return byHash;
  }
}
