package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queues are nearly empty whenever autovacuum looks at them, so their statistics say "one row"
 * while a backlog builds up. A claim must still cost a probe per candidate row: with the "no
 * earlier row of this conversation" check planned for a one-row table, every candidate read the
 * whole backlog ahead of it (bench/turns.sh under a webhook flood: claims of 3-5 s, replies down to
 * 100-330/s). Measured by the rows one claim reads in its own transaction
 * ({@code pg_stat_xact_user_tables}, before and after it), not by time: with V17's claims about
 * 320,000 rows of the outbox and 7,017,018 of the dispatch queue for 64 rows claimed, with V22's 128
 * each. Real PostgreSQL: a database of its own, autovacuum off for the queues, statistics taken
 * when they were nearly empty.
 */
class QueueClaimPlanIT {
  private static final int CONVERSATIONS = 1_000;
  private static final int PER_CONVERSATION = 5;
  private static final int CLAIM = 64;

  private static DatabaseUrl url;

  @BeforeAll
  static void createDatabase() throws SQLException {
    url = TestDatabase.createMigratedDatabase("queue_claim_plan_it", "outbox", "dispatch_queue");
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (url != null) {
      TestDatabase.dropDatabase(url);
    }
  }

  /**
   * Gives the queue {@code table} the statistics of a nearly empty one (rows came and went, one is
   * left at the end), then a backlog: 5 rows for each of 1,000 conversations, queued round-robin.
   * {@code insert} inserts rows over {@code generate_series(1, %3$d) g}, with {@code %1$s} as their
   * message id and {@code %2$s} as their conversation.
   */
  private static void backlogBehindNearlyEmptyStatistics(Statement st, String table, String insert)
      throws SQLException {
    st.execute(String.format(insert, "g", "g", 2000));
    st.execute("DELETE FROM " + table + " WHERE message_id < 2000");
    st.execute("VACUUM ANALYZE " + table);
    st.execute(String.format(insert, "10000 + g", "100000 + g % " + CONVERSATIONS,
        CONVERSATIONS * PER_CONVERSATION));
  }

  /** Rows of {@code table} read so far (by index or sequentially), as the current transaction counts them. */
  private static long rowsRead(Statement st, String table) throws SQLException {
    return TestDatabase.number(st, "SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)"
        + " FROM pg_stat_xact_user_tables WHERE relname = '" + table + "'");
  }

  private static int count(Statement st, String sql) throws SQLException {
    return (int) TestDatabase.number(st, sql);
  }

  @Test
  void anOutboxClaimReadsItsCandidatesNotTheBacklogAheadOfEach() throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      backlogBehindNearlyEmptyStatistics(st, "outbox", "INSERT INTO outbox (tenant_id, channel, message_id,"
          + " conversation_id, payload) SELECT 'plan-it', 'telegram', %1$s, %2$s, '{}' FROM generate_series(1, %3$d) g");
      c.setAutoCommit(false);
      long before = rowsRead(st, "outbox");
      int claimed = count(st, "SELECT count(*) FROM outbox_claim('telegram', 'plan-it', " + CLAIM + ", 60)");
      long read = rowsRead(st, "outbox") - before;
      c.rollback();
      assertThat(claimed).isEqualTo(CLAIM);
      assertThat(read).as("rows read by a claim of %d rows at a backlog of %d", CLAIM,
          CONVERSATIONS * PER_CONVERSATION).isLessThan(2_000);
    }
  }

  @Test
  void aDispatchClaimReadsItsCandidatesNotTheBacklogAheadOfEach() throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      backlogBehindNearlyEmptyStatistics(st, "dispatch_queue", "INSERT INTO dispatch_queue (message_id, tenant_id,"
          + " channel, conversation_id, stored_at) SELECT %1$s, 'plan-it', 'telegram', %2$s, now()"
          + " FROM generate_series(1, %3$d) g");
      c.setAutoCommit(false);
      long before = rowsRead(st, "dispatch_queue");
      st.execute("SELECT count(*) FROM dispatch_claim('plan-it', " + CLAIM + ", 60)");
      long read = rowsRead(st, "dispatch_queue") - before;
      int leased = count(st, "SELECT count(*) FROM dispatch_queue WHERE lease_owner = 'plan-it'");
      c.rollback();
      assertThat(leased).isEqualTo(CLAIM);
      assertThat(read).as("rows read by a claim of %d rows at a backlog of %d", CLAIM,
          CONVERSATIONS * PER_CONVERSATION).isLessThan(2_000);
    }
  }
}
