package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.security.ApiKeys;
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
 * confirmed with a constant-time comparison. The tenant is put on the context for the handlers:
 * every query they make is scoped by it.
 */
public final class TenantAuth {
  /** Routing-context key of the authenticated {@link TenantView}. */
  public static final String TENANT = "sb.tenant";

  private final Supplier<TenantDirectory> directory;
  private long indexedVersion = -1;
  private Map<String, TenantView> byHash = Map.of();

  public TenantAuth(Supplier<TenantDirectory> directory) {
    this.directory = directory;
  }

  public void require(RoutingContext ctx) {
    TenantView tenant = authenticate(ctx.request().getHeader("Authorization"));
    if (tenant == null) {
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
    TenantView tenant = index().get(hash);
    if (tenant == null) {
      return null;
    }
    for (String stored : tenant.apiKeyHashes()) {
      if (MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) {
        return tenant;
      }
    }
    return null;
  }

  private Map<String, TenantView> index() {
    TenantDirectory d = directory.get();
    if (d.version() != indexedVersion) {
      Map<String, TenantView> next = new HashMap<>();
      for (TenantView t : d.tenants().values()) {
        for (String h : t.apiKeyHashes()) {
          next.put(h, t);
        }
      }
      byHash = next;
      indexedVersion = d.version();
    }
    return byHash;
  }
}
