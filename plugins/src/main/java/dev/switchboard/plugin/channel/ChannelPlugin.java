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

  /** Registers webhooks with the platform, or null when this channel's webhooks are set by hand. */
  default WebhookRegistrar webhookRegistrar() {
    return null;
  }
}
