package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.FakeBotApi.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.channel.telegram.FakeBotApi.Reply;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** setWebhook / getWebhookInfo through the plugin's registrar. */
class WebhookRegistrarTest extends BotApiTest {
  private static final String URL = "https://gw.example.com/webhooks/telegram/acme";
  private static final JsonArray KINDS = new JsonArray().add("message").add("edited_message").add("channel_post")
      .add("edited_channel_post").add("business_message").add("edited_business_message").add("callback_query")
      .add("message_reaction").add("my_chat_member").add("chat_member");

  private final WebhookRegistrar registrar = new TelegramChannelPlugin().webhookRegistrar();

  @Test
  void registeringSendsTheUrlSecretUpdateKindsAndConnections() {
    JsonObject answer = await(registrar.register(api.context(client), URL));

    FakeBotApi.Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("setWebhook");
    assertThat(request.body()).isEqualTo(new JsonObject().put("url", URL).put("secret_token", "wh-secret_0123456789")
        .put("allowed_updates", KINDS).put("max_connections", 40));
    assertThat(answer).isEqualTo(new JsonObject().put("ok", true).put("url", URL).put("allowedUpdates", KINDS)
        .put("maxConnections", 40));
  }

  @Test
  void aRefusalCarriesTelegramsCodeAndDescription() {
    JsonObject answer = await(registrar.register(api.context(client), "http://gw.example.com/webhooks/telegram/acme"));

    assertThat(answer).isEqualTo(new JsonObject().put("ok", false).put("error", new JsonObject()
        .put("code", "400").put("description", "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")));
  }

  @Test
  void registeringWithoutASecretTokenIsRefusedBeforeCalling() {
    AccountConfig noSecret = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, FakeBotApi.TOKEN,
        TelegramChannelPlugin.API_BASE_URL, api.baseUrl()));

    JsonObject answer = await(registrar.register(api.context(client, noSecret), URL));

    assertThat(answer.getBoolean("ok")).isFalse();
    assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("invalid_config");
    assertThat(answer.getJsonObject("error").getString("description")).contains("secretToken");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void infoReportsWhatTelegramKnowsInCamelCase() {
    api.webhookInfo(new JsonObject().put("url", URL).put("has_custom_certificate", false)
        .put("pending_update_count", 17).put("ip_address", "203.0.113.7")
        .put("last_error_date", 1717171717).put("last_error_message", "Wrong response from the webhook: 503 Service Unavailable")
        .put("max_connections", 40).put("allowed_updates", new JsonArray().add("message").add("callback_query")));

    JsonObject info = await(registrar.info(api.context(client)));

    assertThat(api.onlyRequest().method()).isEqualTo("getWebhookInfo");
    assertThat(info).isEqualTo(new JsonObject().put("ok", true).put("url", URL).put("pendingUpdateCount", 17)
        .put("lastErrorDate", "2024-05-31T16:08:37Z")
        .put("lastErrorMessage", "Wrong response from the webhook: 503 Service Unavailable")
        .put("maxConnections", 40).put("allowedUpdates", new JsonArray().add("message").add("callback_query"))
        .put("ipAddress", "203.0.113.7"));
  }

  @Test
  void infoOmitsWhatTelegramLeavesOut() {
    JsonObject info = await(registrar.info(api.context(client)));

    assertThat(info).isEqualTo(new JsonObject().put("ok", true).put("url", "").put("pendingUpdateCount", 0));
  }

  @Test
  void infoAfterRegisteringShowsTheRegistration() {
    await(registrar.register(api.context(client), URL));

    JsonObject info = await(registrar.info(api.context(client)));

    assertThat(info.getString("url")).isEqualTo(URL);
    assertThat(info.getJsonArray("allowedUpdates")).isEqualTo(KINDS);
    assertThat(info.getInteger("maxConnections")).isEqualTo(40);
  }

  @Test
  void aRejectedTokenIsReportedWithoutTheToken() {
    AccountConfig wrong = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, "110201543:AAWrongWrongWrong",
        TelegramChannelPlugin.SECRET_TOKEN, "s", TelegramChannelPlugin.API_BASE_URL, api.baseUrl()));

    JsonObject answer = await(registrar.register(api.context(client, wrong), URL));

    assertThat(answer).isEqualTo(new JsonObject().put("ok", false)
        .put("error", new JsonObject().put("code", "401").put("description", "Unauthorized")));
    assertThat(answer.encode()).doesNotContain("AAWrong");
  }

  @Test
  void anUnreachableApiIsReportedAsUnreachable() {
    AccountConfig nowhere = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, FakeBotApi.TOKEN,
        TelegramChannelPlugin.SECRET_TOKEN, "s", TelegramChannelPlugin.API_BASE_URL, "http://127.0.0.1:1"));

    JsonObject register = await(registrar.register(api.context(client, nowhere), URL));
    JsonObject info = await(registrar.info(api.context(client, nowhere)));

    for (JsonObject answer : new JsonObject[] {register, info}) {
      assertThat(answer.getBoolean("ok")).isFalse();
      assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("unreachable");
      assertThat(answer.encode()).doesNotContain(FakeBotApi.TOKEN_SECRET);
    }
  }

  @Test
  void aBodyThatIsNotTheEnvelopeIsAnInvalidResponse() {
    api.enqueue(FakeBotApi.gatewayPage());

    JsonObject info = await(registrar.info(api.context(client)));

    assertThat(info.getJsonObject("error").getString("code")).isEqualTo("invalid_response");
    assertThat(info.getJsonObject("error").getString("description")).contains("502");
  }

  @Test
  void aServerErrorIsPassedOn() {
    api.enqueue(Reply.error(500, "Internal Server Error"));

    assertThat(await(registrar.info(api.context(client)))).isEqualTo(new JsonObject().put("ok", false)
        .put("error", new JsonObject().put("code", "500").put("description", "Internal Server Error")));
  }
}
