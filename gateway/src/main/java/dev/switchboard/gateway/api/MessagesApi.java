package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.store.OutboxRecords.MessageQuery;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/messages} and {@code GET /v1/messages/{id}}: validates a send completely (the
 * body, then against the channel plugin's declared capabilities), hands it to the outbox store, and
 * answers {@code 202} once the message and its outbox row are committed. The same idempotency key
 * with the same body answers {@code 200} with the original; with another body {@code 409}.
 */
public final class MessagesApi {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);

  private final SendService sends;
  private final Metrics metrics;
  private final EventBus bus;

  public MessagesApi(SendService sends, Metrics metrics, EventBus bus) {
    this.sends = sends;
    this.metrics = metrics;
    this.bus = bus;
  }

  public void send(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    JsonObject body = jsonBody(ctx);
    SendCommand cmd = SendRequestParser.parse(body);
    sends.submit(tenant, cmd)
        .onSuccess(r -> answer(ctx, tenant, cmd, r))
        .onFailure(err -> fail(ctx, err));
  }

  public void get(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    Long id = Ids.MESSAGE.parse(ctx.pathParam("id"));
    if (id == null) {
      ctx.fail(ApiException.notFound("no such message"));
      return;
    }
    message(tenant.id(), id)
        .onSuccess(json -> {
          if (json == null) {
            ctx.fail(ApiException.notFound("no such message"));
          } else {
            Json.write(ctx, 200, json);
          }
        })
        .onFailure(err -> fail(ctx, err));
  }

  /** The parsed JSON object body; 415 for another content type, 400 for malformed JSON. */
  static JsonObject jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "expected Content-Type: application/json");
    }
    try {
      Object parsed = ctx.body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (parsed instanceof JsonObject o) {
        return o;
      }
      throw new ApiException(400, "invalid_request", "the body must be a JSON object");
    } catch (DecodeException e) {
      throw new ApiException(400, "malformed_json", "the body is not valid JSON");
    }
  }

  private void answer(RoutingContext ctx, TenantView tenant, SendCommand cmd, Enqueued r) {
    switch (r.outcome()) {
      case "queued" -> {
        metrics.sendRequest("queued");
        Json.write(ctx, 202, new JsonObject().put("id", Ids.MESSAGE.format(r.messageId())).put("status", "queued")
            .put("conversationId", Ids.CONVERSATION.format(r.conversationId())));
      }
      case "existing" -> {
        if (!cmd.requestHash().equals(r.requestHash())) {
          metrics.sendRequest("idempotency_conflict");
          ctx.fail(new ApiException(409, "idempotency_conflict",
              "idempotencyKey: this key was used for a different request; use a new key for a new message"));
          return;
        }
        metrics.sendRequest("duplicate");
        message(tenant.id(), r.messageId()).onSuccess(json -> Json.write(ctx, 200, json)).onFailure(err -> fail(ctx, err));
      }
      case "no_conversation" -> ctx.fail(new ApiException(404, "not_found", "conversationId: no such conversation"));
      case "outside_window" -> {
        metrics.sendRequest("outside_window");
        ctx.fail(new ApiException(422, "outside_window", "the contact's last message is older than 24 hours"
            + (r.detail() == null ? " (the contact never wrote)" : "") + ": WhatsApp only lets a business send "
            + "free-form messages within 24 hours of the contact's last message; send an approved template instead"));
      }
      case "reply_not_found" -> ctx.fail(SendRequestParser.invalid(
          cmd.type() == MessageType.REACTION ? "reaction.messageId" : "replyTo",
          "no such message in this conversation (or it has no platform id yet)"));
      default -> ctx.fail(new ApiException(500, "internal_error", "unexpected store answer"));
    }
  }

  private Future<JsonObject> message(String tenant, long id) {
    return bus.<JsonAnswer>request(Addresses.OUTBOX_MESSAGE, new MessageQuery(tenant, id), STORE)
        .map(m -> m.body().json() == null ? null : new JsonObject(m.body().json()));
  }

  private void fail(RoutingContext ctx, Throwable err) {
    ctx.fail(toApi(err));
  }

  /** A store's bus failure as the API answers it. */
  static ApiException toApi(Throwable err) {
    if (err instanceof ApiException api) {
      return api;
    }
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      if (re.failureCode() == FailureCodes.RATE_LIMITED) {
        return new ApiException(429, "rate_limited", "the tenant's outbound queue is full; retry later", 5L);
      }
      if (re.failureCode() == FailureCodes.STORAGE_UNAVAILABLE) {
        return ApiException.unavailable("storage unavailable, retry later");
      }
    }
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return ApiException.unavailable("storage did not answer in time, retry later");
    }
    return new ApiException(500, "internal_error", "internal error");
  }
}
