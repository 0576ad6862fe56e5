package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tenant over its inbound limit gets 429 + Retry-After, and nothing of the refused call is stored. */
class RateLimitIT {
  private static final String TENANT = "rate-limit-it";
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start(TENANT, 1, 2); // 1 webhook/s, burst 2
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void overTheInboundLimitIs429WithRetryAfterAndStoresNothing() throws Exception {
    long base = System.currentTimeMillis();
    // five calls at once against burst 2 at 1/s: sent one after the other on a busy machine, a token
    // could refill between them; sent together, at least one is over the limit
    int calls = 5;
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(calls);
    try {
      for (int i = 0; i < calls; i++) {
        String id = "wamid.rate." + base + "." + i;
        ids.add(id);
        answers.add(CompletableFuture.supplyAsync(() -> gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID,
            "16505550100", "R", id, 1L, "burst call " + id)), pool));
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<Integer> statuses = answers.stream().map(a -> a.join().statusCode()).toList();
    assertThat(statuses).as("answers").containsOnly(200, 429);
    assertThat(statuses.stream().filter(c -> c == 200).count()).as("admitted within the burst: %s", statuses)
        .isGreaterThanOrEqualTo(2);
    assertThat(statuses.stream().filter(c -> c == 429).count()).as("refused over the limit: %s", statuses)
        .isGreaterThanOrEqualTo(1);
    for (int i = 0; i < calls; i++) {
      HttpResponse<String> r = answers.get(i).join();
      long stored = TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
          TENANT, ids.get(i));
      if (r.statusCode() == 429) {
        assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
        assertThat(stored).as("rows of refused call %s", ids.get(i)).isZero();
      } else {
        assertThat(stored).as("rows of admitted call %s", ids.get(i)).isEqualTo(1);
      }
    }
    assertThat(PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()), "switchboard_webhooks_total",
        Map.of("channel", "whatsapp", "outcome", "rate_limited"))).isGreaterThanOrEqualTo(1.0);
  }
}
