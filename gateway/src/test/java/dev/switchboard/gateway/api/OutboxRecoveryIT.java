package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that dies with sends claimed: the rows it leased are taken by the next gateway once the
 * lease expires. The one whose platform call was under way ("sending") is in doubt — it is resent
 * and counted; the ones still waiting behind it are simply sent, in order.
 */
class OutboxRecoveryIT {
  private static final String TENANT = "outbox-recovery-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String BOT_TOKEN = "777000333:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDscc";
  private static final String SEND = "/bot" + BOT_TOKEN + "/sendMessage";
  private final FakePlatform botApi = new FakePlatform();
  private RunningGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    botApi.close();
  }

  private RunningGateway start() {
    JsonObject tenant = new JsonObject().put("id", TENANT).put("name", "Recovery IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", "secret-recovery-it").put("apiBaseUrl", botApi.baseUrl())));
    return RunningGateway.start(tenant, new JsonObject()
        .put("outbound", new JsonObject().put("lease", "PT5S")
            .put("pacing", new JsonObject().put("telegram", new JsonObject()
                .put("recipient", new JsonObject().put("perSecond", 100).put("burst", 100))))));
  }

  private String send(long chat, String text) {
    var r = gw.postJson("/v1/messages", new JsonObject().put("channel", "telegram").put("to", Long.toString(chat))
        .put("text", text).encode(), "Authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("id");
  }

  private String status(String id) {
    return new JsonObject(gw.get("/v1/messages/" + id, "Authorization", "Bearer " + KEY).body()).getString("status");
  }

  @Test
  void claimedRowsOfADeadGatewayAreSentByTheNextOneAndTheCallInFlightIsCountedInDoubt() {
    long chat = 6_000_000_000L + System.currentTimeMillis() % 1_000_000L;
    botApi.on(SEND, call -> Answer.hang()); // the platform takes the call and never answers
    gw = start();
    String first = send(chat, "first");
    String second = send(chat, "second");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "sending".equals(status(first)));
    assertThat(status(second)).isEqualTo("queued");
    gw.close(); // the process dies with the call open: its outcome is never recorded
    gw = null;

    botApi.on(SEND, SendApiIT::sent);
    gw = start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> "sent".equals(status(first)) && "sent".equals(status(second)));
    List<String> texts = botApi.calls(SEND).stream().map(c -> c.json().getString("text")).toList();
    assertThat(texts).containsExactly("first", "first", "second");
    var metrics = PrometheusText.parse(gw.get("/metrics").body());
    assertThat(PrometheusText.sum(metrics, "switchboard_outbound_in_doubt_total", Map.of("channel", "telegram")))
        .isEqualTo(1.0);
    assertThat(TestDatabase.number("SELECT count(*) FROM outbox WHERE tenant_id = ?", TENANT)).isZero();
  }
}
