package dev.switchboard.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    Map<String, Integer> answers = new ConcurrentHashMap<>();
    Set<String> unexpected = ConcurrentHashMap.newKeySet();
    AtomicInteger retryAfterMissing = new AtomicInteger();
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong restartedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstOkAfterKill = new AtomicLong();
    AtomicInteger okAfterKill = new AtomicInteger();
    AtomicInteger okAfterRestart = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong seq = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread sender = new Thread(() -> {
        while (running.get()) {
          String id = "wamid.supervision." + seq.incrementAndGet();
          long sentAt = System.nanoTime();
          HttpResponse<String> r;
          try {
            r = gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "15550300" + (seq.get() % 100 + 100),
                "Supervised", id, 1_749_416_383L, "message " + id));
          } catch (RuntimeException e) {
            unexpected.add("exception: " + e);
            continue;
          }
          answers.put(id, r.statusCode());
          if (r.statusCode() == 200) {
            ok.incrementAndGet();
            if (sentAt > killedAt.get() && okAfterKill.getAndIncrement() == 0) {
              firstOkAfterKill.set(System.nanoTime());
            }
            if (sentAt > restartedAt.get()) {
              okAfterRestart.incrementAndGet();
            }
          } else if (r.statusCode() == 503) {
            unavailable.incrementAndGet();
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              retryAfterMissing.incrementAndGet();
            }
          } else {
            unexpected.add(r.statusCode() + " " + r.body());
          }
        }
      }, "supervision-sender-" + t);
      sender.start();
      senders.add(sender);
    }
    long oldPid;
    long readyAgain;
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> ok.get() >= 200);
      oldPid = postmasterPid();
      ProcessHandle postmaster = ProcessHandle.of(oldPid).orElseThrow();
      killedAt.set(System.nanoTime());
      assertThat(postmaster.destroyForcibly()).as("SIGKILL sent to the postmaster").isTrue();

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> restarts() == 1.0 && gw.get("/ready").statusCode() == 200);
      readyAgain = System.nanoTime();
      restartedAt.set(readyAgain);
      await().atMost(Duration.ofSeconds(30).minusNanos(readyAgain - killedAt.get()))
          .until(() -> okAfterRestart.get() >= 100);
    } finally {
      running.set(false);
      for (Thread s : senders) {
        s.join(30_000);
      }
    }
    System.out.printf("EmbeddedPostgresSupervisionIT: postmaster %d killed; restarted and /ready 200 after %d ms,"
            + " first webhook sent after the kill stored after %d ms; %d answered 200, %d answered 503%n", oldPid,
        (readyAgain - killedAt.get()) / 1_000_000, (firstOkAfterKill.get() - killedAt.get()) / 1_000_000,
        ok.get(), unavailable.get());

    assertThat(unexpected).as("only 200 and 503 answers").isEmpty();
    assertThat(retryAfterMissing.get()).as("every 503 carries Retry-After").isZero();
    assertThat(postmasterPid()).as("a new postmaster").isNotEqualTo(oldPid);
    assertThat(restarts()).isEqualTo(1.0);

    List<String> acknowledged = answers.entrySet().stream().filter(e -> e.getValue() == 200).map(Map.Entry::getKey).toList();
    DatabaseUrl url = gw.gateway().database();
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         var st = c.prepareStatement("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ANY(?)")) {
      st.setString(1, TENANT);
      st.setArray(2, c.createArrayOf("text", acknowledged.toArray()));
      try (var rs = st.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("every acknowledged webhook is stored").isEqualTo(acknowledged.size());
      }
    }
  }
}
