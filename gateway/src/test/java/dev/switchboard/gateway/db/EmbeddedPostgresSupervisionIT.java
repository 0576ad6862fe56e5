package dev.switchboard.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WebhookLoad;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway runs on its own embedded PostgreSQL; under load its postmaster is killed with
 * SIGKILL. The gateway notices, restarts it on the same data directory (crash recovery), and within
 * 30 s is ready and storing webhooks again; meanwhile calls are answered 503 + Retry-After, and every
 * webhook ever answered 200 is in the database.
 */
class EmbeddedPostgresSupervisionIT {
  private static final String TENANT = "supervision-it";
  private static final Path DATA = Path.of("target", "supervision-it").toAbsolutePath();
  private RunningGateway gw;

  @BeforeEach
  void start() {
    TestDatabase.deleteTree(DATA);
    gw = RunningGateway.start(RunningGateway.tenantConfig(TENANT, 1_000_000, 1_000_000), new JsonObject()
        .put("dataDir", DATA.toString())
        .put("database", new JsonObject())); // no URL: the gateway starts and owns its PostgreSQL
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(DATA.resolve("postgres/pgdata/postmaster.pid")).get(0).trim());
  }

  private double restarts() {
    return PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()),
        "switchboard_embedded_db_restarts_total", Map.of("outcome", "ok"));
  }

  @Test
  void aKilledPostmasterIsRestartedAndNothingAcknowledgedIsLost() throws Exception {
    assertThat(gw.gateway().database().port()).isNotEqualTo(TestDatabase.url().port());
    long oldPid;
    long killed;
    long ready;
    List<String> acknowledged;
    WebhookLoad load = WebhookLoad.start("supervision", 8, gw::postSigned);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> load.ok() >= 200);
      oldPid = postmasterPid();
      ProcessHandle postmaster = ProcessHandle.of(oldPid).orElseThrow();
      killed = System.nanoTime();
      assertThat(postmaster.destroyForcibly()).as("SIGKILL sent to the postmaster").isTrue();

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> restarts() == 1.0 && gw.get("/ready").statusCode() == 200);
      ready = System.nanoTime();
      await().atMost(Duration.ofSeconds(30).minusNanos(ready - killed)).until(() -> load.answered(200, ready) >= 100);
    } finally {
      load.close();
    }
    acknowledged = load.acknowledged();
    System.out.printf("EmbeddedPostgresSupervisionIT: postmaster %d killed under load; restarted and /ready 200"
            + " after %d ms; %d webhooks answered 200 in all, %d sent after the kill answered 503%n", oldPid,
        (ready - killed) / 1_000_000, acknowledged.size(), load.answered(503, killed));

    assertThat(load.unexpected()).as("only 200 and 503 answers").isEmpty();
    assertThat(load.connectionErrors()).as("the HTTP side never fails").isZero();
    assertThat(load.retryAfterMissing()).as("every 503 carries Retry-After").isZero();
    assertThat(postmasterPid()).as("a new postmaster").isNotEqualTo(oldPid);
    assertThat(restarts()).isEqualTo(1.0);
    assertThat(TestDatabase.storedMessages(gw.gateway().database(), TENANT, acknowledged))
        .as("every acknowledged webhook is stored").isEqualTo(acknowledged.size());
  }
}
