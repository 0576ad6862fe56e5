package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Points an Evolution 2.3 instance's webhook at the gateway: {@code POST /webhook/set/<instance>}
 * with the nested body {@code {"webhook": {"enabled": true, "url": …, "byEvents": false,
 * "base64": false, "headers": {"apikey": <the account's apiKey>}, "events": [the five we decode]}}}
 * (the {@code apikey} header is how the gateway recognises the calls), and reads it back with
 * {@code GET /webhook/find/<instance>}. Answers never hold the API key: the webhook's
 * {@code headers} are dropped. The futures never fail for platform or network trouble.
 */
final class EvolutionWebhookRegistrar implements WebhookRegistrar {

  /** The events the gateway decodes. */
  static final List<String> EVENTS = List.of(
      "MESSAGES_UPSERT", "SEND_MESSAGE", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED");

  @Override
  public Future<JsonObject> register(ChannelContext context, String webhookUrl) {
    EvolutionApiClient client = new EvolutionApiClient(context.httpClient(), context.account());
    if (client.configProblem() != null) {
      return Future.succeededFuture(refused("bad_config", 0, client.configProblem()));
    }
    JsonObject body = new JsonObject().put("webhook", new JsonObject()
        .put("enabled", true)
        .put("url", webhookUrl)
        .put("byEvents", false)
        .put("base64", false)
        .put("headers", new JsonObject().put("apikey", client.apiKey()))
        .put("events", new JsonArray(EVENTS)));
    return client.post("webhook", "set", body, EvolutionApiClient.DEFAULT_TIMEOUT)
        .map(answer -> answer(answer, webhookUrl));
  }

  @Override
  public Future<JsonObject> info(ChannelContext context) {
    EvolutionApiClient client = new EvolutionApiClient(context.httpClient(), context.account());
    if (client.configProblem() != null) {
      return Future.succeededFuture(refused("bad_config", 0, client.configProblem()));
    }
    return client.get("webhook", "find", EvolutionApiClient.DEFAULT_TIMEOUT).map(answer -> answer(answer, null));
  }

  private static JsonObject answer(EvolutionApiAnswer answer, String requestedUrl) {
    if (answer instanceof EvolutionApiAnswer.NoReply none) {
      return refused(none.timedOut() ? "timeout" : "unreachable", 0, none.detail());
    }
    EvolutionApiAnswer.Reply reply = (EvolutionApiAnswer.Reply) answer;
    JsonObject body = reply.object();
    if (reply.success() && (body != null || (reply.json() && reply.value() == null))) {
      return describe(body, requestedUrl);
    }
    if (body == null) {
      return refused("bad_response", reply.status(), "HTTP " + reply.status() + " without a JSON object");
    }
    String message = EvolutionApiErrors.message(body);
    String code = switch (reply.status()) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> message != null && message.contains("instance does not exist") ? "instance_not_found" : "not_found";
      default -> reply.status() >= 500 ? "server_error" : "http_" + reply.status();
    };
    return refused(code, reply.status(), message == null ? "HTTP " + reply.status() : message);
  }

  /** Evolution's webhook record in our words, without its headers (they carry the API key). */
  private static JsonObject describe(JsonObject webhook, String requestedUrl) {
    if (webhook == null) {
      return requestedUrl == null
          ? new JsonObject().put("ok", true).put("configured", false)
          : refused("bad_response", 0, "Evolution answered without the webhook it set");
    }
    JsonObject out = new JsonObject().put("ok", true).put("configured", true);
    copy(webhook, "url", out, "url");
    copy(webhook, "enabled", out, "enabled");
    copy(webhook, "events", out, "events");
    copy(webhook, "webhookByEvents", out, "byEvents");
    copy(webhook, "webhookBase64", out, "base64");
    copy(webhook, "createdAt", out, "createdAt");
    copy(webhook, "updatedAt", out, "updatedAt");
    if (requestedUrl != null && !requestedUrl.equals(out.getValue("url"))) {
      out.put("ok", false).put("error", new JsonObject().put("code", "url_mismatch")
          .put("description", "Evolution kept a different webhook URL"));
    }
    return out;
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    if (from.containsKey(field)) {
      to.put(as, from.getValue(field));
    }
  }

  private static JsonObject refused(String code, int status, String description) {
    JsonObject error = new JsonObject().put("code", code).put("description", description);
    if (status > 0) {
      error.put("status", status);
    }
    return new JsonObject().put("ok", false).put("error", error);
  }
}
