package dev.switchboard.gateway.edge;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes error answers: {@code {"error":{"code":…,"message":…}}} with a fitting
 * status, never a stack trace. Unexpected exceptions are logged here (server side) and answered 500.
 */
public final class ErrorResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  private ErrorResponder() {
  }

  /** Maps the failure of {@code ctx} to an {@link ApiException}. */
  public static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    ValidatorException invalid = contractViolation(failure);
    if (invalid != null) {
      return ContractViolations.toApi(invalid);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (failure != null && !(failure instanceof HttpException)) {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      status = 500;
    }
    return switch (status) {
      case 400 -> new ApiException(400, "bad_request", "the request is malformed");
      case 401 -> new ApiException(401, "unauthorized", "missing or wrong credentials");
      case 403 -> new ApiException(403, "forbidden", "not allowed");
      case 404 -> ApiException.notFound("no such resource");
      case 405 -> new ApiException(405, "method_not_allowed", "this method is not allowed here");
      case 413 -> new ApiException(413, "payload_too_large", "the request body is too large");
      case 415 -> new ApiException(415, "unsupported_media_type", "expected Content-Type: application/json");
      case 503 -> ApiException.unavailable("temporarily unavailable, retry later");
      default -> status >= 400 && status < 500
          ? new ApiException(status, "client_error", "the request was refused")
          : new ApiException(500, "internal_error", "internal error");
    };
  }

  /** The contract violation behind a failure (the router may wrap it in an HttpException 400), or null. */
  private static ValidatorException contractViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ValidatorException v) {
        return v;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * True when nothing more can be answered: the response was already sent (e.g. a 408 for a body
   * that did not arrive) or the client's connection is gone. A failure then is no error of ours.
   */
  public static boolean settled(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed();
  }

  public static void write(RoutingContext ctx, ApiException e) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    write(response, e);
  }

  /** Writes {@code e} as the whole answer; the future completes once it is written. */
  static Future<Void> write(HttpServerResponse response, ApiException e) {
    response.setStatusCode(e.status()).putHeader("Content-Type", "application/json");
    if (e.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    return response.end(new JsonObject().put("error",
        new JsonObject().put("code", e.code()).put("message", e.getMessage())).encode());
  }
}
