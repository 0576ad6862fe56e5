package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inbox's batch write ({@code inbox_append}) called directly, for what depends on which events
 * share one group-commit batch — something a test through HTTP cannot pin down. Real PostgreSQL.
 */
class InboxAppendIT {
  private static final String TENANT = "inbox-append-it";
  private static final String CHANNEL = "evolution";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static Vertx vertx;
  private static Pool pool;
  private final InboxRepository repository = new InboxRepository();

  @BeforeAll
  static void start() {
    TestDatabase.number("INSERT INTO tenants (id, name) VALUES (?, 'Inbox append IT') "
        + "ON CONFLICT (id) DO NOTHING RETURNING 1", TENANT);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(TestDatabase.url().connectOptions()).using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static String chat() {
    return "5521" + (900_000_000L + IDS.incrementAndGet() % 99_999_999L) + "@s.whatsapp.net";
  }

  private static String id() {
    return "3EB0" + Long.toHexString(IDS.incrementAndGet()).toUpperCase() + "C3D4";
  }

  /** A message as the Evolution decoder gives it: contact message, phone upsert, or API echo. */
  private static InboundMessage message(String chat, String id, Author author, String text) {
    boolean business = author != Author.CONTACT;
    return InboundMessage.builder()
        .idempotencyKey("acme:" + id + ":" + business + (author == Author.BUSINESS_API ? ":api" : ""))
        .accountRef("acme").platformMessageId(id).chatId(chat)
        .contact(new ContactRef(chat, "+" + chat.substring(0, chat.indexOf('@')), null, null))
        .direction(business ? Direction.OUTBOUND : Direction.INBOUND).author(author)
        .type(MessageType.TEXT).text(text).occurredAt(Instant.now()).build();
  }

  private InboxRepository.Written append(InboundEvent... events) throws Exception {
    Instant now = Instant.now();
    List<InboxRepository.Item> items = Arrays.stream(events)
        .map(e -> new InboxRepository.Item(TENANT, CHANNEL, e, now)).toList();
    return repository.append(pool, items).await(10, TimeUnit.SECONDS);
  }

  private static String key(InboundEvent e) {
    return RecentKeys.key(TENANT, CHANNEL, e.idempotencyKey());
  }

  private static List<String> conversation(String chat) {
    return TestDatabase.row("SELECT status::text, (last_human_at IS NOT NULL)::text FROM conversations "
        + "WHERE tenant_id = ? AND channel = ? AND chat_id = ? AND status <> 'closed'", TENANT, CHANNEL, chat);
  }

  private static String author(String id) {
    return TestDatabase.row("SELECT author::text FROM messages WHERE tenant_id = ? AND channel = ? "
        + "AND platform_message_id = ?", TENANT, CHANNEL, id).get(0);
  }

  @Test
  void anUpsertAndTheApiEchoOfOneSendInOneBatchStoreTheApiSendAndDispatchTheCustomer() throws Exception {
    String chat = chat();
    String sent = id();
    InboundMessage customer = message(chat, id(), Author.CONTACT, "Oi");
    InboundMessage upsert = message(chat, sent, Author.BUSINESS_HUMAN, "Seu pedido saiu");
    InboundMessage echo = message(chat, sent, Author.BUSINESS_API, "Seu pedido saiu");

    InboxRepository.Written written = append(upsert, customer, echo);

    assertThat(written.newKeys()).contains(key(upsert), key(customer), key(echo));
    assertThat(author(sent)).isEqualTo("business_api");
    assertThat(conversation(chat)).containsExactly("active", "false");
    assertThat(written.dispatch()).containsKey(key(customer));
    assertThat(written.claimed()).isEmpty();
  }

  @Test
  void anEchoAfterTheUpsertCorrectsItAndReleasesTheCustomerMessageOfItsBatch() throws Exception {
    String chat = chat();
    String sent = id();
    InboundMessage upsert = message(chat, sent, Author.BUSINESS_HUMAN, "Seu pedido saiu");
    assertThat(append(upsert).dispatch()).isEmpty();
    assertThat(conversation(chat)).containsExactly("paused", "true");

    // the customer's next message lands in the same batch as the late echo: held by the pause at
    // first, then released when the echo shows no person wrote
    InboundMessage customer = message(chat, id(), Author.CONTACT, "Obrigado!");
    InboundMessage echo = message(chat, sent, Author.BUSINESS_API, "Seu pedido saiu");
    InboxRepository.Written written = append(customer, echo);

    assertThat(author(sent)).isEqualTo("business_api");
    assertThat(conversation(chat)).containsExactly("active", "false");
    assertThat(written.claimed()).containsExactly(key(echo));
    assertThat(written.dispatch()).containsKey(key(customer));
    assertThat(TestDatabase.row("SELECT dispatch_hold FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, customer.platformMessageId())).containsExactly((String) null);
  }

  @Test
  void aCustomerMessageOfARealTakeoverStaysHeld() throws Exception {
    String chat = chat();
    InboundMessage human = message(chat, id(), Author.BUSINESS_HUMAN, "Deixa comigo");
    String sent = id();
    append(human, message(chat, sent, Author.BUSINESS_HUMAN, "Mensagem automática"));

    InboundMessage customer = message(chat, id(), Author.CONTACT, "Ok");
    InboxRepository.Written written = append(customer, message(chat, sent, Author.BUSINESS_API, "Mensagem automática"));

    assertThat(author(sent)).isEqualTo("business_api");
    assertThat(conversation(chat)).containsExactly("paused", "true");
    assertThat(written.dispatch()).doesNotContainKey(key(customer));
  }
}
