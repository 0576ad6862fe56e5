package dev.switchboard.gateway.api;

import io.vertx.ext.web.RoutingContext;

/** {@code ?limit=} (1–200, default 50) and {@code ?cursor=} (the previous page's {@code nextCursor}). */
final class Paging {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

  private Paging() {
  }

  static int limit(RoutingContext ctx) {
    String v = ctx.request().getParam("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw SendRequestParser.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  static Long cursor(RoutingContext ctx, Ids kind) {
    String v = ctx.request().getParam("cursor");
    if (v == null) {
      return null;
    }
    Long id = kind.parse(v);
    if (id == null) {
      throw SendRequestParser.invalid("cursor", "is not a cursor from a previous page");
    }
    return id;
  }
}
