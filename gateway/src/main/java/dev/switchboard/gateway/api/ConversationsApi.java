package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.housekeeping.Takeover;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Human takeover by API: {@code POST /v1/conversations/{id}/pause} stops the tenant's plugins from
 * answering the conversation (its messages are still stored) until {@code …/resume}. Both answer
 * {@code 200 {"id","status","pausedReason"}}, are idempotent, and answer 404 for a conversation of
 * another tenant exactly as for a missing one.
 */
public final class ConversationsApi {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(10_000);
  private final EventBus bus;

  public ConversationsApi(EventBus bus) {
    this.bus = bus;
  }

  public void pause(RoutingContext ctx) {
    takeover(ctx, true);
  }

  public void resume(RoutingContext ctx) {
    takeover(ctx, false);
  }

  private void takeover(RoutingContext ctx, boolean pause) {
    TenantView tenant = TenantAuth.tenant(ctx);
    Long id = Ids.CONVERSATION.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound("no such conversation");
    }
    bus.<Takeover.State>request(Addresses.CONVERSATION_TAKEOVER, new Takeover(tenant.id(), id, pause), STORE)
        .onSuccess(m -> {
          Takeover.State s = m.body();
          if (s.status() == null) {
            ctx.fail(ApiException.notFound("no such conversation"));
          } else if (pause && "closed".equals(s.status())) {
            ctx.fail(new ApiException(409, "conversation_closed", "a closed conversation cannot be paused"));
          } else {
            Json.write(ctx, 200, new JsonObject().put("id", Ids.CONVERSATION.format(id)).put("status", s.status())
                .put("pausedReason", s.pausedReason()));
          }
        })
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }
}
