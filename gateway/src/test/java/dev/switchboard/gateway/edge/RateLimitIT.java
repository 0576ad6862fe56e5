package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
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
  void overTheInboundLimitIs429WithRetryAfterAndStoresNothing() {
    long base = System.currentTimeMillis();
    for (int i = 0; i < 2; i++) {
      assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550100", "R",
          "wamid.rate." + base + "." + i, 1L, "within burst")).statusCode()).isEqualTo(200);
    }
    String refused = "wamid.rate." + base + ".refused";
    HttpResponse<String> r = gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550100", "R",
        refused, 1L, "over the limit"));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, refused)).isZero();
    assertThat(PrometheusText.sum(PrometheusText.parse(gw.get("/metrics").body()), "switchboard_webhooks_total",
        Map.of("channel", "whatsapp", "outcome", "rate_limited"))).isGreaterThanOrEqualTo(1.0);
  }
}
