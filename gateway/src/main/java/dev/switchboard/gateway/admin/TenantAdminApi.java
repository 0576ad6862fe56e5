package dev.switchboard.gateway.admin;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.tenants.TenantAdminRecords.Answer;
import dev.switchboard.gateway.tenants.TenantAdminRecords.Op;
import dev.switchboard.gateway.tenants.TenantAdminRecords.Request;
import dev.switchboard.gateway.tenants.TenantAdminVerticle;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin routes of tenants and their API keys ({@code /admin/tenants…}): HTTP in, a request to
 * the {@link TenantAdminVerticle} on the local bus, its answer out. Operation ids as in
 * {@code docs/openapi.yaml}.
 */
public final class TenantAdminApi {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(30_000);
  private final EventBus bus;

  public TenantAdminApi(EventBus bus) {
    this.bus = bus;
  }

  /** {@code listTenants}: {@code GET /admin/tenants}. */
  public void listTenants(RoutingContext ctx) {
    ask(ctx, Request.of(Op.LIST_TENANTS, null));
  }

  /** {@code createTenant}: {@code POST /admin/tenants}. */
  public void createTenant(RoutingContext ctx) {
    ask(ctx, new Request(Op.CREATE_TENANT, null, body(ctx), null));
  }

  /** {@code getTenant}: {@code GET /admin/tenants/{tenant}}. */
  public void getTenant(RoutingContext ctx) {
    ask(ctx, Request.of(Op.GET_TENANT, ctx.pathParam("tenant")));
  }

  /** {@code replaceTenant}: {@code PUT /admin/tenants/{tenant}}. */
  public void replaceTenant(RoutingContext ctx) {
    ask(ctx, new Request(Op.REPLACE_TENANT, ctx.pathParam("tenant"), body(ctx), null));
  }

  /** {@code deleteTenant}: {@code DELETE /admin/tenants/{tenant}}. */
  public void deleteTenant(RoutingContext ctx) {
    ask(ctx, Request.of(Op.DELETE_TENANT, ctx.pathParam("tenant")));
  }

  /** {@code createApiKey}: {@code POST /admin/tenants/{tenant}/api-keys}. */
  public void createApiKey(RoutingContext ctx) {
    ask(ctx, Request.of(Op.CREATE_API_KEY, ctx.pathParam("tenant")));
  }

  /** {@code listApiKeys}: {@code GET /admin/tenants/{tenant}/api-keys}. */
  public void listApiKeys(RoutingContext ctx) {
    ask(ctx, Request.of(Op.LIST_API_KEYS, ctx.pathParam("tenant")));
  }

  /** {@code revokeApiKey}: {@code DELETE /admin/tenants/{tenant}/api-keys/{id}}. */
  public void revokeApiKey(RoutingContext ctx) {
    Long key = ApiKeys.parseId(ctx.pathParam("id"));
    if (key == null) {
      throw ApiException.notFound("no such API key");
    }
    ask(ctx, new Request(Op.REVOKE_API_KEY, ctx.pathParam("tenant"), null, key));
  }

  /** The request body as a JSON object; anything else is {@code 400 invalid_request}. */
  private static JsonObject body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw invalid("body: must be a JSON object (one tenant in the config file's shape)");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw invalid("body: is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) {
      throw invalid("body: must be a JSON object (one tenant in the config file's shape)");
    }
    return o;
  }

  private static ApiException invalid(String message) {
    return new ApiException(400, "invalid_request", message);
  }

  private void ask(RoutingContext ctx, Request request) {
    bus.<Answer>request(TenantAdminVerticle.ADDRESS, request, STORE).onSuccess(m -> {
      Answer answer = m.body();
      int status = answer.status();
      if (status >= 400) {
        ctx.fail(new ApiException(status, answer.code(), answer.message()));
      } else if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(answer.body().encode());
      }
    }).onFailure(err -> ctx.fail(err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT
        ? ApiException.unavailable("storage did not answer in time, retry later")
        : ApiException.unavailable("storage unavailable, retry later")));
  }
}
