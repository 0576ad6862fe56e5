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
 * {@code chat_migrate} (V19) called directly, as the outbox store calls it when a send found its
 * chat moved: the tenant's open conversation of the old chat follows the new id (or merges into
 * the new chat's), and the sends queued for the old chat are re-addressed — for that tenant and
 * channel only. Real PostgreSQL.
 */
class ChatMigrateIT {
  private static final String A = "chat-migrate-it-a";
  private static final String B = "chat-migrate-it-b";
  /** A channel no gateway of the other ITs serves, so no sender claims these rows. */
  private static final String TG = "tg-chat-migrate-it";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);

  @Test
  void theConversationAndTheSendsQueuedForTheOldChatFollowTheNewIdForThatTenantOnly() throws Exception {
    String old = "-" + (4_000_000L + IDS.incrementAndGet());
    String moved = "-100" + (4_000_000L + IDS.incrementAndGet());
    String unrelated = "-" + (4_000_000L + IDS.incrementAndGet());
    try (Connection c = TestDatabase.connect()) {
      tenant(c, A);
      tenant(c, B);
      long conv = conversation(c, A, old);
      long others = conversation(c, B, old);
      long elsewhere = conversation(c, A, unrelated);
      long q1 = queued(c, A, conv, old, "one");
      long q2 = queued(c, A, conv, old, "two");
      long theirs = queued(c, B, others, old, "theirs");
      long notThatChat = queued(c, A, elsewhere, unrelated, "elsewhere");

      assertThat(migrate(c, A, old, moved)).isEqualTo(conv);

      assertThat(text(c, "SELECT chat_id || ' ' || status FROM conversations WHERE id = ?", conv))
          .isEqualTo(moved + " active");
      assertThat(text(c, "SELECT payload->>'to' || ' ' || (payload->>'text') FROM outbox WHERE id = ?", q1))
          .isEqualTo(moved + " one");
      assertThat(text(c, "SELECT payload->>'to' || ' ' || (payload->>'text') FROM outbox WHERE id = ?", q2))
          .isEqualTo(moved + " two");
      // the other tenant's chat of the same id, and this tenant's other chats, are as they were
      assertThat(text(c, "SELECT chat_id FROM conversations WHERE id = ?", others)).isEqualTo(old);
      assertThat(text(c, "SELECT payload->>'to' FROM outbox WHERE id = ?", theirs)).isEqualTo(old);
      assertThat(text(c, "SELECT payload->>'to' FROM outbox WHERE id = ?", notThatChat)).isEqualTo(unrelated);

      // found again (a second send, or the webhook's service message after it): nothing more changes
      assertThat(migrate(c, A, old, moved)).isEqualTo(conv);
      assertThat(text(c, "SELECT chat_id FROM conversations WHERE id = ?", conv)).isEqualTo(moved);
    }
  }

  @Test
  void whenTheNewChatHasAConversationTheOldOnesMessagesAndQueuedSendsJoinItInOrder() throws Exception {
    String old = "-" + (4_000_000L + IDS.incrementAndGet());
    String moved = "-100" + (4_000_000L + IDS.incrementAndGet());
    try (Connection c = TestDatabase.connect()) {
      tenant(c, A);
      long src = conversation(c, A, old);
      long dst = conversation(c, A, moved);
      long earlier = message(c, A, src, old + ":1");
      long first = queued(c, A, src, old, "first");
      long second = queued(c, A, src, old, "second");

      assertThat(migrate(c, A, old, moved)).isEqualTo(dst);

      assertThat(text(c, "SELECT status::text FROM conversations WHERE id = ?", src)).isEqualTo("closed");
      assertThat(number(c, "SELECT conversation_id FROM messages WHERE id = ?", earlier)).isEqualTo(dst);
      List<String> queue = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, conversation_id, payload->>'to', payload->>'text' FROM outbox WHERE id IN (?, ?) ORDER BY id")) {
        s.setLong(1, first);
        s.setLong(2, second);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            queue.add(r.getLong(2) + " " + r.getString(3) + " " + r.getString(4));
          }
        }
      }
      assertThat(queue).containsExactly(dst + " " + moved + " first", dst + " " + moved + " second");
    }
  }

  @Test
  void aChatTheTenantNeverStoredOrNoMoveAtAllChangesNothing() throws Exception {
    String old = "-" + (4_000_000L + IDS.incrementAndGet());
    try (Connection c = TestDatabase.connect()) {
      tenant(c, A);
      assertThat(migrate(c, A, old, "-100" + old.substring(1))).isNull();
      long conv = conversation(c, A, old);
      assertThat(migrate(c, A, old, old)).isNull();
      assertThat(text(c, "SELECT chat_id FROM conversations WHERE id = ?", conv)).isEqualTo(old);
    }
  }

  private static Long migrate(Connection c, String tenant, String from, String to) throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT chat_migrate(?, ?, ?, ?)")) {
      s.setString(1, tenant);
      s.setString(2, TG);
      s.setString(3, from);
      s.setString(4, to);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long id = r.getLong(1);
        return r.wasNull() ? null : id;
      }
    }
  }

  private static void tenant(Connection c, String id) throws Exception {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
      s.setString(1, id);
      s.setString(2, id);
      s.executeUpdate();
    }
  }

  private static long conversation(Connection c, String tenant, String chat) throws Exception {
    long contact;
    try (PreparedStatement s = c.prepareStatement("INSERT INTO contacts (tenant_id, channel, platform_user_id)"
        + " VALUES (?, ?, ?) RETURNING id")) {
      s.setString(1, tenant);
      s.setString(2, TG);
      s.setString(3, "user-" + IDS.incrementAndGet());
      contact = first(s);
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO conversations (tenant_id, channel, chat_id, contact_id)"
        + " VALUES (?, ?, ?, ?) RETURNING id")) {
      s.setString(1, tenant);
      s.setString(2, TG);
      s.setString(3, chat);
      s.setLong(4, contact);
      return first(s);
    }
  }

  private static long message(Connection c, String tenant, long conversation, String pid) throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO messages (tenant_id, channel, platform_message_id,"
        + " conversation_id, direction, author, type, status, text, platform_ts)"
        + " VALUES (?, ?, ?, ?, 'inbound', 'contact', 'text', 'sent', 'hello group', now()) RETURNING id")) {
      s.setString(1, tenant);
      s.setString(2, TG);
      s.setString(3, pid);
      s.setLong(4, conversation);
      return first(s);
    }
  }

  /** An outbox row as {@code outbox_enqueue_batch} stores it: the payload names the chat to call. */
  private static long queued(Connection c, String tenant, long conversation, String chat, String text)
      throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO outbox (tenant_id, channel, message_id, conversation_id,"
        + " payload) VALUES (?, ?, ?, ?, jsonb_build_object('type', 'text', 'text', ?::text, 'to', ?::text,"
        + " 'sendToken', 'tok')) RETURNING id")) {
      s.setString(1, tenant);
      s.setString(2, TG);
      s.setLong(3, IDS.incrementAndGet());
      s.setLong(4, conversation);
      s.setString(5, text);
      s.setString(6, chat);
      return first(s);
    }
  }

  private static long first(PreparedStatement s) throws Exception {
    try (ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String text(Connection c, String sql, long id) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  private static long number(Connection c, String sql, long id) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, id);
      return first(s);
    }
  }
}
