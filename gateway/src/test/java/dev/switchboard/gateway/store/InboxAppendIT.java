package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.idempotency.RecentKeys;
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
    // a chain and a daily quota: new messages go to the dispatcher's hand-over, which counts them
    TestDatabase.number("INSERT INTO tenants (id, name, per_contact_daily) VALUES (?, 'Inbox append IT', 1000) "
        + "ON CONFLICT (id) DO UPDATE SET per_contact_daily = 1000 RETURNING 1", TENANT);
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

  /** A tenant with a chain and no daily quota: its new messages are queued as they are stored. */
  private static String queuedTenant() {
    String tenant = "inbox-append-it-queued";
    TestDatabase.number("INSERT INTO tenants (id, name, has_chain, per_contact_daily) VALUES (?, 'Queued', true, 0) "
        + "ON CONFLICT (id) DO UPDATE SET has_chain = true, per_contact_daily = 0 RETURNING 1", tenant);
    return tenant;
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
  void aMessageReleasedByTheEchoIsQueuedInItsBatchForATenantWithoutAQuota() throws Exception {
    String tenant = queuedTenant();
    String chat = chat();
    String sent = id();
    Instant now = Instant.now();
    InboundMessage upsert = message(chat, sent, Author.BUSINESS_HUMAN, "Seu pedido saiu");
    repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, upsert, now))).await(10, TimeUnit.SECONDS);
    // the customer's next message and the late echo in one batch: held by the pause at first, then
    // released, and queued like any message of this tenant (so a later one cannot overtake it)
    InboundMessage customer = message(chat, id(), Author.CONTACT, "Obrigado!");
    InboundMessage echo = message(chat, sent, Author.BUSINESS_API, "Seu pedido saiu");
    InboxRepository.Written written = repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, customer, now),
        new InboxRepository.Item(tenant, CHANNEL, echo, now))).await(10, TimeUnit.SECONDS);

    String customerKey = RecentKeys.key(tenant, CHANNEL, customer.idempotencyKey());
    assertThat(written.claimed()).containsExactly(RecentKeys.key(tenant, CHANNEL, echo.idempotencyKey()));
    assertThat(written.queued()).containsExactly(customerKey);
    assertThat(written.dispatch()).isEmpty();
    assertThat(TestDatabase.row("SELECT dispatch_hold, (dispatched_at IS NOT NULL)::text FROM messages "
        + "WHERE tenant_id = ? AND platform_message_id = ?", tenant, customer.platformMessageId()))
        .containsExactly(null, "true");
    assertThat(TestDatabase.number("SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id"
        + " AND q.conversation_id = m.conversation_id WHERE m.tenant_id = ? AND m.platform_message_id = ?",
        tenant, customer.platformMessageId())).isEqualTo(1);
    TestDatabase.number("DELETE FROM dispatch_queue WHERE tenant_id = ? RETURNING 1", tenant);
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

  /** A WhatsApp text from a person known by {@code userId} (and, when given, also by {@code altUserId}). */
  private static InboundMessage whatsapp(String userId, String phone, String altUserId, String text) {
    String id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQ" + IDS.incrementAndGet();
    return InboundMessage.builder().idempotencyKey(id).accountRef("106540352242922").platformMessageId(id)
        .chatId(userId).contact(new ContactRef(userId, phone, "Mara", null, altUserId))
        .type(MessageType.TEXT).text(text).occurredAt(Instant.now()).build();
  }

  private InboxRepository.Written appendWhatsApp(InboundEvent... events) throws Exception {
    Instant now = Instant.now();
    return repository.append(pool, Arrays.stream(events)
        .map(e -> new InboxRepository.Item(TENANT, "whatsapp", e, now)).toList()).await(10, TimeUnit.SECONDS);
  }

  /** contact id and conversation id of a stored WhatsApp message. */
  private static List<String> party(InboundMessage m) {
    return TestDatabase.row("SELECT contact_id::text, conversation_id::text FROM messages WHERE tenant_id = ? "
        + "AND channel = 'whatsapp' AND platform_message_id = ?", TENANT, m.platformMessageId());
  }

  @Test
  void aNewPersonNamedByBusinessScopedIdAloneAndByBothIdsInOneBatchIsOneContact() throws Exception {
    String bsuid = "US." + (1_349_120_865_530_274_191L + IDS.incrementAndGet());
    String phone = "1631" + (5_000_000 + IDS.incrementAndGet() % 4_999_999);
    InboundMessage hidden = whatsapp(bsuid, null, null, "hello");
    InboundMessage both = whatsapp(phone, phone, bsuid, "it's me");

    appendWhatsApp(hidden, both);

    assertThat(TestDatabase.row("SELECT count(*)::text, min(platform_user_id), min(alt_user_id) FROM contacts "
        + "WHERE tenant_id = ? AND channel = 'whatsapp' AND (platform_user_id IN (?, ?) OR alt_user_id IN (?, ?))",
        TENANT, phone, bsuid, phone, bsuid)).containsExactly("1", phone, bsuid);
    assertThat(party(hidden)).doesNotContainNull().isEqualTo(party(both));
  }

  @Test
  void anUndecodableMessageWithoutSenderOrChatIsStoredAndDispatchedWithoutAConversation() throws Exception {
    String id = "undecodable:" + IDS.incrementAndGet();
    InboundMessage odd = InboundMessage.undecodable("message without a user id").idempotencyKey(id)
        .accountRef("106540352242922").platformMessageId(id).occurredAt(Instant.now())
        .rawJson("{\"type\":\"text\",\"text\":{\"body\":\"who am I\"}}").build();
    InboundMessage fine = whatsapp("1631" + (5_000_000 + IDS.incrementAndGet() % 4_999_999), null, null, "fine");

    InboxRepository.Written written = appendWhatsApp(odd, fine);

    assertThat(TestDatabase.row("SELECT type::text, undecodable, contact_id, conversation_id, raw->'text'->>'body' "
        + "FROM messages WHERE tenant_id = ? AND channel = 'whatsapp' AND platform_message_id = ?", TENANT, id))
        .containsExactly("unsupported", "message without a user id", null, null, "who am I");
    String key = RecentKeys.key(TENANT, "whatsapp", id);
    assertThat(written.dispatch()).containsEntry(key, null);
    assertThat(written.dispatch()).containsKey(RecentKeys.key(TENANT, "whatsapp", fine.idempotencyKey()));
    assertThat(TestDatabase.row("SELECT event_type, outcome, detail, payload->'text'->>'body' FROM inbound_events "
        + "WHERE tenant_id = ? AND channel = 'whatsapp' AND idem_key = ?", TENANT, id))
        .containsExactly("message:undecodable", "undecodable", "message without a user id", "who am I");
  }

  @Test
  void aTenantWithoutAChainHasItsNewMessagesHandedOverAsTheyAreStored() throws Exception {
    String unchained = "inbox-append-it-nochain";
    TestDatabase.number("INSERT INTO tenants (id, name, has_chain) VALUES (?, 'No chain', false) "
        + "ON CONFLICT (id) DO UPDATE SET has_chain = false RETURNING 1", unchained);
    String chat = chat();
    InboundMessage customer = message(chat, id(), Author.CONTACT, "Oi");
    InboundMessage human = message(chat, id(), Author.BUSINESS_HUMAN, "Deixa comigo");
    Instant now = Instant.now();
    InboxRepository.Written first = repository.append(pool, List.of(new InboxRepository.Item(unchained, CHANNEL, customer, now)))
        .await(10, TimeUnit.SECONDS);
    InboxRepository.Written pause = repository.append(pool, List.of(new InboxRepository.Item(unchained, CHANNEL, human, now)))
        .await(10, TimeUnit.SECONDS);
    InboundMessage held = message(chat, id(), Author.CONTACT, "Alguém?");
    InboxRepository.Written second = repository.append(pool, List.of(new InboxRepository.Item(unchained, CHANNEL, held, now)))
        .await(10, TimeUnit.SECONDS);

    // nothing goes to the dispatcher: the customer's message is handed over already, the one the
    // takeover holds stays held (and unmarked, as for a tenant with a chain), the business echo is outbound
    assertThat(first.dispatch()).isEmpty();
    assertThat(first.handedOver()).containsExactly(RecentKeys.key(unchained, CHANNEL, customer.idempotencyKey()));
    assertThat(pause.dispatch()).isEmpty();
    assertThat(pause.handedOver()).isEmpty();
    assertThat(second.dispatch()).isEmpty();
    assertThat(second.handedOver()).isEmpty();
    String sql = "SELECT (dispatched_at IS NOT NULL)::text, dispatch_hold FROM messages "
        + "WHERE tenant_id = ? AND channel = ? AND platform_message_id = ?";
    assertThat(TestDatabase.row(sql, unchained, CHANNEL, customer.platformMessageId())).containsExactly("true", null);
    assertThat(TestDatabase.row(sql, unchained, CHANNEL, human.platformMessageId())).containsExactly("false", null);
    assertThat(TestDatabase.row(sql, unchained, CHANNEL, held.platformMessageId()))
        .containsExactly("false", "human_takeover");

    // a tenant with a chain and a daily quota: left for the dispatcher's hand-over
    InboundMessage chained = message(chat(), id(), Author.CONTACT, "Olá");
    InboxRepository.Written third = append(chained);
    assertThat(third.dispatch()).containsKey(key(chained));
    assertThat(third.handedOver()).isEmpty();
    assertThat(third.queued()).isEmpty();
    assertThat(TestDatabase.row(sql, TENANT, CHANNEL, chained.platformMessageId())).containsExactly("false", null);
  }

  @Test
  void aTenantWithAChainAndNoQuotaHasItsNewMessagesQueuedAsTheyAreStored() throws Exception {
    String tenant = queuedTenant();
    String chat = chat();
    InboundMessage customer = message(chat, id(), Author.CONTACT, "Oi");
    InboundMessage second = message(chat, id(), Author.CONTACT, "Tudo bem?");
    Instant now = Instant.now();
    InboxRepository.Written first = repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, customer, now),
        new InboxRepository.Item(tenant, CHANNEL, second, now))).await(10, TimeUnit.SECONDS);
    // an edit of the first (a new version, stored over it) and the person taking over, then one more
    InboundMessage edit = InboundMessage.builder().idempotencyKey("acme:" + customer.platformMessageId() + ":edit")
        .accountRef("acme").platformMessageId(customer.platformMessageId()).chatId(chat)
        .contact(customer.contact()).direction(Direction.INBOUND).author(Author.CONTACT)
        .type(MessageType.TEXT).text("Oi!").occurredAt(Instant.now()).editedAt(Instant.now()).build();
    InboxRepository.Written edited = repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, edit, now)))
        .await(10, TimeUnit.SECONDS);
    InboundMessage human = message(chat, id(), Author.BUSINESS_HUMAN, "Deixa comigo");
    repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, human, now))).await(10, TimeUnit.SECONDS);
    InboundMessage held = message(chat, id(), Author.CONTACT, "Alguém?");
    InboxRepository.Written third = repository.append(pool, List.of(new InboxRepository.Item(tenant, CHANNEL, held, now)))
        .await(10, TimeUnit.SECONDS);

    assertThat(first.queued()).containsExactlyInAnyOrder(RecentKeys.key(tenant, CHANNEL, customer.idempotencyKey()),
        RecentKeys.key(tenant, CHANNEL, second.idempotencyKey()));
    assertThat(first.dispatch()).isEmpty();
    assertThat(first.handedOver()).isEmpty();
    assertThat(edited.queued()).isEmpty();
    assertThat(edited.dispatch()).isEmpty();
    assertThat(third.queued()).isEmpty();
    assertThat(third.dispatch()).isEmpty();
    // each new message has one queue row, in its conversation, due now, at the chain's start; the
    // held one has none (and stays unmarked, so a release hands it over)
    String queue = "SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id"
        + " AND m.conversation_id = q.conversation_id AND q.stored_at = m.received_at AND q.channel = m.channel"
        + " WHERE m.tenant_id = ? AND m.channel = ? AND m.platform_message_id = ? AND q.tenant_id = m.tenant_id"
        + " AND q.position = 0 AND q.attempts = 0 AND q.lease_owner IS NULL AND q.next_attempt_at <= now()"
        + " AND m.dispatched_at IS NOT NULL";
    assertThat(TestDatabase.number(queue, tenant, CHANNEL, customer.platformMessageId())).isEqualTo(1);
    assertThat(TestDatabase.number(queue, tenant, CHANNEL, second.platformMessageId())).isEqualTo(1);
    for (InboundMessage none : List.of(human, held)) {
      assertThat(TestDatabase.number("SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id"
          + " WHERE m.tenant_id = ? AND m.platform_message_id = ?", tenant, none.platformMessageId())).isZero();
    }
    assertThat(TestDatabase.row("SELECT (dispatched_at IS NOT NULL)::text, dispatch_hold FROM messages "
        + "WHERE tenant_id = ? AND channel = ? AND platform_message_id = ?", tenant, CHANNEL, held.platformMessageId()))
        .containsExactly("false", "human_takeover");
    TestDatabase.number("DELETE FROM dispatch_queue WHERE tenant_id = ? RETURNING 1", tenant);
  }

  @Test
  void theDeclaredArgumentsAreTheFunctionsArgumentsInOrderWithTheirTypes() {
    List<String> declared = new java.util.ArrayList<>();
    for (int i = 0; i < InboxArguments.NAMES.size(); i++) {
      declared.add(InboxArguments.NAMES.get(i) + " " + InboxArguments.TYPES.get(i).replace("int[]", "integer[]")
          .replace("timestamptz[]", "timestamp with time zone[]"));
    }
    String inDatabase = TestDatabase.row("SELECT string_agg(a.name || ' ' || format_type(a.type, NULL), ',' ORDER BY a.n) "
        + "FROM pg_proc p, unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) WITH ORDINALITY AS a(name, type, n) "
        + "WHERE p.proname = 'inbox_append'").get(0);
    assertThat(inDatabase).isEqualTo(String.join(",", declared));
  }
}
