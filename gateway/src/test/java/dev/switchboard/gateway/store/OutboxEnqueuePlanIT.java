package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code outbox_enqueue_batch} keeps one generic plan per statement for the whole session, made at
 * its first call. On a new database that plan is made while {@code messages} is nearly empty; the
 * batch's lookups (idempotency key, conversation, quoted message) must stay probes per send as the
 * table grows, or every call reads the whole table (seen in bench/outbound.sh's first minute: 23 ms a
 * call). Measured by what one call reads of {@code messages} in its own transaction
 * ({@code pg_stat_xact_user_tables}), not by time. Real PostgreSQL: a database of its own, with
 * autovacuum off for its tables so no ANALYZE replans the session's statements during the test.
 */
class OutboxEnqueuePlanIT {
  private static final String TENANT = "enqueue-plan-it";
  private static final String CHANNEL = "telegram";
  private static final String CHAT = "555000111";
  private static final int GROWN_TO = 20_000;

  private static OneSession db;
  private static DatabaseUrl url;
  private static Pool session;

  @BeforeAll
  static void createDatabase() throws SQLException {
    db = OneSession.create("enqueue_plan_it", TENANT, "messages", "outbox", "conversations", "contacts");
    url = db.url;
    session = db.session;
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return OneSession.await(f);
  }

  private static Enqueue send(Long conversation, Long replyTo, String text) {
    String token = "sb_" + UUID.randomUUID();
    return new Enqueue(TENANT, CHANNEL, "bot-1", conversation, CHAT, CHAT, null, "key-" + UUID.randomUUID(), "h",
        token, "text", text, "{\"text\":\"" + text + "\"}", replyTo,
        "{\"to\":\"" + CHAT + "\",\"text\":\"" + text + "\",\"sendToken\":\"" + token + "\"}", null);
  }

  @Test
  void aBatchReadsWhatItsSendsNeedOfMessagesNotTheWholeTableGrownSinceThePlanWasMade() throws Exception {
    // 1. the session's first calls, on a nearly empty table: the generic plans are made here
    Enqueued first = await(OutboxRepository.enqueue(session, List.of(send(null, null, "first")))).get(0);
    assertThat(first.queued()).isTrue();
    long conversation = first.conversationId();
    try (Connection c = TestDatabase.connect(url);
         var st = c.prepareStatement("UPDATE messages SET platform_message_id = '7001', status = 'sent' WHERE id = ?")) {
      st.setLong(1, first.messageId());
      st.executeUpdate();
    }
    for (int i = 0; i < 6; i++) {
      await(OutboxRepository.enqueue(session, List.of(send(conversation, first.messageId(), "early " + i))));
    }

    // 2. the table grows under those plans (no ANALYZE: autovacuum is off for it)
    for (int done = 0; done < GROWN_TO; done += 250) {
      List<Enqueue> batch = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        batch.add(send(conversation, null, "bulk " + (done + i)));
      }
      await(OutboxRepository.enqueue(session, batch));
    }

    // 3. one batch of 10 replies, in the same session: what it read of messages, in its own transaction
    List<Enqueue> replies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      replies.add(send(null, first.messageId(), "reply " + i));
    }
    Row read = await(session.withTransaction(tx -> OutboxRepository.enqueue(tx, replies)
        .compose(answers -> {
          assertThat(answers).extracting(Enqueued::outcome).containsOnly("queued");
          return tx.query("SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS tuples, idx_scan"
              + " FROM pg_stat_xact_user_tables WHERE relname = 'messages'").execute();
        })
        .map(rows -> rows.iterator().next())));

    assertThat(read.getLong("tuples"))
        .as("rows of messages read by a batch of 10 sends (the table holds over %d)", GROWN_TO)
        .isLessThan(200);
  }
}
