package dev.switchboard.gateway.edge;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/** The routes a router serves, as {@code METHOD /path/{param}} — the contract's spelling of paths. */
final class ServedRoutes {
  private ServedRoutes() {
  }

  static Set<String> of(Router router) {
    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // the handlers in front of every route (guard, credentials, body), not a route of its own
      }
      String templated = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      for (HttpMethod m : route.methods()) {
        served.add(m.name() + " " + templated);
      }
    }
    return Set.copyOf(served);
  }
}
