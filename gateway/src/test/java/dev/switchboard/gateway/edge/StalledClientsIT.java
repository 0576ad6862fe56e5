package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RawHttp;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that open connections and then stall — headers and a few bytes of a large declared body,
 * or nothing at all — are closed once {@code http.requestTimeout} / {@code http.idleTimeout} pass,
 * while real webhooks are served all along; and connections beyond {@code http.maxConnections} are
 * turned away with a clear 503 instead of exhausting the process's file descriptors.
 */
class StalledClientsIT {
  private static final String TENANT = "stalled-it";
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private final AtomicInteger seq = new AtomicInteger();
  private final List<RawHttp> clients = new ArrayList<>();
  private RunningGateway gw;

  private RunningGateway start(JsonObject http) {
    gw = RunningGateway.start(RunningGateway.tenantConfig(TENANT, 1_000_000, 1_000_000), new JsonObject()
        .put("http", http.put("idleTimeout", IDLE_TIMEOUT.toString()).put("requestTimeout", REQUEST_TIMEOUT.toString())));
    return gw;
  }

  @AfterEach
  void stop() {
    clients.forEach(RawHttp::close);
    if (gw != null) {
      gw.close();
    }
  }

  private int port() {
    return gw.gateway().port();
  }

  private RawHttp.Response postWebhook() {
    String id = "wamid.stalled." + System.nanoTime() + "." + seq.incrementAndGet();
    return RawHttp.postWebhook(port(), TENANT, WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "15550109999", "Patient",
        id, 1_749_416_383L, "served while others stall"), RunningGateway.APP_SECRET);
  }

  private double closed(String reason) {
    return PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()),
        "switchboard_http_connections_closed_total", Map.of("reason", reason));
  }

  @Test
  void stalledAndIdleConnectionsAreClosedInTimeWhileWebhooksAreServed() {
    start(new JsonObject());
    int slowBodies = 1_500;
    int silent = 500;
    String head = RawHttp.webhookHead(port(), TENANT, 100 * 1024, "sha256=00");
    long opening = System.nanoTime();
    for (int i = 0; i < slowBodies; i++) {
      clients.add(RawHttp.connect(port()).send(head).send("{\"obj"));
    }
    for (int i = 0; i < silent; i++) {
      clients.add(RawHttp.connect(port()));
    }
    long opened = System.nanoTime();

    // real webhooks, each on a connection of its own, while the stalled ones are held
    int served = 0;
    while (System.nanoTime() - opened < REQUEST_TIMEOUT.toNanos()) {
      RawHttp.Response r = postWebhook();
      assertThat(r.status()).as("a webhook while %d connections stall: %s", slowBodies + silent, r.body()).isEqualTo(200);
      served++;
    }
    assertThat(served).as("webhooks served during the stall").isGreaterThan(10);

    // every stalled connection is closed: the slow bodies with a 408, the silent ones unanswered
    Duration bound = REQUEST_TIMEOUT.plusSeconds(5);
    for (int i = 0; i < clients.size(); i++) {
      long left = Math.max(1, opened + bound.toNanos() - System.nanoTime());
      String got = clients.get(i).awaitClosed(Duration.ofNanos(left));
      assertThat(got).as("connection %d closed within %s of being opened", i, bound).isNotNull();
      if (i < slowBodies) {
        assertThat(got).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
      } else {
        assertThat(got).isEmpty();
      }
    }
    long allClosedMillis = (System.nanoTime() - opening) / 1_000_000;
    System.out.printf("StalledClientsIT: %d stalled connections opened in %d ms, all closed %d ms after the first"
        + " opened; %d webhooks served meanwhile%n", clients.size(), (opened - opening) / 1_000_000, allClosedMillis, served);

    assertThat(closed("request_timeout")).isGreaterThanOrEqualTo(slowBodies);
    assertThat(closed("idle")).isGreaterThanOrEqualTo(silent);
    assertThat(postWebhook().status()).isEqualTo(200);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", TENANT))
        .isGreaterThanOrEqualTo(served + 1);
  }

  @Test
  void connectionsBeyondTheLimitAreTurnedAwayWithAClearErrorUntilSlotsFreeUp() {
    int max = 40;
    start(new JsonObject().put("maxConnections", max));
    for (int i = 0; i < max; i++) {
      clients.add(RawHttp.connect(port()));
    }

    for (int i = 0; i < 5; i++) {
      RawHttp.Response r = postWebhook();
      assertThat(r.status()).as("over the limit: %s", r.body()).isEqualTo(503);
      assertThat(r.headers()).containsEntry("retry-after", "5").containsEntry("connection", "close");
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("too_many_connections");
    }
    // a connection that is turned away and sends nothing is closed soon, not held
    RawHttp silent = RawHttp.connect(port());
    clients.add(silent);
    assertThat(silent.awaitClosed(Duration.ofSeconds(5))).as("turned away, closed").isEmpty();

    // once the idle connections time out, webhooks are served again
    await().atMost(Duration.ofSeconds(15)).until(() -> postWebhook().status() == 200);
    assertThat(closed("too_many_connections")).isGreaterThanOrEqualTo(6);
    // a webhook is served once the first idle connection is closed; the others may go a sweep or two later
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(closed("idle")).isGreaterThanOrEqualTo(max));
  }
}
