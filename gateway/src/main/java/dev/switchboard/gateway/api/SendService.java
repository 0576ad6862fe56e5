package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.outbound.OutboundJson;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.store.OutboxRecords.ConversationQuery;
import dev.switchboard.gateway.store.OutboxRecords.ConversationRef;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.tenants.ChannelAccount;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.SendCapabilities;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/**
 * Turns a parsed send into a queued one: the channel must be configured for the tenant and able to
 * carry the content (its plugin's declared capabilities), the recipient must be of its form, and
 * the outbox store then applies what needs the database (idempotency key, the WhatsApp window, the
 * quoted message). Used by {@code POST /v1/messages} and by the plugin chain's replies.
 */
public final class SendService {
  /** The free-form window of WhatsApp Cloud API: 24 h after the contact's last message. */
  static final Duration WHATSAPP_WINDOW = Duration.ofHours(24);
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);

  private final ChannelRegistry channels;
  private final EventBus bus;

  public SendService(ChannelRegistry channels, EventBus bus) {
    this.channels = channels;
    this.bus = bus;
  }

  /** Validates and queues; fails with an {@link ApiException} saying what is wrong, or the store's failure. */
  public Future<Enqueued> submit(TenantView tenant, SendCommand cmd) {
    try {
      return resolveChat(tenant, cmd).compose(chat -> enqueue(tenant, cmd, chat));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A reply in a conversation whose channel and chat the caller already read with the message it
   * answers (the dispatcher's claim returns them): no lookup of the conversation. Validated and
   * stored exactly as {@link #submit}.
   */
  public Future<Enqueued> submitReply(TenantView tenant, SendCommand cmd, String channel, String chatId) {
    try {
      return enqueue(tenant, cmd, inConversation(tenant, cmd, channel, chatId));
    } catch (ApiException e) {
      return Future.failedFuture(e);
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
          return inConversation(tenant, cmd, ref.channel(), ref.chatId());
        });
  }

  /** The send in a conversation on {@code channel} with {@code chatId}: a {@code channel} it names must be that one. */
  private Chat inConversation(TenantView tenant, SendCommand cmd, String channel, String chatId) {
    if (cmd.channel() != null && !cmd.channel().equals(channel)) {
      throw SendRequestParser.invalid("channel", "the conversation is on " + channel);
    }
    return chat(tenant, cmd, channel, chatId);
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

}
