package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code dispatch_settle_more} (V23) on queue rows of its own: a settle says whether a conversation
 * it finished still has a message queued, which is when the dispatcher claims again.
 */
class DispatchSettleMoreIT {
  private static final String TENANT = "settle-more-it";
  private static final long BASE = System.currentTimeMillis() * 1_000;

  private static void queue(long messageId, Long conversationId) {
    TestDatabase.number("INSERT INTO dispatch_queue (message_id, tenant_id, channel, conversation_id, stored_at,"
        + " lease_owner, lease_until) VALUES (?, ?, 'whatsapp', ?, now(), 'it', now() + interval '1 minute')"
        + " RETURNING 1", messageId, TENANT, conversationId);
  }

  /** Settles one row with {@code kind}; the answer's {@code dead} and {@code more}. */
  private static List<String> settle(long messageId, String kind) {
    return TestDatabase.row("SELECT dead::text, more::text FROM dispatch_settle_more('it', ARRAY[?::bigint],"
        + " ARRAY[?::text], ARRAY[0], ARRAY[0]::float8[], ARRAY['forward_failed: it']::text[],"
        + " '{}', '{}', '{}', '{}', '{}', '{}', '{}')", messageId, kind);
  }

  private static long queued(long messageId) {
    return TestDatabase.number("SELECT count(*) FROM dispatch_queue WHERE message_id = ?", messageId);
  }

  @Test
  void aFinishedHeadWithALaterMessageQueuedSaysMore() {
    long conversation = BASE + 1;
    queue(BASE + 10, conversation);
    queue(BASE + 11, conversation);
    queue(BASE + 12, conversation);

    assertThat(settle(BASE + 10, "done")).containsExactly("0", "true");
    assertThat(queued(BASE + 10)).isZero();
    assertThat(settle(BASE + 11, "dead")).containsExactly("1", "true");
    assertThat(TestDatabase.number("SELECT count(*) FROM dead_letters WHERE kind = 'forward' AND message_id = ?",
        BASE + 11)).isEqualTo(1);
    assertThat(settle(BASE + 12, "done")).containsExactly("0", "false"); // the conversation's queue is empty now
  }

  @Test
  void theEarlierSettleStillAnswersItsDeadCountForNodesOfTheEarlierVersion() {
    queue(BASE + 30, BASE + 4);
    queue(BASE + 31, BASE + 4);
    assertThat(TestDatabase.row("SELECT dispatch_settle('it', ARRAY[?::bigint, ?::bigint], ARRAY['dead', 'done'],"
        + " ARRAY[0, 0], ARRAY[0, 0]::float8[], ARRAY['forward_failed: it', NULL]::text[],"
        + " '{}', '{}', '{}', '{}', '{}', '{}', '{}')::text", BASE + 30, BASE + 31)).containsExactly("1");
    assertThat(queued(BASE + 30) + queued(BASE + 31)).isZero();
  }

  @Test
  void anotherConversationsRowsOrARowPutBackAreNotMore() {
    queue(BASE + 20, BASE + 2);
    queue(BASE + 21, BASE + 3);
    queue(BASE + 22, null); // an undecodable message from an unknown sender: no conversation
    queue(BASE + 23, null);

    assertThat(settle(BASE + 20, "done")).containsExactly("0", "false");
    assertThat(settle(BASE + 22, "done")).containsExactly("0", "false");
    // a retry puts its row back, due later: the periodic poll finds it, not this answer
    assertThat(settle(BASE + 21, "retry")).containsExactly("0", "false");
    assertThat(queued(BASE + 21)).isEqualTo(1);
    assertThat(TestDatabase.number("SELECT count(*) FROM dispatch_queue WHERE message_id = ? AND lease_owner IS NULL"
        + " AND attempts = 1 AND last_error = 'forward_failed: it'", BASE + 21)).isEqualTo(1);
    TestDatabase.number("DELETE FROM dispatch_queue WHERE tenant_id = ? RETURNING 1", TENANT);
  }
}
