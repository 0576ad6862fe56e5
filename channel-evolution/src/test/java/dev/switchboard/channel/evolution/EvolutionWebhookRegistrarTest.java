package dev.switchboard.channel.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registering the gateway's webhook with Evolution 2.3 and reading it back, never echoing the key. */
class EvolutionWebhookRegistrarTest {

  private static final String INSTANCE_TOKEN = "instance-token-91AB44";
  private static final String GATEWAY_URL = "https://gateway.acme.example/webhooks/evolution/acme";

  private static Vertx vertx;
  private static HttpClient http;
  private FakeEvolutionApi evolution;
  private final EvolutionWebhookRegistrar registrar = new EvolutionWebhookRegistrar();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await();
  }

  @BeforeEach
  void evolution() throws Exception {
    evolution = FakeEvolutionApi.start(vertx).instance("acme-main", INSTANCE_TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    evolution.close();
  }

  @Test
  void registerSetsTheNestedWebhookWithTheFiveEventsAndTheApikeyHeader() throws Exception {
    JsonObject answer = registrar.register(evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN), GATEWAY_URL)
        .await(5, TimeUnit.SECONDS);

    FakeEvolutionApi.Recorded call = evolution.lastRequest();
    assertThat(call.method()).isEqualTo(HttpMethod.POST);
    assertThat(call.path()).isEqualTo("/webhook/set/acme-main");
    assertThat(call.apikey()).isEqualTo(INSTANCE_TOKEN);
    assertThat(call.body()).isEqualTo(new JsonObject().put("webhook", new JsonObject()
        .put("enabled", true)
        .put("url", GATEWAY_URL)
        .put("byEvents", false)
        .put("base64", false)
        .put("headers", new JsonObject().put("apikey", INSTANCE_TOKEN))
        .put("events", new JsonArray().add("MESSAGES_UPSERT").add("SEND_MESSAGE").add("MESSAGES_UPDATE")
            .add("CONNECTION_UPDATE").add("QRCODE_UPDATED"))));
    assertThat(answer.getBoolean("ok")).isTrue();
    assertThat(answer.getString("url")).isEqualTo(GATEWAY_URL);
    assertThat(answer.getJsonArray("events")).hasSize(5);
    assertThat(answer.getBoolean("byEvents")).isFalse();
    assertThat(answer.encode()).doesNotContain(INSTANCE_TOKEN).doesNotContain("headers");
  }

  @Test
  void infoReadsTheWebhookBackWithoutItsHeaders() throws Exception {
    registrar.register(evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN), GATEWAY_URL)
        .await(5, TimeUnit.SECONDS);

    JsonObject info = registrar.info(evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN))
        .await(5, TimeUnit.SECONDS);

    assertThat(evolution.lastRequest().method()).isEqualTo(HttpMethod.GET);
    assertThat(evolution.lastRequest().path()).isEqualTo("/webhook/find/acme-main");
    assertThat(info.getBoolean("ok")).isTrue();
    assertThat(info.getBoolean("configured")).isTrue();
    assertThat(info.getString("url")).isEqualTo(GATEWAY_URL);
    assertThat(info.getBoolean("enabled")).isTrue();
    assertThat(info.getBoolean("base64")).isFalse();
    assertThat(info.encode()).doesNotContain(INSTANCE_TOKEN).doesNotContain("headers");
  }

  @Test
  void infoWithoutAWebhookSaysNotConfigured() throws Exception {
    JsonObject info = registrar.info(evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN))
        .await(5, TimeUnit.SECONDS);

    assertThat(info).isEqualTo(new JsonObject().put("ok", true).put("configured", false));
  }

  @Test
  void aRefusalIsNotOkWithEvolutionsCodeAndMessage() throws Exception {
    JsonObject unknown = registrar.register(evolution.context(vertx, http, "acme-old", INSTANCE_TOKEN), GATEWAY_URL)
        .await(5, TimeUnit.SECONDS);
    JsonObject wrongKey = registrar.info(evolution.context(vertx, http, "acme-main", "wrong-key-20F1"))
        .await(5, TimeUnit.SECONDS);

    assertThat(unknown).isEqualTo(new JsonObject().put("ok", false).put("error", new JsonObject()
        .put("code", "instance_not_found").put("description", "The \"acme-old\" instance does not exist")
        .put("status", 404)));
    assertThat(wrongKey).isEqualTo(new JsonObject().put("ok", false).put("error", new JsonObject()
        .put("code", "unauthorized").put("description", "Unauthorized").put("status", 401)));
    assertThat(wrongKey.encode()).doesNotContain("wrong-key-20F1");
  }

  @Test
  void anUnreachableServerIsNotOkAndTheFutureSucceeds() throws Exception {
    var context = evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN);
    evolution.close();

    JsonObject answer = registrar.register(context, GATEWAY_URL).await(5, TimeUnit.SECONDS);

    assertThat(answer.getBoolean("ok")).isFalse();
    assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("unreachable");
    assertThat(answer.encode()).doesNotContain(INSTANCE_TOKEN);
    evolution = FakeEvolutionApi.start(vertx);
  }
}
