package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.db.EmbeddedPostgres;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WebhookLoad;
import dev.switchboard.migrations.Migrator;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away mid-run and comes back: calls get 503 + Retry-After meanwhile, the gateway
 * recovers by itself, and every webhook that was answered 200 is in the database. Uses its own
 * PostgreSQL so stopping it does not disturb other tests.
 */
class DurabilityIT {
  private static final String TENANT = "durability-it";
  private EmbeddedPostgres pg;
  private DatabaseUrl url;
  private RunningGateway gw;

  @BeforeEach
  void start() {
    Path dir = Path.of("target", "durability-postgres");
    TestDatabase.deleteTree(dir);
    pg = EmbeddedPostgres.at(dir);
    url = pg.start();
    new Migrator(url.jdbcUrl(), url.user(), url.password()).migrate();
    gw = RunningGateway.start(TENANT, 1_000_000, 1_000_000, url.withCredentials());
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    pg.stop();
  }

  @Test
  void everyAcknowledgedWebhookSurvivesADatabaseOutage() throws Exception {
    WebhookLoad load = WebhookLoad.start("durability", 8, gw::postSigned);
    try {
      await("webhooks succeed while the database is up").atMost(Duration.ofSeconds(60)).until(() -> load.ok() >= 100);
      int port = url.port();
      pg.stop();
      long down = System.nanoTime();
      await("503s while the database is down").atMost(Duration.ofSeconds(60))
          .until(() -> load.answered(503, down) >= 20);
      pg.restartOnSamePort(port);
      long up = System.nanoTime();
      await("the gateway recovers by itself").atMost(Duration.ofSeconds(60)).until(() -> load.answered(200, up) >= 100);
    } finally {
      load.close();
    }

    assertThat(load.unexpected()).as("only 200 and 503 answers").isEmpty();
    assertThat(load.connectionErrors()).isZero();
    assertThat(load.retryAfterMissing()).as("every 503 carries Retry-After").isZero();
    List<String> acknowledged = load.acknowledged();
    assertThat(TestDatabase.storedMessages(url, TENANT, acknowledged)).as("every acknowledged webhook is stored")
        .isEqualTo(acknowledged.size());
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         var st = c.createStatement();
         // nothing half-stored: every ledger row of a message has its message row and vice versa
         var rs = st.executeQuery("""
             SELECT (SELECT count(*) FROM inbound_events WHERE tenant_id = 'durability-it' AND event_type = 'message'),
                    (SELECT count(*) FROM messages WHERE tenant_id = 'durability-it')""")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
    }
  }
}
