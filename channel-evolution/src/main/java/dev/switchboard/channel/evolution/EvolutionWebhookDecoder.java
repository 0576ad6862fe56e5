package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;

/** PLACEHOLDER: replaced by the real decoder. */
final class EvolutionWebhookDecoder {
  private EvolutionWebhookDecoder() {
  }

  static DecodeResult decode(WebhookRequest request, String instance, String apiKey) {
    throw new UnsupportedOperationException("placeholder");
  }
}
