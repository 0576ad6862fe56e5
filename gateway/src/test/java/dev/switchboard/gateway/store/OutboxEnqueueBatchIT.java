package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.store.OutboxRecords.Enqueue;
import dev.switchboard.gateway.store.OutboxRecords.Enqueued;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code outbox_enqueue_batch} (V14) through {@link OutboxRepository#enqueue}, as the outbox store
 * calls it with one group-commit batch: every send of the batch gets the answer it would have got
 * had the sends been stored one after the other, including two sends with the same idempotency key
 * inside one batch, and batches racing each other with the same keys. Real PostgreSQL.
 */
class OutboxEnqueueBatchIT {
  private static final String TENANT = "enqueue-batch-it";
  private static final String CHANNEL = "telegram";
  private static final AtomicLong CHATS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100);
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseUrl url = TestDatabase.url();
    TestDatabase.number("INSERT INTO tenants (id, name) VALUES (?, 'enqueue batch IT') ON CONFLICT DO NOTHING"
        + " RETURNING 1", TENANT);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(url.connectOptions()).using(vertx)
        .build();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String newChat() {
    return Long.toString(CHATS.incrementAndGet());
  }

  private static Enqueue send(String chat, String key, String hash, String text) {
    return send(chat, null, key, hash, text, null, null);
  }

  private static Enqueue send(String chat, Long conversation, String key, String hash, String text, Long replyTo,
                              Duration window) {
    String token = "sb_" + UUID.randomUUID();
    return new Enqueue(TENANT, CHANNEL, "bot-1", conversation, chat, chat, null, key, hash, token, "text", text,
        "{\"text\":\"" + text + "\"}", replyTo, "{\"to\":\"" + chat + "\",\"text\":\"" + text + "\",\"sendToken\":\""
        + token + "\"}", window);
  }

  private static long messagesWithKey(String key) {
    return TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND idempotency_key = ?", TENANT, key);
  }

  private static long outboxRowsOf(long messageId) {
    return TestDatabase.number("SELECT count(*) FROM outbox WHERE message_id = ?", messageId);
  }

  @Test
  void twoSendsWithOneKeyInOneBatchStoreOneMessageAndTheSecondAnswersTheFirst() throws Exception {
    String key = "twin-" + UUID.randomUUID();
    String other = "twin-" + UUID.randomUUID();
    String chat = newChat();
    List<Enqueued> r = await(OutboxRepository.enqueue(pool, List.of(
        send(chat, key, "hash-a", "first"),
        send(chat, key, "hash-a", "first"),   // a retry of the same request: 200 with the original
        send(chat, other, "hash-b", "other"),
        send(chat, other, "hash-c", "changed")))); // same key, another body: 409 at the API

    assertThat(r).extracting(Enqueued::outcome).containsExactly("queued", "existing", "queued", "existing");
    assertThat(r.get(1).messageId()).isEqualTo(r.get(0).messageId());
    assertThat(r.get(1).requestHash()).isEqualTo("hash-a");
    assertThat(r.get(1).status()).isEqualTo("queued");
    assertThat(r.get(1).conversationId()).isEqualTo(r.get(0).conversationId());
    assertThat(r.get(3).messageId()).isEqualTo(r.get(2).messageId());
    assertThat(r.get(3).requestHash()).as("the original's hash, so the API sees another body").isEqualTo("hash-b");
    assertThat(messagesWithKey(key)).isEqualTo(1);
    assertThat(messagesWithKey(other)).isEqualTo(1);
    assertThat(outboxRowsOf(r.get(0).messageId())).isEqualTo(1);
    assertThat(TestDatabase.row("SELECT text FROM messages WHERE id = ?", r.get(2).messageId()))
        .containsExactly("other");
  }

  @Test
  void aKeyStoredBeforeTheBatchAnswersTheOriginal() throws Exception {
    String key = "before-" + UUID.randomUUID();
    String chat = newChat();
    Enqueued original = await(OutboxRepository.enqueue(pool, List.of(send(chat, key, "h1", "one")))).get(0);
    assertThat(original.queued()).isTrue();

    List<Enqueued> r = await(OutboxRepository.enqueue(pool, List.of(send(chat, key, "h1", "one"),
        send(chat, null, key, "h2", "two", 1L, null)))); // even a send that would be refused: the key comes first
    assertThat(r).extracting(Enqueued::outcome).containsExactly("existing", "existing");
    assertThat(r).extracting(Enqueued::messageId).containsOnly(original.messageId());
    assertThat(r).extracting(Enqueued::requestHash).containsOnly("h1");
    assertThat(messagesWithKey(key)).isEqualTo(1);
  }

  @Test
  void aRefusedSendStoresNothingSoALaterSendWithItsKeyIsJudgedOnItsOwn() throws Exception {
    String key = "refused-" + UUID.randomUUID();
    String chat = newChat();
    long missingConversation = 9_000_000_000_000L + CHATS.incrementAndGet();
    List<Enqueued> r = await(OutboxRepository.enqueue(pool, List.of(
        send(chat, missingConversation, key, "h1", "to nowhere", null, null),
        send(chat, key, "h2", "valid"),
        send(chat, missingConversation, key, "h3", "to nowhere again", null, null))));

    assertThat(r).extracting(Enqueued::outcome).containsExactly("no_conversation", "queued", "existing");
    assertThat(r.get(0).messageId()).isNull();
    assertThat(r.get(0).conversationId()).isNull();
    assertThat(r.get(2).messageId()).isEqualTo(r.get(1).messageId());
    assertThat(r.get(2).requestHash()).isEqualTo("h2");
    assertThat(messagesWithKey(key)).isEqualTo(1);
  }

  @Test
  void refusalsKeepTheirReasonsBesideStoredSends() throws Exception {
    String chat = newChat();
    Enqueued first = await(OutboxRepository.enqueue(pool, List.of(send(chat, null, null, "t")))).get(0);
    List<Enqueued> r = await(OutboxRepository.enqueue(pool, List.of(
        send(chat, null, null, "h", "outside", null, Duration.ofHours(24)), // no inbound message: outside the window
        send(chat, first.conversationId(), null, "h", "a reply", first.messageId(), null), // not sent yet: no platform id
        send(chat, first.conversationId(), null, "h", "by conversation", null, null))));

    assertThat(r).extracting(Enqueued::outcome).containsExactly("outside_window", "reply_not_found", "queued");
    assertThat(r.get(0).conversationId()).isEqualTo(first.conversationId());
    assertThat(r.get(0).detail()).as("no inbound message at all").isNull();
    assertThat(r.get(1).conversationId()).isEqualTo(first.conversationId());
    assertThat(r.get(2).conversationId()).isEqualTo(first.conversationId());
  }

  @Test
  void sendsToNewChatsStartOneConversationEachAndQueueInTheirOrder() throws Exception {
    String a = newChat();
    String b = newChat();
    List<Enqueue> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(send(i % 2 == 0 ? a : b, null, null, "n" + i));
    }
    List<Enqueued> r = await(OutboxRepository.enqueue(pool, batch));

    assertThat(r).extracting(Enqueued::outcome).containsOnly("queued");
    assertThat(r).extracting(Enqueued::messageId).doesNotHaveDuplicates();
    assertThat(TestDatabase.number("SELECT count(*) FROM conversations WHERE tenant_id = ? AND chat_id IN (?, ?)",
        TENANT, a, b)).isEqualTo(2);
    assertThat(TestDatabase.number("SELECT count(*) FROM contacts WHERE tenant_id = ? AND platform_user_id IN (?, ?)",
        TENANT, a, b)).isEqualTo(2);
    assertThat(r.get(0).conversationId()).isEqualTo(r.get(2).conversationId()).isEqualTo(r.get(4).conversationId())
        .isNotEqualTo(r.get(1).conversationId());
    // the queue order of each conversation is the batch's order: outbox ids and message ids ascend with it
    for (String chat : List.of(a, b)) {
      String texts = TestDatabase.row("SELECT string_agg(m.text, ',' ORDER BY o.id), string_agg(m.text, ',' ORDER BY m.id)"
          + " FROM outbox o JOIN messages m ON m.id = o.message_id JOIN conversations c ON c.id = o.conversation_id"
          + " WHERE c.tenant_id = ? AND c.chat_id = ?", TENANT, chat).toString();
      assertThat(texts).isEqualTo(chat.equals(a) ? "[n0,n2,n4, n0,n2,n4]" : "[n1,n3,n5, n1,n3,n5]");
    }
  }

  @Test
  void concurrentBatchesWithTheSameKeysStoreEachKeyOnce() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add("race-" + UUID.randomUUID());
    }
    String chat = newChat();
    List<Future<List<Enqueued>>> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      List<Enqueue> batch = new ArrayList<>();
      for (String key : keys) {
        batch.add(send(chat, key, "same", "race"));
      }
      batches.add(OutboxRepository.enqueue(pool, batch));
    }
    List<List<Enqueued>> answers = new ArrayList<>();
    for (Future<List<Enqueued>> f : batches) {
      answers.add(await(f));
    }
    for (int k = 0; k < keys.size(); k++) {
      int queued = 0;
      Long id = null;
      for (List<Enqueued> a : answers) {
        Enqueued e = a.get(k);
        assertThat(e.outcome()).isIn("queued", "existing");
        queued += e.queued() ? 1 : 0;
        assertThat(id == null || id.equals(e.messageId())).as("every answer names the one message").isTrue();
        id = e.messageId();
      }
      assertThat(queued).as("key %s queued once", keys.get(k)).isEqualTo(1);
      assertThat(messagesWithKey(keys.get(k))).isEqualTo(1);
      assertThat(outboxRowsOf(id)).isEqualTo(1);
    }
  }
}
