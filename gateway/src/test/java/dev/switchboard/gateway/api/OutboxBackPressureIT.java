package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tenant's outbound queue is bounded: past {@code outbound.queuePerTenant} waiting sends, 429 + Retry-After. */
class OutboxBackPressureIT {
  private static final String TENANT = "outbox-backpressure-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String BOT_TOKEN = "777000444:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsdd";
  private static FakePlatform botApi;
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    botApi = new FakePlatform();
    botApi.on("/bot" + BOT_TOKEN + "/sendMessage", call -> Answer.hang()); // nothing drains the queue
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Back-pressure IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", "secret-backpressure-it").put("apiBaseUrl", botApi.baseUrl())));
    gw = RunningGateway.start(tenant, new JsonObject().put("outbound", new JsonObject().put("queuePerTenant", 5)));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (botApi != null) {
      botApi.close();
    }
  }

  private static HttpResponse<String> send(long chat) {
    return gw.postJson("/v1/messages", new JsonObject().put("channel", "telegram").put("to", Long.toString(chat))
        .put("text", "queued").encode(), "Authorization", "Bearer " + KEY);
  }

  @Test
  void pastTheTenantsQueueBoundASendIsRefusedWith429AndNothingIsStored() {
    for (int i = 0; i < 5; i++) {
      assertThat(send(7_000_000_000L + i).statusCode()).isEqualTo(202);
    }
    HttpResponse<String> refused = send(7_000_000_099L);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT)).isEqualTo(5);
    assertThat(TestDatabase.number("SELECT count(*) FROM outbox WHERE tenant_id = ?", TENANT)).isEqualTo(5);
  }
}
