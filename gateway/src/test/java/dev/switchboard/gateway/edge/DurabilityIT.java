package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.db.EmbeddedPostgres;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import dev.switchboard.migrations.Migrator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    Map<String, Integer> answers = new ConcurrentHashMap<>();
    Set<Integer> unexpected = ConcurrentHashMap.newKeySet();
    AtomicInteger phase = new AtomicInteger(0); // 0 = up, 1 = down, 2 = back up
    CountDownLatch okBefore = new CountDownLatch(100);
    CountDownLatch unavailableDuring = new CountDownLatch(20);
    CountDownLatch okAfter = new CountDownLatch(100);
    AtomicLong seq = new AtomicLong();
    AtomicInteger retryAfterMissing = new AtomicInteger();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread sender = new Thread(() -> {
        while (phase.get() < 3) {
          String id = "wamid.durability." + seq.incrementAndGet();
          HttpResponse<String> r;
          try {
            r = gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "15550100" + (seq.get() % 100 + 100),
                "Durable", id, 1_749_416_383L, "message " + id));
          } catch (RuntimeException e) {
            unexpected.add(-1);
            continue;
          }
          answers.put(id, r.statusCode());
          int p = phase.get();
          if (r.statusCode() == 200) {
            (p == 0 ? okBefore : p == 2 ? okAfter : new CountDownLatch(0)).countDown();
          } else if (r.statusCode() == 503) {
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              retryAfterMissing.incrementAndGet();
            }
            if (p == 1) {
              unavailableDuring.countDown();
            }
          } else {
            unexpected.add(r.statusCode());
          }
        }
      });
      sender.start();
      senders.add(sender);
    }
    try {
      assertThat(okBefore.await(60, TimeUnit.SECONDS)).as("webhooks succeed while the database is up").isTrue();
      int port = url.port();
      pg.stop();
      phase.set(1);
      assertThat(unavailableDuring.await(60, TimeUnit.SECONDS)).as("503s while the database is down").isTrue();
      pg.restartOnSamePort(port);
      phase.set(2);
      assertThat(okAfter.await(60, TimeUnit.SECONDS)).as("the gateway recovers by itself").isTrue();
    } finally {
      phase.set(3);
      for (Thread s : senders) {
        s.join(30_000);
      }
    }

    assertThat(unexpected).as("only 200 and 503 answers").isEmpty();
    assertThat(retryAfterMissing.get()).as("every 503 carries Retry-After").isZero();
    List<String> acknowledged = answers.entrySet().stream().filter(e -> e.getValue() == 200).map(Map.Entry::getKey).toList();
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         var st = c.prepareStatement("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ANY(?)")) {
      st.setString(1, TENANT);
      st.setArray(2, c.createArrayOf("text", acknowledged.toArray()));
      try (var rs = st.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("every acknowledged webhook is stored").isEqualTo(acknowledged.size());
      }
      // nothing half-stored: every ledger row of a message has its message row and vice versa
      try (var rs = c.createStatement().executeQuery("""
          SELECT (SELECT count(*) FROM inbound_events WHERE tenant_id = 'durability-it' AND event_type = 'message'),
                 (SELECT count(*) FROM messages WHERE tenant_id = 'durability-it')""")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
      }
    }
  }
}
