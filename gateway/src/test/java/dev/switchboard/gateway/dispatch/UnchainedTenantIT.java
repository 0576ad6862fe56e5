package dev.switchboard.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant without a plugin chain: its messages are handed over in the transaction that stores
 * them (V13), so the acknowledgement already finds them marked, and they are counted.
 */
class UnchainedTenantIT {
  private static final String TENANT = "unchained-it";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start(RunningGateway.tenantConfig(TENANT, 1000, 1000), new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aMessageOfATenantWithoutAChainIsHandedOverWhenItsWebhookIsAnswered() {
    String from = Long.toString(4_915_300_000_000L + IDS.incrementAndGet() % 1_000_000L);
    String wamid = "wamid.UNCHAINED" + IDS.incrementAndGet();
    double before = gw.metric("switchboard_dispatch_unchained_total", Map.of("channel", "whatsapp"));

    assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Ada", wamid,
        System.currentTimeMillis() / 1000, "no bot behind this tenant")).statusCode()).isEqualTo(200);

    // no waiting: the marker is part of the commit that the 200 waited for
    assertThat(TestDatabase.row("SELECT (dispatched_at IS NOT NULL)::text, dispatch_hold FROM messages "
        + "WHERE tenant_id = ? AND platform_message_id = ?", TENANT, wamid)).containsExactly("true", null);
    assertThat(TestDatabase.row("SELECT has_chain::text FROM tenants WHERE id = ?", TENANT)).containsExactly("false");
    assertThat(gw.metric("switchboard_dispatch_unchained_total", Map.of("channel", "whatsapp")) - before)
        .isEqualTo(1.0);
  }
}
