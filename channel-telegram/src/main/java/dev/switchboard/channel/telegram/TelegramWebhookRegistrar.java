package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** PLACEHOLDER: replaced by the real registrar. */
final class TelegramWebhookRegistrar implements WebhookRegistrar {
  @Override
  public Future<JsonObject> register(ChannelContext context, String webhookUrl) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public Future<JsonObject> info(ChannelContext context) {
    throw new UnsupportedOperationException("placeholder");
  }
}
