package dev.switchboard.gateway.edge;

import dev.switchboard.gateway.config.AuthFailureLimit;
import dev.switchboard.gateway.metrics.Metrics;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed authentications (wrong or missing tenant API key or admin token) per remote address: each
 * is counted in {@code switchboard_auth_failures_total{route,kind}}; an address with
 * {@code limit} failures within a window (fixed, from its first failure) is answered
 * {@code 429 too_many_auth_failures} with {@code Retry-After} on every authenticated route until
 * the window ends — with a right key too, so guessing stops. At most {@code tracked} addresses are
 * held: when full, ended windows are dropped first, then the oldest window. Thread-safe: one per
 * gateway, shared by the edge instances. Keys and tokens are never kept, only addresses.
 */
public final class AuthFailures {
  /** {@code kind} label: a {@code /v1} route's tenant API key. */
  public static final String TENANT_KEY = "tenant_key";
  /** {@code kind} label: an {@code /admin} route's admin token. */
  public static final String ADMIN_TOKEN = "admin_token";

  private final AuthFailureLimit limit;
  private final Metrics metrics;
  private final LongSupplier clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** One address's window: when it started and the failures in it. */
  private static final class Window {
    final long start;
    int failures;

    Window(long start) {
      this.start = start;
    }
  }

  public AuthFailures(AuthFailureLimit limit, Metrics metrics) {
    this(limit, metrics, System::currentTimeMillis);
  }

  AuthFailures(AuthFailureLimit limit, Metrics metrics, LongSupplier clock) {
    this.limit = limit;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Route handler, before the auth check: on an authenticated route ({@code /v1}, {@code /admin}) an
   * address over the limit is answered 429; other routes pass (so it may be a root handler).
   */
  public void gate(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path == null || !(path.startsWith("/v1/") || path.startsWith("/admin/"))) {
      ctx.next();
      return;
    }
    long wait = retryAfterSeconds(address(ctx));
    if (wait > 0) {
      metrics.authBlocked(HttpEdgeVerticle.routeLabel(ctx));
      ctx.fail(new ApiException(429, "too_many_auth_failures",
          "too many failed authentications from this address; retry later", wait));
      return;
    }
    ctx.next();
  }

  /** Records a failed authentication of {@code kind} on the request's route and address. */
  public void failed(RoutingContext ctx, String kind) {
    metrics.authFailure(HttpEdgeVerticle.routeLabel(ctx), kind);
    failed(address(ctx));
  }

  /** Seconds until {@code address} may try again, or 0 when it may now. */
  long retryAfterSeconds(String address) {
    Window w = windows.get(address);
    if (w == null) {
      return 0;
    }
    long now = clock.getAsLong();
    long end = w.start + limit.window().toMillis();
    synchronized (w) {
      if (now >= end || w.failures < limit.limit()) {
        return 0;
      }
    }
    return Math.max(1, (end - now + 999) / 1000);
  }

  void failed(String address) {
    long now = clock.getAsLong();
    Window w = windows.compute(address, (k, old) -> old == null || now >= old.start + limit.window().toMillis()
        ? new Window(now) : old);
    synchronized (w) {
      w.failures++;
    }
    if (windows.size() > limit.tracked()) {
      evict(now);
    }
  }

  /** Addresses tracked now. */
  int tracked() {
    return windows.size();
  }

  private void evict(long now) {
    long windowMillis = limit.window().toMillis();
    windows.values().removeIf(w -> now >= w.start + windowMillis);
    while (windows.size() > limit.tracked()) {
      String oldest = null;
      long oldestStart = Long.MAX_VALUE;
      for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Window> e = it.next();
        if (e.getValue().start < oldestStart) {
          oldestStart = e.getValue().start;
          oldest = e.getKey();
        }
      }
      if (oldest == null) {
        return;
      }
      windows.remove(oldest);
    }
  }

  private static String address(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }
}
