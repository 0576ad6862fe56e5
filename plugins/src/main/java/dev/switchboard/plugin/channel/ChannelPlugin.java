package dev.switchboard.plugin.channel;

import dev.switchboard.plugin.spi.PluginDescriptor;

/**
 * A messaging platform. Found with {@link java.util.ServiceLoader}; the host validates the
 * descriptor, fails start-up on a duplicate id or an SPI version mismatch, and owns every
 * lifecycle.
 */
public interface ChannelPlugin {

  /** Who this plugin is and what it needs per tenant account. */
  PluginDescriptor descriptor();

  /**
   * Decodes one webhook call. <strong>Pure</strong>: no I/O, no clock other than
   * {@code request.receivedAt()}, no state; safe to call from any thread. Verifies authenticity
   * first (in constant time) and decodes only an authentic call.
   */
  DecodeResult decodeWebhook(WebhookRequest request, AccountConfig account);

  /**
   * The platform account id this config addresses (WhatsApp phone_number_id, Telegram bot id,
   * Evolution instance). Used to key stored rows; never a secret.
   */
  String accountRef(AccountConfig account);

  /** Builds a sender for one tenant's account. */
  ChannelSender newSender(ChannelContext context);

  /** What this channel can send and the platform's documented pace; {@link SendCapabilities#NONE} if it cannot send. */
  default SendCapabilities sendCapabilities() {
    return SendCapabilities.NONE;
  }

  /**
   * The chat id (as inbound messages of this channel carry it) that a recipient given to the send
   * API names: WhatsApp E.164 digits, a Telegram chat id or {@code @channel}, an Evolution number or
   * JID. Pure.
   *
   * @throws IllegalArgumentException with a message fit for the API client when {@code to} is not
   *                                  a recipient of this channel
   */
  default String chatIdFor(String to) {
    throw new IllegalArgumentException("this channel cannot send");
  }

  /** The E.164 phone ({@code +…}) of the person {@code chatId} names, when the id is a phone number; else null. */
  default String phoneOf(String chatId) {
    return null;
  }

  /** True when {@code chatId} (as {@link #chatIdFor} returns it) is a group chat, paced as one. */
  default boolean isGroupChat(String chatId) {
    return false;
  }

  /** Registers webhooks with the platform, or null when this channel's webhooks are set by hand. */
  default WebhookRegistrar webhookRegistrar() {
    return null;
  }
}
