package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;

/** PLACEHOLDER: replaced by the real decoder. */
final class TelegramWebhookDecoder {
  private TelegramWebhookDecoder() {
  }

  static DecodeResult decode(WebhookRequest request, String secretToken, String botId) {
    throw new UnsupportedOperationException("placeholder");
  }
}
