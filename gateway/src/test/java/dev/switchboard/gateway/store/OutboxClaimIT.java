package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code outbox_claim} called directly on a backlog: it leases the heads of the conversations in
 * queue order, at most the limit, skipping rows another owner holds and rows not yet due, and
 * never a row with an earlier row of its conversation still waiting. Real PostgreSQL.
 */
class OutboxClaimIT {
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);

  @Test
  void leasesTheDueHeadsOfTheConversationsInQueueOrderUpToTheLimit() throws Exception {
    String channel = "claim-it-" + IDS.incrementAndGet();
    long conv = IDS.addAndGet(100);
    try (Connection c = TestDatabase.connect()) {
      // 3 rows for each of 5 conversations, queued round-robin: the heads are the first 5 rows
      List<Long> rows = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        rows.add(insert(c, channel, conv + i % 5, "now()"));
      }
      long notDue = insert(c, channel, conv + 10, "now() + interval '1 hour'");
      exec(c, "UPDATE outbox SET lease_owner = 'other', lease_until = now() + interval '1 minute' WHERE id = ?",
          rows.get(1));

      List<Long> first = claim(c, channel, "me", 3);
      assertThat(first).containsExactly(rows.get(0), rows.get(2), rows.get(3));
      List<Long> second = claim(c, channel, "me", 10);
      assertThat(second).containsExactly(rows.get(4)); // the rest wait behind their conversation's head
      assertThat(second).doesNotContain(notDue);

      exec(c, "DELETE FROM outbox WHERE id = ?", rows.get(0)); // sent
      assertThat(claim(c, channel, "me", 10)).containsExactly(rows.get(5));
      exec(c, "DELETE FROM outbox WHERE channel = ?", channel);
    }
  }

  /**
   * A lease starts with the claim's transaction, however long the claim then takes: the claim says
   * how much of it is left when it ends, so a sender that learns of the lease late never believes it
   * holds the row longer than it does (another node could take the row and send it again).
   */
  @Test
  void aClaimSaysHowMuchOfItsLeaseIsLeftWhenItEnds() throws Exception {
    String channel = "claim-it-" + IDS.incrementAndGet();
    try (Connection c = TestDatabase.connect()) {
      long slow = insert(c, channel, IDS.addAndGet(100), "now()");
      long fresh = insert(c, channel, IDS.addAndGet(100), "now()");
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("SELECT pg_sleep(3)"); // the claim's transaction began 3 s before it runs: a slow claim
      }
      double[] late = leaseLeft(c, channel, 1);
      c.commit();
      c.setAutoCommit(true);
      double[] prompt = leaseLeft(c, channel, 1);
      assertThat(late[0]).isEqualTo(slow);
      assertThat(late[1]).as("seconds of a 10 s lease left after a 3 s claim").isBetween(5.0, 7.05);
      assertThat(prompt[0]).isEqualTo(fresh);
      assertThat(prompt[1]).as("seconds of a 10 s lease left after a prompt claim").isBetween(9.0, 10.0);
      exec(c, "DELETE FROM outbox WHERE channel = ?", channel);
    }
  }

  /** Claims one row with a 10 s lease: its id and the lease left the claim reports. */
  private static double[] leaseLeft(Connection c, String channel, int limit) throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT id, lease_left FROM outbox_claim(?, 'me', ?, 10)")) {
      s.setString(1, channel);
      s.setInt(2, limit);
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        return new double[] {r.getLong(1), r.getDouble(2)};
      }
    }
  }

  private static long insert(Connection c, String channel, long conversation, String due) throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO outbox (tenant_id, channel, message_id, conversation_id,"
        + " payload, next_attempt_at) VALUES ('claim-it', ?, ?, ?, '{}', " + due + ") RETURNING id")) {
      s.setString(1, channel);
      s.setLong(2, IDS.incrementAndGet());
      s.setLong(3, conversation);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static List<Long> claim(Connection c, String channel, String owner, int limit) throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM outbox_claim(?, ?, ?, 60) ORDER BY id")) {
      s.setString(1, channel);
      s.setString(2, owner);
      s.setInt(3, limit);
      List<Long> ids = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getLong(1));
        }
      }
      return ids;
    }
  }

  private static void exec(Connection c, String sql, Object param) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      s.executeUpdate();
    }
  }
}
