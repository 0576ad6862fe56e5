package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * {@code setWebhook} / {@code getWebhookInfo} for one bot. Registration passes the account's
 * {@code secretToken} (Telegram echoes it in {@code X-Telegram-Bot-Api-Secret-Token}), the update
 * kinds the decoder handles — naming them all, since {@code message_reaction} and
 * {@code chat_member} are only delivered when asked for — and {@value #MAX_CONNECTIONS} connections.
 *
 * <p>Answers: {@code {"ok":true,"url":…,"allowedUpdates":[…],"maxConnections":40}} and
 * {@code {"ok":true,"url","pendingUpdateCount","lastErrorDate" (ISO-8601),"lastErrorMessage",
 * "maxConnections","allowedUpdates","ipAddress"}} (absent fields omitted), or
 * {@code {"ok":false,"error":{"code":…,"description":…}}} where the code is the Bot API's
 * {@code error_code}, {@code "unreachable"}, {@code "invalid_response"} or {@code "invalid_config"}.
 * The futures never fail for platform trouble, and no answer carries the bot token.
 */
final class TelegramWebhookRegistrar implements WebhookRegistrar {
  static final int MAX_CONNECTIONS = 40;
  static final List<String> ALLOWED_UPDATES = List.of("message", "edited_message", "channel_post",
      "edited_channel_post", "business_message", "edited_business_message", "callback_query",
      "message_reaction", "my_chat_member", "chat_member");

  @Override
  public Future<JsonObject> register(ChannelContext context, String webhookUrl) {
    String secret = context.account().get(TelegramChannelPlugin.SECRET_TOKEN);
    if (secret == null || secret.isBlank()) {
      return Future.succeededFuture(error(SendRejection.INVALID_CONFIG,
          "secretToken is not set: without it every webhook call would be rejected"));
    }
    JsonObject params = new JsonObject()
        .put("url", webhookUrl)
        .put("secret_token", secret)
        .put("allowed_updates", new JsonArray(ALLOWED_UPDATES))
        .put("max_connections", MAX_CONNECTIONS);
    return call(context, "setWebhook", params, result -> new JsonObject().put("ok", true)
        .put("url", webhookUrl)
        .put("allowedUpdates", new JsonArray(ALLOWED_UPDATES))
        .put("maxConnections", MAX_CONNECTIONS));
  }

  @Override
  public Future<JsonObject> info(ChannelContext context) {
    return call(context, "getWebhookInfo", new JsonObject(), TelegramWebhookRegistrar::webhookInfo);
  }

  private Future<JsonObject> call(ChannelContext context, String method, JsonObject params,
                                  Function<Object, JsonObject> onResult) {
    BotApiClient api;
    try {
      api = BotApiClient.forAccount(context, BotApiClient.DEFAULT_TIMEOUT);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(error(SendRejection.INVALID_CONFIG, e.getMessage()));
    }
    return api.call(method, params).map(answer -> {
      if (!answer.reached()) {
        return error(SendClassifier.UNREACHABLE, answer.timedOut()
            ? "no answer from the Bot API in time" : "could not reach the Bot API");
      }
      if (!answer.isEnvelope()) {
        return error(SendClassifier.INVALID_RESPONSE, "the Bot API answered HTTP " + answer.status() + " without its JSON envelope");
      }
      if (!answer.ok()) {
        return error(String.valueOf(answer.errorCode()), api.redact(answer.description()));
      }
      return onResult.apply(answer.result());
    });
  }

  /** Telegram's {@code WebhookInfo}, camelCased; dates as ISO-8601 instants. */
  private static JsonObject webhookInfo(Object result) {
    JsonObject info = result instanceof JsonObject o ? o : new JsonObject();
    JsonObject out = new JsonObject().put("ok", true);
    copy(info, "url", out, "url");
    copy(info, "pending_update_count", out, "pendingUpdateCount");
    if (info.getValue("last_error_date") instanceof Number date && date.longValue() > 0) {
      out.put("lastErrorDate", Instant.ofEpochSecond(date.longValue()).toString());
    }
    copy(info, "last_error_message", out, "lastErrorMessage");
    copy(info, "max_connections", out, "maxConnections");
    copy(info, "allowed_updates", out, "allowedUpdates");
    copy(info, "ip_address", out, "ipAddress");
    return out;
  }

  private static void copy(JsonObject from, String name, JsonObject to, String as) {
    Object value = from.getValue(name);
    if (value != null) {
      to.put(as, value);
    }
  }

  private static JsonObject error(String code, String description) {
    return new JsonObject().put("ok", false)
        .put("error", new JsonObject().put("code", code).put("description", description));
  }
}
