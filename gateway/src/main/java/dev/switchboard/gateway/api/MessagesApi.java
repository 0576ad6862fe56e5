package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.outbound.OutboundJson;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.store.OutboxRecords.ConversationQuery;
import dev.switchboard.gateway.store.OutboxRecords.ConversationRef;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.store.OutboxRecords.MessageQuery;
import dev.switchboard.gateway.tenants.ChannelAccount;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.SendCapabilities;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code POST /v1/messages} and {@code GET /v1/messages/{id}}: validates a send completely (the
 * body, then against the channel plugin's declared capabilities), hands it to the outbox store, and
 * answers {@code 202} once the message and its outbox row are committed. The same idempotency key
 * with the same body answers {@code 200} with the original; with another body {@code 409}.
 */
public final class MessagesApi {
  /** The free-form window of WhatsApp Cloud API: 24 h after the contact's last message. */
  static final Duration WHATSAPP_WINDOW = Duration.ofHours(24);
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);

  private final ChannelRegistry channels;
  private final Metrics metrics;
  private final EventBus bus;

  public MessagesApi(ChannelRegistry channels, Metrics metrics, EventBus bus) {
    this.channels = channels;
    this.metrics = metrics;
    this.bus = bus;
  }

  public void send(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    JsonObject body = jsonBody(ctx);
    SendCommand cmd = SendRequestParser.parse(body);
    resolveChat(tenant, cmd)
        .compose(chat -> enqueue(tenant, cmd, chat))
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

  /** Where the send goes: the channel (configured for the tenant), its plugin and the chat id. */
  private record Chat(String channel, ChannelPlugin plugin, ChannelAccount account, String chatId) {
  }

  private Future<Chat> resolveChat(TenantView tenant, SendCommand cmd) {
    if (cmd.conversationId() == null) {
      return Future.succeededFuture(chat(tenant, cmd, cmd.channel(), null));
    }
    return bus.<ConversationRef>request(Addresses.OUTBOX_CONVERSATION,
            new ConversationQuery(tenant.id(), cmd.conversationId()), STORE)
        .map(reply -> {
          ConversationRef ref = reply.body();
          if (ref.channel() == null) {
            throw new ApiException(404, "not_found", "conversationId: no such conversation");
          }
          if (cmd.channel() != null && !cmd.channel().equals(ref.channel())) {
            throw SendRequestParser.invalid("channel", "the conversation is on " + ref.channel());
          }
          return chat(tenant, cmd, ref.channel(), ref.chatId());
        });
  }

  private Chat chat(TenantView tenant, SendCommand cmd, String channel, String knownChat) {
    ChannelAccount account = tenant.channels().get(channel);
    ChannelPlugin plugin = channels.find(channel).orElse(null);
    if (account == null || plugin == null) {
      throw new ApiException(404, "channel_not_configured", "channel: " + channel + " is not configured for this tenant");
    }
    SendCapabilities caps = plugin.sendCapabilities();
    if (!caps.carries(cmd.type())) {
      throw new ApiException(422, "unsupported_content",
          channel + " cannot send " + cmd.type().label() + " messages through Switchboard");
    }
    checkLength(cmd, caps, channel);
    String chatId = knownChat;
    if (chatId == null) {
      try {
        chatId = plugin.chatIdFor(cmd.to());
      } catch (IllegalArgumentException e) {
        throw SendRequestParser.invalid("to", e.getMessage());
      }
    }
    return new Chat(channel, plugin, account, chatId);
  }

  private static void checkLength(SendCommand cmd, SendCapabilities caps, String channel) {
    if (cmd.text() == null) {
      return;
    }
    boolean caption = cmd.type().isMedia();
    int max = caption ? caps.maxCaptionLength() : caps.maxTextLength();
    if (cmd.text().length() > max) {
      String field = caption ? "media.caption" : cmd.type() == MessageType.INTERACTIVE ? "interactive.body" : "text";
      throw SendRequestParser.invalid(field, "is longer than " + max + " characters, the most " + channel + " takes");
    }
  }

  private Future<Enqueued> enqueue(TenantView tenant, SendCommand cmd, Chat chat) {
    String token = "sb_" + UUID.randomUUID();
    Duration window = ChannelId.WHATSAPP.value().equals(chat.channel()) && cmd.type() != MessageType.TEMPLATE
        ? WHATSAPP_WINDOW : null;
    JsonObject payload = OutboundJson.payload(cmd.content(), chat.chatId(), token);
    Enqueue e = new Enqueue(tenant.id(), chat.channel(), chat.account().accountRef(), cmd.conversationId(),
        chat.chatId(), chat.chatId(), chat.plugin().phoneOf(chat.chatId()), cmd.idempotencyKey(), cmd.requestHash(),
        token, cmd.type().label(), cmd.text(), cmd.content().encode(), cmd.referencedId(), payload.encode(), window);
    return bus.<Enqueued>request(Addresses.OUTBOX_ENQUEUE, e, STORE).map(m -> m.body());
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
