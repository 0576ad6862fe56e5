package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.db.EmbeddedPostgres;
import dev.switchboard.gateway.testing.GatewayJar;
import dev.switchboard.gateway.testing.RawHttp;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WebhookLoad;
import dev.switchboard.gateway.testing.WhatsApp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the real jar while webhooks are in flight: it stops accepting connections, answers
 * the requests it has read (a webhook whose body arrives only after the signal is still stored and
 * answered 200), never answers a 5xx other than 503, stops within {@code shutdown.timeout} even with
 * a client that never finishes its request, and stops its PostgreSQL last: every webhook answered
 * 200 is in the database.
 */
class GracefulShutdownIT {
  private static final String TENANT = "shutdown-it";
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(12);
  private Process gateway;

  @AfterEach
  void kill() {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroyForcibly();
    }
  }

  private static String config(int port) {
    return """
        http:
          port: %d
          requestTimeout: PT60S     # the stalled client below is ended by the shutdown bound, not by this
        shutdown:
          timeout: %s
        tenants:
          - id: %s
            limits: { inbound: { perSecond: 1000000, burst: 1000000 } }
            channels:
              whatsapp: { phoneNumberId: "%s", appSecret: "%s", verifyToken: "%s" }
        """.formatted(port, SHUTDOWN_TIMEOUT, TENANT, RunningGateway.PHONE_NUMBER_ID, RunningGateway.APP_SECRET,
        RunningGateway.VERIFY_TOKEN);
  }

  private static boolean refusesConnections(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }

  @Test
  void sigtermUnderLoadAnswersWhatWasReadLosesNothingAndStopsInTime() throws Exception {
    Path dir = GatewayJar.freshDir("shutdown-it");
    Files.createDirectories(dir);
    int port = RunningGateway.freePort();
    Files.writeString(dir.resolve("switchboard.yaml"), config(port));
    gateway = GatewayJar.launch(dir, Map.of("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789"),
        "--config", "switchboard.yaml");
    assertThat(GatewayJar.awaitReady(gateway, port, Duration.ofSeconds(120)))
        .as("ready; stderr: %s", GatewayJar.read(dir.resolve("stderr.log"))).isTrue();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI webhooks = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp/" + TENANT);
    WebhookLoad load = WebhookLoad.start("shutdown", 8, body -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return http.send(HttpRequest.newBuilder(webhooks).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .header("X-Hub-Signature-256", WhatsApp.sign(bytes, RunningGateway.APP_SECRET))
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    });

    String heldId = "wamid.shutdown.held";
    byte[] heldBody = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "15550400100", "Leaving", heldId, 1_749_416_383L,
        "sent as the gateway stops").getBytes(StandardCharsets.UTF_8);
    long sigterm;
    long exited;
    RawHttp.Response heldAnswer;
    try (RawHttp held = RawHttp.connect(port); RawHttp stalled = RawHttp.connect(port)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> load.ok() >= 300);
      // two requests the gateway is reading when the signal comes: it has answered 100 Continue to each
      for (RawHttp c : List.of(held, stalled)) {
        c.send(RawHttp.webhookHead(port, TENANT, heldBody.length, WhatsApp.sign(heldBody, RunningGateway.APP_SECRET),
            "Expect: 100-continue"));
        assertThat(c.readResponse(Duration.ofSeconds(10)).status()).isEqualTo(100);
      }

      sigterm = System.nanoTime();
      gateway.destroy(); // SIGTERM
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> refusesConnections(port));
      long refusedAfter = System.nanoTime() - sigterm;

      held.send(heldBody); // the rest of a request read before the signal
      heldAnswer = held.readResponse(Duration.ofSeconds(10));
      assertThat(gateway.isAlive()).as("still draining while the stalled request is open").isTrue();

      assertThat(gateway.waitFor(SHUTDOWN_TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS)).as("stopped").isTrue();
      exited = System.nanoTime();
      assertThat(stalled.awaitClosed(Duration.ofSeconds(1))).as("the request that never finished was closed").isNotNull();
      System.out.printf("GracefulShutdownIT: SIGTERM with load running; new connections refused after %d ms;"
              + " exited after %d ms (shutdown.timeout %s); %d answered 200; %d of 8 senders stopped by a"
              + " refused or closed connection%n", refusedAfter / 1_000_000, (exited - sigterm) / 1_000_000, SHUTDOWN_TIMEOUT,
          load.ok(), load.connectionErrors());
    } finally {
      load.close();
    }

    assertThat(heldAnswer.status()).as("the request read before SIGTERM: %s", heldAnswer.body()).isEqualTo(200);
    assertThat(heldAnswer.headers()).containsEntry("connection", "close");
    assertThat(load.unexpected()).as("only 200 and 503 answers").isEmpty();
    assertThat(load.retryAfterMissing()).as("every 503 carries Retry-After").isZero();
    assertThat(Duration.ofNanos(exited - sigterm)).as("bounded by shutdown.timeout")
        .isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(5));
    assertThat(gateway.exitValue()).as("terminated by SIGTERM, not a failure").isEqualTo(143);
    assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid")).as("PostgreSQL stopped").doesNotExist();
    String log = GatewayJar.read(dir.resolve("stdout.log"));
    assertThat(log.indexOf("inbox drained")).as("the store drained").isPositive()
        .isLessThan(log.indexOf("embedded PostgreSQL stopped"));

    // every acknowledged webhook is on disk: start the same data directory again and look
    List<String> acknowledged = new ArrayList<>(load.acknowledged());
    acknowledged.add(heldId);
    EmbeddedPostgres pg = EmbeddedPostgres.at(dir.resolve("data/postgres"));
    try {
      assertThat(TestDatabase.storedMessages(pg.start(), TENANT, acknowledged))
          .as("every acknowledged webhook is stored").isEqualTo(acknowledged.size());
    } finally {
      pg.stop();
    }
  }
}
