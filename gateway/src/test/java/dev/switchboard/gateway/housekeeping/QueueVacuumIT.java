package dev.switchboard.gateway.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.testing.TestDatabase;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway vacuums its work queues as soon as they hold many dead rows. A drained queue leaves
 * the dead versions of every row it sent at the front of the due index, and each claim walks them
 * until a vacuum removes them: autovacuum comes once a minute, and in bench/outbound.sh the senders
 * fell from 5,000 to 500-1,500 sends/s that way (a claim of 16 rows read 1,300 buffers). Measured
 * here by the blocks of the due index one claim reads (PostgreSQL's own counters), before and after
 * the gateway's vacuum. Real PostgreSQL: a database of its own with autovacuum off for the queues, so
 * only the verticle under test vacuums them.
 */
class QueueVacuumIT {
  private static final int DRAINED = 20_000;
  private static DatabaseUrl url;
  private static String stranger;

  private Vertx vertx;
  private SimpleMeterRegistry registry;

  @BeforeAll
  static void createDatabase() throws SQLException {
    url = TestDatabase.createMigratedDatabase("queue_vacuum_it", "outbox", "dispatch_queue");
    stranger = "queue_vacuum_it_" + Long.toString(System.nanoTime(), 36);
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + stranger + " LOGIN PASSWORD 'stranger'");
      st.execute("GRANT CONNECT ON DATABASE " + url.database() + " TO " + stranger);
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (url != null) {
      TestDatabase.dropDatabase(url);
      try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
        st.execute("DROP ROLE IF EXISTS " + stranger);
      }
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Queues {@code rows} sends, round-robin over 1,000 conversations, with message ids from {@code firstId}. */
  private static void queue(Statement st, long firstId, int rows) throws SQLException {
    st.execute("INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload, accepted_at)"
        + " SELECT 'acme', 'telegram', " + firstId + " + g, 1 + g % 1000, '{}', now() - interval '1 minute'"
        + " FROM generate_series(1, " + rows + ") g");
  }

  /** A queue that sent {@code DRAINED} rows the way the senders do (claimed, then deleted), with 2,000 rows left. */
  private static void drainedQueue(Statement st) throws SQLException {
    st.execute("DELETE FROM outbox");
    st.execute("VACUUM outbox");
    queue(st, 0, DRAINED);
    st.execute("SELECT count(*) FROM outbox_claim('telegram', 'it', " + DRAINED + ", 30)");
    st.execute("DELETE FROM outbox");
    queue(st, 1_000_000, 2_000);
  }

  /** Blocks of the due index read by one claim of 16 rows (left claimed: the next claim takes the next ones). */
  private static long claimReads(Statement st) throws SQLException {
    long before = dueIndexBlocks(st);
    assertThat(TestDatabase.number(st, "SELECT count(*) FROM outbox_claim('telegram', 'it', 16, 30)")).isEqualTo(16);
    return dueIndexBlocks(st) - before;
  }

  /** This session's reads of the due index so far, flushed to PostgreSQL's statistics. */
  private static long dueIndexBlocks(Statement st) throws SQLException {
    st.execute("SELECT pg_stat_force_next_flush()"); // the statement's counts are flushed when it ends
    st.execute("SELECT pg_stat_clear_snapshot()");
    return TestDatabase.number(st, "SELECT idx_blks_hit + idx_blks_read FROM pg_statio_user_indexes"
        + " WHERE indexrelname = 'outbox_due'");
  }

  private static long vacuums(Statement st) throws SQLException {
    st.execute("SELECT pg_stat_clear_snapshot()");
    return TestDatabase.number(st, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'outbox'");
  }

  @Test
  void aDrainedQueueIsVacuumedSoTheNextClaimsDoNotWalkItsDeadRows() throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      drainedQueue(st);
      long walked = claimReads(st);
      long before = vacuums(st);

      vertx.deployVerticle(new QueueVacuumVerticle(url, new Metrics(registry), Duration.ofMillis(100)))
          .await(30, TimeUnit.SECONDS);
      // the verticle records its timer once VACUUM has returned, after PostgreSQL counted the vacuum
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
        assertThat(vacuums(st)).as("vacuums of the outbox by the gateway").isGreaterThan(before);
        Timer timer = registry.find("switchboard.queue.vacuum").tag("table", "outbox").timer();
        assertThat(timer).as("switchboard.queue.vacuum timer of the outbox").isNotNull();
        assertThat(timer.count()).as("vacuums of the outbox timed").isPositive();
      });
      long after = claimReads(st);
      // 20,000 rows claimed and deleted leave 40,000 dead entries ahead of the live rows: a claim read
      // 276 blocks of the due index when this test was written, 35 after the vacuum (most of them the
      // claim's own index insertions: a claimed row's due time moves)
      assertThat(walked).as("due index blocks read by a claim before the vacuum").isGreaterThan(150);
      assertThat(after).as("due index blocks read by a claim after the vacuum (%d before)", walked).isLessThan(80);
    }
  }

  @Test
  void aQueueTheUserDoesNotOwnIsLeftToAutovacuumWithoutErrors() throws Exception {
    DatabaseUrl asStranger = new DatabaseUrl(url.host(), url.port(), url.database(), stranger, "stranger", url.query());
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      drainedQueue(st);
      st.execute("SELECT pg_stat_force_next_flush()");
      long before = vacuums(st);

      vertx.deployVerticle(new QueueVacuumVerticle(asStranger, new Metrics(registry), Duration.ofMillis(100)))
          .await(30, TimeUnit.SECONDS);
      // fifteen beats' time: no vacuum, while the dead rows stay over the bound
      await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
          assertThat(vacuums(st)).as("vacuums of the outbox").isEqualTo(before));
      assertThat(registry.find("switchboard.queue.vacuum").timer()).isNull();
      assertThat(registry.find("switchboard.queue.dead.rows").gauge()).isNull();
    }
  }
}
