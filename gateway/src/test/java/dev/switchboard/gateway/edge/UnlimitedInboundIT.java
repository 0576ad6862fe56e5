package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.inbound: unlimited}: a tenant's webhooks are never refused for its rate and never
 * go through admission (no token is leased for them). The setting survives the round trip through
 * the tenants table.
 */
class UnlimitedInboundIT {
  private static final String UNLIMITED = "unlimited-inbound-it";
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    JsonObject tenant = RunningGateway.tenantConfig(UNLIMITED, 1, 1)
        .put("limits", new JsonObject().put("inbound", "unlimited"));
    gw = RunningGateway.start(List.of(tenant), new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void anUnlimitedTenantIsNeverRateLimitedAndItsWebhooksSkipAdmission() {
    long base = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) { // twenty times what a 1/s burst-1 limit would admit
      assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "16505550100", "U",
          "wamid.unlimited." + base + "." + i, 1L, "no limit")).statusCode()).isEqualTo(200);
    }

    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id LIKE ?",
        UNLIMITED, "wamid.unlimited." + base + ".%")).isEqualTo(20);
    assertThat(TestDatabase.number("SELECT count(*) FROM tenants WHERE id = ? AND inbound_per_second IS NULL"
        + " AND inbound_burst IS NULL", UNLIMITED)).isEqualTo(1);
    var metrics = PrometheusText.parse(gw.get("/metrics").body());
    assertThat(PrometheusText.sum(metrics, "switchboard_admission_leases_total", Map.of()))
        .as("admission never asked").isZero();
    assertThat(PrometheusText.sum(metrics, "switchboard_webhooks_total",
        Map.of("channel", "whatsapp", "outcome", "rate_limited"))).isZero();
  }
}
