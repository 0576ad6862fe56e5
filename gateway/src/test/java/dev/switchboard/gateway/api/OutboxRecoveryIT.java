package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.GatewayJar;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway killed (SIGKILL: the real jar as a process) with sends claimed: the rows it leased are
 * taken by the next gateway once the lease expires. The one whose platform call was under way ("sending") is in doubt — it is resent
 * and counted; the ones still waiting behind it are simply sent, in order.
 */
class OutboxRecoveryIT {
  private static final String TENANT = "outbox-recovery-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String BOT_TOKEN = "777000333:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDscc";
  private static final String SEND = "/bot" + BOT_TOKEN + "/sendMessage";
  private final FakePlatform botApi = new FakePlatform();
  private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
  private RunningGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    botApi.close();
  }

  private JsonObject tenant() {
    return new JsonObject().put("id", TENANT).put("name", "Recovery IT")
        .put("apiKeys", new JsonArray().add(KEY))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", "secret-recovery-it").put("apiBaseUrl", botApi.baseUrl())));
  }

  private JsonObject outbound() {
    return new JsonObject().put("lease", "PT5S").put("pacing", new JsonObject().put("telegram", new JsonObject()
        .put("recipient", new JsonObject().put("perSecond", 100).put("burst", 100))));
  }

  private RunningGateway start() {
    return RunningGateway.start(tenant(), new JsonObject().put("outbound", outbound()));
  }

  /** The real jar on the test database, as a process this test can kill. */
  private Process startProcess(int port) throws Exception {
    Path dir = GatewayJar.freshDir("outbox-recovery-it");
    Files.createDirectories(dir);
    Path config = dir.resolve("switchboard.json");
    Files.writeString(config, new JsonObject().put("http", new JsonObject().put("port", port))
        .put("tenants", new JsonArray().add(tenant())).put("outbound", outbound()).encode());
    Process p = GatewayJar.launch(dir, Map.of("DATABASE_URL", TestDatabase.url().withCredentials(),
        "SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789"), "--config", config.toString());
    assertThat(GatewayJar.awaitReady(p, port, Duration.ofSeconds(60))).as(GatewayJar.read(dir.resolve("stderr.log")))
        .isTrue();
    return p;
  }

  private String send(String base, long chat, String text) throws Exception {
    var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/messages"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", "telegram")
            .put("to", Long.toString(chat)).put("text", text).encode())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("id");
  }

  private String status(String base, String id) throws Exception {
    return new JsonObject(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/messages/" + id))
        .header("Authorization", "Bearer " + KEY).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
        .getString("status");
  }

  @Test
  void claimedRowsOfAKilledGatewayAreSentByTheNextOneAndTheCallInFlightIsCountedInDoubt() throws Exception {
    long chat = 6_000_000_000L + System.currentTimeMillis() % 1_000_000L;
    botApi.on(SEND, call -> Answer.hang()); // the platform takes the call and never answers
    int port = RunningGateway.freePort();
    String base = "http://127.0.0.1:" + port;
    Process killed = startProcess(port);
    String first;
    String second;
    try {
      first = send(base, chat, "first");
      second = send(base, chat, "second");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "sending".equals(status(base, first)));
      // 'sending' is recorded just before the call: kill only once the platform has it (on busy cores it can lag)
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> botApi.calls(SEND).size() == 1);
      assertThat(status(base, second)).isEqualTo("queued");
    } finally {
      killed.destroyForcibly().waitFor(); // SIGKILL with the call open: its outcome is never recorded
    }

    botApi.on(SEND, SendApiIT::sent);
    gw = start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> "sent".equals(status(gw.base(), first)) && "sent".equals(status(gw.base(), second)));
    List<String> texts = botApi.calls(SEND).stream().map(c -> c.json().getString("text")).toList();
    assertThat(texts).containsExactly("first", "first", "second");
    var metrics = PrometheusText.parse(gw.get("/metrics").body());
    assertThat(PrometheusText.sum(metrics, "switchboard_outbound_in_doubt_total", Map.of("channel", "telegram")))
        .isEqualTo(1.0);
    assertThat(TestDatabase.number("SELECT count(*) FROM outbox WHERE tenant_id = ?", TENANT)).isZero();
  }
}
