package dev.switchboard.gateway.admin;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.edge.AuthFailures;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code Authorization: Bearer <admin token>} on every admin route, compared in constant time.
 * Without a configured token the admin API does not exist (404, as for any unknown route). A
 * failure is counted by {@link AuthFailures} (per route, and per address towards its 429).
 */
public final class AdminAuth {
  private final byte[] token;
  private final AuthFailures failures;

  public AdminAuth(String adminToken) {
    this(adminToken, null);
  }

  public AdminAuth(String adminToken, AuthFailures failures) {
    this.token = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    this.failures = failures;
  }

  public boolean enabled() {
    return token != null;
  }

  /** Route handler: continues only with the right token. */
  public void require(RoutingContext ctx) {
    if (token == null) {
      ctx.fail(ApiException.notFound("no such resource"));
      return;
    }
    if (!matches(ctx.request().getHeader("Authorization"))) {
      if (failures != null) {
        failures.failed(ctx, AuthFailures.ADMIN_TOKEN);
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(new ApiException(401, "unauthorized", "missing or wrong admin token"));
      return;
    }
    ctx.next();
  }

  /** True when {@code authorization} is {@code Bearer <the admin token>}. */
  public boolean matches(String authorization) {
    if (token == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
