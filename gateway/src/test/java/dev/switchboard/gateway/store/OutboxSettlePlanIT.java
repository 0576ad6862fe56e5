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
 * Recording a batch of sent messages costs a probe of the outbox per row, not one per row and
 * element of the batch. V14's "sent" statements joined the batch to the outbox with both the row's
 * id and {@code id = ANY (batch)} in the inner index condition: a batch of n rows made n squared
 * index scans once the session kept its generic plans (from the sixth call on). On a bench
 * database, 87 scans of the outbox's primary key per send; in this test 98,688 for a batch of 256
 * with V14, 768 with R__outbox_settle. Counted in the settling transaction itself
 * ({@code pg_stat_get_xact_numscans}), not timed. Real PostgreSQL, a database of its own.
 */
class OutboxSettlePlanIT {
  private static final int BATCH = 256;
  private static final int CALLS = 8; // plpgsql keeps generic plans after five calls

  private static DatabaseUrl url;

  @BeforeAll
  static void createDatabase() throws SQLException {
    url = TestDatabase.createMigratedDatabase("outbox_settle_plan_it", "outbox");
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (url != null) {
      TestDatabase.dropDatabase(url);
    }
  }

  @Test
  void eachSentRowOfABatchIsOneProbeOfTheOutbox() throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      st.execute("INSERT INTO tenants (id, name) VALUES ('settle-it', 'settle plan')");
      c.setAutoCommit(false);
      long scans = 0;
      long recorded = 0;
      for (int call = 1; call <= CALLS; call++) {
        // a batch of sends, each with its message, leased to this sender
        st.execute("WITH m AS (INSERT INTO messages (tenant_id, channel, direction, author, type, status, text,"
            + " platform_ts) SELECT 'settle-it', 'telegram', 'outbound', 'business_api', 'text', 'queued', 'hi', now()"
            + " FROM generate_series(1, " + BATCH + ") RETURNING id)"
            + " INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload, state, lease_owner,"
            + " lease_until) SELECT 'settle-it', 'telegram', m.id, m.id, '{}', 'sending', 'settle-it',"
            + " now() + interval '1 minute' FROM m");
        long before = TestDatabase.number(st, "SELECT pg_stat_get_xact_numscans('outbox_pkey'::regclass)");
        st.execute("SELECT count(*) FROM outbox_settle('settle-it', (SELECT array_agg(id) FROM outbox),"
            + " (SELECT array_agg('sent'::text) FROM outbox), (SELECT array_agg('tg-" + call + "-' || id) FROM outbox),"
            + " (SELECT array_agg(0::float8) FROM outbox), (SELECT array_agg(NULL::text) FROM outbox),"
            + " (SELECT array_agg(NULL::text) FROM outbox))");
        scans = TestDatabase.number(st, "SELECT pg_stat_get_xact_numscans('outbox_pkey'::regclass)") - before;
        assertThat(TestDatabase.number(st, "SELECT count(*) FROM outbox")).as("call %d: every sent row left the outbox", call)
            .isZero();
        recorded += BATCH;
        assertThat(TestDatabase.number(st, "SELECT count(*) FROM messages WHERE tenant_id = 'settle-it' AND status = 'sent'"
            + " AND platform_message_id LIKE 'tg-%' AND sent_at IS NOT NULL"))
            .as("call %d: every message recorded sent with its platform id", call).isEqualTo(recorded);
      }
      c.rollback();
      assertThat(scans).as("index scans of the outbox's primary key by the call %d, %d rows", CALLS, BATCH)
          .isLessThanOrEqualTo(4L * BATCH);
    }
  }
}
