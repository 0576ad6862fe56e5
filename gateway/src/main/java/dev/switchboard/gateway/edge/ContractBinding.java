package dev.switchboard.gateway.edge;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * Binds the contract's operations to their handlers by {@code operationId}. Credentials are checked
 * by the edge in front of every route (the router's own security handlers stay off), so a missing or
 * wrong key answers 401 before any validation. Building the router fails when the document names an
 * operation that has no handler, or a handler names an operation the document lacks.
 */
final class ContractBinding {
  private final RouterBuilder builder;

  ContractBinding(RouterBuilder builder) {
    this.builder = builder;
  }

  /** The operation, validated against the contract before {@code handler} runs. */
  void operation(String operationId, Handler<RoutingContext> handler) {
    route(operationId).addHandler(handler);
  }

  /** The operation without validation (webhooks: the platform's payload is checked by its plugin). */
  void unvalidated(String operationId, Handler<RoutingContext> handler, Handler<RoutingContext> failure) {
    route(operationId).setDoValidation(false).addHandler(handler).addFailureHandler(failure);
  }

  Router createRouter() {
    for (OpenAPIRoute r : builder.getRoutes()) {
      if (r.getHandlers().isEmpty()) {
        throw new IllegalStateException("operation " + r.getOperation().getOperationId()
            + " of docs/openapi.yaml has no handler");
      }
    }
    return builder.createRouter();
  }

  private OpenAPIRoute route(String operationId) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("docs/openapi.yaml has no operation " + operationId);
    }
    return route.setDoSecurity(false);
  }
}
