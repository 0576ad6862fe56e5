package dev.switchboard.plugin.channel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Registers the gateway's webhook URL with the platform for one tenant's account, and reads back
 * what the platform has (Telegram {@code setWebhook} / {@code getWebhookInfo}). Optional: a channel
 * whose webhooks are configured by hand returns null from {@link ChannelPlugin#webhookRegistrar()}.
 * Both futures fail only on programming errors; the platform's refusal is in the answer.
 */
public interface WebhookRegistrar {

  /**
   * Points the platform at {@code webhookUrl}.
   *
   * @return {@code {"ok": true|false, "url": …, …platform details}}; on a refusal {@code ok} is
   *         false and {@code error} carries the platform's code and description
   */
  Future<JsonObject> register(ChannelContext context, String webhookUrl);

  /** What the platform says about the webhook (URL, pending updates, last error), as JSON. */
  Future<JsonObject> info(ChannelContext context);
}
