package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.store.OutboxRecords.DeadLetterQuery;
import dev.switchboard.gateway.store.OutboxRecords.DeadLetterReplay;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin routes of dead letters: {@code GET /admin/dead-letters?tenant=&kind=&limit=&cursor=},
 * {@code GET /admin/dead-letters/{id}} and {@code POST /admin/dead-letters/{id}/replay} (back in the
 * queue with a fresh attempt count and the same send token).
 */
public final class DeadLettersApi {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);
  private final EventBus bus;

  public DeadLettersApi(EventBus bus) {
    this.bus = bus;
  }

  public void list(RoutingContext ctx) {
    String tenant = ctx.request().getParam("tenant");
    if (tenant != null && !TenantId.isValid(tenant)) {
      throw SendRequestParser.invalid("tenant", "is not a tenant id");
    }
    String kind = ctx.request().getParam("kind");
    if (kind != null && !kind.equals("outbound") && !kind.equals("forward")) {
      throw SendRequestParser.invalid("kind", "must be outbound or forward");
    }
    int limit = Paging.limit(ctx);
    Long before = Paging.cursor(ctx, Ids.DEAD_LETTER);
    bus.<JsonAnswer>request(Addresses.DEAD_LETTERS, new DeadLetterQuery(null, tenant, kind, before, limit), STORE)
        .onSuccess(m -> Json.write(ctx, 200, new JsonObject(m.body().json())))
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }

  public void get(RoutingContext ctx) {
    Long id = Ids.DEAD_LETTER.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound("no such dead letter");
    }
    bus.<JsonAnswer>request(Addresses.DEAD_LETTERS, new DeadLetterQuery(id, null, null, null, 1), STORE)
        .onSuccess(m -> {
          if (m.body().json() == null) {
            ctx.fail(ApiException.notFound("no such dead letter"));
          } else {
            Json.write(ctx, 200, new JsonObject(m.body().json()));
          }
        })
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }

  public void replay(RoutingContext ctx) {
    Long id = Ids.DEAD_LETTER.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound("no such dead letter");
    }
    bus.<JsonAnswer>request(Addresses.DEAD_LETTER_REPLAY, new DeadLetterReplay(id), STORE)
        .onSuccess(m -> {
          String outcome = new JsonObject(m.body().json()).getString("outcome");
          switch (outcome) {
            case "replayed" -> Json.write(ctx, 202, new JsonObject().put("id", Ids.DEAD_LETTER.format(id))
                .put("status", "queued"));
            case "not_found" -> ctx.fail(ApiException.notFound("no such dead letter"));
            case "already_replayed" -> ctx.fail(new ApiException(409, "already_replayed",
                "this dead letter was replayed already; a replay that failed again is a new dead letter"));
            default -> ctx.fail(new ApiException(409, "not_failed",
                "the message is no longer failed (a late receipt says it was delivered)"));
          }
        })
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }
}
