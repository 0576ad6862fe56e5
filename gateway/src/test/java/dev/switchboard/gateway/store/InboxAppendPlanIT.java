package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code inbox_append} keeps one generic plan per statement for the whole session
 * ({@code plan_cache_mode = force_generic_plan}: a small batch would otherwise be planned again on
 * every call). On a new database those plans are made while the tables are empty; every lookup of a
 * batch — the sender's contact, the chat's open conversation — must stay a probe by its key as the
 * tables grow, or each message of every later batch reads all of a tenant's contacts or
 * conversations. Measured by what one batch reads in its own transaction
 * ({@code pg_stat_xact_user_tables}), not by time. Real PostgreSQL: a database of its own, with
 * autovacuum off for its tables so no ANALYZE replans the session's statements during the test.
 */
class InboxAppendPlanIT {
  private static final String TENANT = "inbox-plan-it";
  private static final String CHANNEL = "evolution";
  private static final int CHATS = 10_000;

  private static OneSession db;
  private static Pool session;
  private final InboxRepository repository = new InboxRepository();
  private static long ids;

  @BeforeAll
  static void createDatabase() throws SQLException {
    db = OneSession.create("inbox_plan_it", TENANT, "messages", "inbound_events", "conversations",
        "contacts");
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

  private static String chat(int n) {
    return "5521" + (900_000_000L + n) + "@s.whatsapp.net";
  }

  /** A contact's text message in its 1:1 chat, as the Evolution decoder gives it. */
  private InboxRepository.Item message(int chatNumber) {
    String chat = chat(chatNumber);
    String id = "3EB0" + Long.toHexString(++ids).toUpperCase() + "C3D4";
    InboundEvent e = InboundMessage.builder()
        .idempotencyKey("acme:" + id + ":false").accountRef("acme").platformMessageId(id).chatId(chat)
        .contact(new ContactRef(chat, "+" + chat.substring(0, chat.indexOf('@')), "Contact " + chatNumber, null))
        .direction(Direction.INBOUND).author(Author.CONTACT).type(MessageType.TEXT).text("hello " + ids)
        .occurredAt(Instant.now()).build();
    return new InboxRepository.Item(TENANT, CHANNEL, e, Instant.now());
  }

  private static boolean grown;

  /**
   * The session's first calls on empty tables (its generic plans are made there), then the tables
   * grow under those plans to {@link #CHATS} contacts in as many chats (no ANALYZE: autovacuum is off
   * for them). Once for the class: both tests measure a batch in that state.
   */
  private void growUnderPlansMadeOnEmptyTables() throws Exception {
    if (grown) {
      return;
    }
    for (int i = 0; i < 3; i++) {
      await(repository.append(session, List.of(message(i))));
    }
    for (int done = 0; done < CHATS; done += 250) {
      List<InboxRepository.Item> batch = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        batch.add(message(done + i));
      }
      await(repository.append(session, batch));
    }
    grown = true;
  }

  /** Rows of conversations and of contacts that appending {@code batch} read, in its own transaction. */
  private long[] rowsRead(List<InboxRepository.Item> batch) throws Exception {
    // (the transaction's counters also hold what earlier calls of the session did and have not
    // reported yet: read them before and after the batch)
    String counters = "SELECT"
        + " sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)) FILTER (WHERE relname = 'conversations') AS conversations,"
        + " sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)) FILTER (WHERE relname = 'contacts') AS contacts"
        + " FROM pg_stat_xact_user_tables";
    return await(session.withTransaction(tx -> tx.query(counters).execute()
        .compose(before -> repository.append(tx, batch)
            .compose(written -> tx.query(counters).execute())
            .map(after -> {
              Row b = before.iterator().next();
              Row a = after.iterator().next();
              return new long[] {a.getLong("conversations") - b.getLong("conversations"),
                  a.getLong("contacts") - b.getLong("contacts")};
            }))));
  }

  private static long storedMessages() throws Exception {
    return await(session.query("SELECT count(*) FROM messages").execute()).iterator().next().getLong(0);
  }

  @Test
  void aSmallBatchFromKnownChatsReadsTheirRowsNotTheTenantsWholeTablesGrownSinceThePlansWereMade()
      throws Exception {
    growUnderPlansMadeOnEmptyTables();
    long stored = storedMessages();

    // four messages from four known chats, in the same session
    long[] read = rowsRead(List.of(message(17), message(2_500), message(5_003), message(9_999)));

    assertThat(read[0]).as("rows of conversations read by a batch of 4 messages (the tenant has %d)", CHATS)
        .isLessThan(100);
    assertThat(read[1]).as("rows of contacts read by a batch of 4 messages (the tenant has %d)", CHATS)
        .isLessThan(100);
    assertThat(storedMessages()).isEqualTo(stored + 4);
  }

  /**
   * A new contact is looked up by its other ids too (the contact may be known by its phone number
   * while this message names its business-scoped id, or the other way round); those lookups must
   * stay probes as well. The plan made on empty tables read the tenant's whole contacts index for
   * each new contact: 40,000 rows for this batch when this test was written.
   */
  @Test
  void aSmallBatchFromNewContactsReadsTheirRowsNotTheTenantsWholeContactsTable() throws Exception {
    growUnderPlansMadeOnEmptyTables();
    long stored = storedMessages();

    long[] read = rowsRead(List.of(message(CHATS + 11), message(CHATS + 12), message(CHATS + 13),
        message(CHATS + 14)));

    assertThat(read[1]).as("rows of contacts read by a batch of 4 new contacts (the tenant has %d)", CHATS)
        .isLessThan(100);
    assertThat(read[0]).as("rows of conversations read by a batch of 4 new chats (the tenant has %d)", CHATS)
        .isLessThan(100);
    assertThat(storedMessages()).isEqualTo(stored + 4);
  }
}
