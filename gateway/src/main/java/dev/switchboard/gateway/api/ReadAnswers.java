package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.store.ReadRecords.Page;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Asks the read store and writes its answer: one row as it is, a page as
 * {@code {"data":[…],"nextCursor":…}}; a row or parent that is not the tenant's answers 404 with the
 * same body as a missing one.
 */
final class ReadAnswers {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);
  private final EventBus bus;

  ReadAnswers(EventBus bus) {
    this.bus = bus;
  }

  void one(RoutingContext ctx, String address, Object query, String notFound) {
    bus.<JsonAnswer>request(address, query, STORE)
        .onSuccess(m -> {
          if (m.body().json() == null) {
            ctx.fail(ApiException.notFound(notFound));
          } else {
            Json.write(ctx, 200, new JsonObject(m.body().json()));
          }
        })
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }

  void page(RoutingContext ctx, String address, Object query, String list, String notFound) {
    bus.<Page>request(address, query, STORE)
        .onSuccess(m -> {
          Page page = m.body();
          if (!page.found()) {
            ctx.fail(ApiException.notFound(notFound));
          } else {
            Json.write(ctx, 200, new JsonObject().put("data", new JsonArray(page.dataJson()))
                .put("nextCursor", Cursor.encode(list, page.lastId())));
          }
        })
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }

  /** An optional query parameter (the contract has checked its shape). */
  static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
