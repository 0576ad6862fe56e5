package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.admission.AdmissionVerticle;
import dev.switchboard.gateway.bus.Codecs;
import dev.switchboard.gateway.config.RateLimit;
import dev.switchboard.gateway.config.StoreSettings;
import dev.switchboard.gateway.idempotency.RecentKeysVerticle;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox store with several group-commit batches in flight at once, on the real PostgreSQL: a
 * burst of calls from one context (so their arrival order is known) is committed in more than one
 * concurrent transaction, every call is answered after its commit, a key sent twice in the same
 * burst is stored once, and a conversation's call never overtakes an earlier one that is still in
 * flight.
 */
class InboxPipelineIT {
  private static final String CHANNEL = "whatsapp";
  private static final int CHATS = 30;
  private static final int PER_CHAT = 12;

  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private String tenant;

  @BeforeEach
  void start() throws Exception {
    tenant = "pipeline-it-" + Long.toString(System.nanoTime(), 36);
    TestDatabase.number("INSERT INTO tenants (id, name) VALUES (?, 'Pipeline IT') RETURNING 1", tenant);
    vertx = Vertx.vertx();
    Codecs.registerAll(vertx.eventBus());
    registry = new SimpleMeterRegistry();
    // small batches, a new one as soon as one event waits: the burst is spread over many
    // transactions, up to four of them at once
    StoreSettings settings = new StoreSettings(8, 4, 1, Duration.ofMillis(1), 50_000, Duration.ofSeconds(10),
        StoreSettings.DEFAULT_QUEUE_VACUUM_INTERVAL);
    Metrics metrics = new Metrics(registry);
    // beside the store as in the gateway: the owners of the inbound buckets and of the recent keys
    vertx.deployVerticle(new AdmissionVerticle(new Admission(), metrics))
        .compose(id -> vertx.deployVerticle(new RecentKeysVerticle(10_000, metrics)))
        .compose(id -> vertx.deployVerticle(new InboxStoreVerticle(TestDatabase.url(), settings, metrics)))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private InboundMessage message(String chat, String id, String text) {
    return InboundMessage.builder()
        .idempotencyKey(id).accountRef("100000000000001").platformMessageId(id).chatId(chat)
        .contact(new ContactRef(chat, "+" + chat, "Pipeline", null))
        .direction(Direction.INBOUND).author(Author.CONTACT)
        .type(MessageType.TEXT).text(text).occurredAt(Instant.now()).build();
  }

  private String chat(int c) {
    return "1555" + String.format("%07d", c);
  }

  /** Sends every request from one event-loop context without waiting, in list order; the answers in that order. */
  private List<AppendResult> burst(List<AppendRequest> requests) throws Exception {
    Promise<List<AppendResult>> all = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<AppendResult>> answers = new ArrayList<>();
      for (AppendRequest r : requests) {
        answers.add(vertx.eventBus().<AppendResult>request(Addresses.INBOX_APPEND, r).map(m -> m.body()));
      }
      Future.all(answers).map(f -> answers.stream().map(Future::result).toList()).onComplete(all);
    });
    return all.future().await(60, TimeUnit.SECONDS);
  }

  @Test
  void aBurstIsCommittedInConcurrentBatchesAndDuplicatesAreStoredOnce()
      throws Exception {
    // messages n and n+1 of every chat, then n+2 and n+3, ...: two consecutive calls of one
    // conversation arrive back to back (one batch could take both), and CHATS conversations are
    // enough for several batches at once
    List<AppendRequest> requests = new ArrayList<>();
    Map<String, List<String>> sentOrder = new LinkedHashMap<>();
    for (int n = 0; n < PER_CHAT; n += 2) {
      for (int c = 0; c < CHATS; c++) {
        String chat = chat(c);
        for (int k = n; k < n + 2; k++) {
          // ids in arrival order (within one batch rows go in key order)
          String id = "wamid.pipeline." + tenant + "." + chat + "." + String.format("%03d", k);
          String text = "message " + k;
          sentOrder.computeIfAbsent(chat, x -> new ArrayList<>()).add(text);
          requests.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat, id, text)), Instant.now(), null));
          if (c == 0 && k % 3 == 0) { // a retry of the same call in the same burst
            requests.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat, id, text)), Instant.now(), null));
          }
        }
      }
    }
    AtomicInteger maxInFlight = new AtomicInteger();
    long sampler = vertx.setPeriodic(1, id -> {
      var gauge = registry.find("switchboard.store.inflight").gauge();
      if (gauge != null) {
        maxInFlight.accumulateAndGet((int) gauge.value(), Math::max);
      }
    });

    List<AppendResult> answers = burst(requests);
    vertx.cancelTimer(sampler);

    int stored = answers.stream().mapToInt(AppendResult::stored).sum();
    int duplicates = answers.stream().mapToInt(AppendResult::duplicates).sum();
    int unique = CHATS * PER_CHAT;
    assertThat(stored).as("every new message stored once, answered after its commit").isEqualTo(unique);
    assertThat(duplicates).as("each retry in the burst recognised").isEqualTo(requests.size() - unique);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", tenant)).isEqualTo(unique);

    var batches = registry.find("switchboard.store.batch.events").summary();
    assertThat(batches.count()).as("group-commit transactions").isGreaterThan(1);
    assertThat(batches.max()).as("events per batch at most maxBatchEvents").isLessThanOrEqualTo(8);
    assertThat(maxInFlight.get()).as("transactions seen in flight at once").isGreaterThan(1);

    for (Map.Entry<String, List<String>> e : sentOrder.entrySet()) {
      assertThat(storedOrder(e.getKey())).as("messages of chat %s in stored order", e.getKey())
          .containsExactlyElementsOf(e.getValue());
    }
  }

  /** As {@link #burst}, but a refused call is answered as its failure code (stored = -code). */
  private List<Integer> outcomes(List<AppendRequest> requests) throws Exception {
    Promise<List<Integer>> all = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<Integer>> answers = new ArrayList<>();
      for (AppendRequest r : requests) {
        answers.add(vertx.eventBus().<AppendResult>request(Addresses.INBOX_APPEND, r).map(m -> m.body().stored())
            .recover(err -> Future.succeededFuture(-((ReplyException) err).failureCode())));
      }
      Future.all(answers).map(f -> answers.stream().map(Future::result).toList()).onComplete(all);
    });
    return all.future().await(60, TimeUnit.SECONDS);
  }

  @Test
  void aRetryOfCommittedCallsIsAnsweredFromTheRecentKeysWithoutAnotherTransaction() throws Exception {
    List<AppendRequest> requests = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      String id = "wamid.pipeline." + tenant + ".retry." + c;
      requests.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat(c), id, "once")), Instant.now(), null));
    }
    assertThat(burst(requests).stream().mapToInt(AppendResult::stored).sum()).isEqualTo(20);
    var commits = registry.find("switchboard.store.commit").timer();
    // the committed keys reach the cache after the answers: retry until a retry is answered from it
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      long before = commits.count();
      List<AppendResult> retried = burst(requests);
      return retried.stream().allMatch(r -> r.stored() == 0 && r.duplicates() == 1) && commits.count() == before;
    });

    assertThat(registry.find("switchboard.idempotency.hits").counter().count()).isGreaterThanOrEqualTo(20);
    assertThat(registry.find("switchboard.idempotency.recent.entries").gauge().value()).isGreaterThanOrEqualTo(20);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", tenant)).isEqualTo(20);
  }

  @Test
  void aLimitedTenantsBurstIsAdmittedUpToItsBurstInArrivalOrderAndTheRestRefused() throws Exception {
    RateLimit limit = new RateLimit(1, 60); // a refill of one a second: the burst is what counts here
    List<AppendRequest> requests = new ArrayList<>();
    for (int c = 0; c < 90; c++) {
      String id = "wamid.pipeline." + tenant + ".limited." + c;
      requests.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat(c), id, "limited")), Instant.now(), limit));
    }
    List<Integer> outcomes = outcomes(requests);

    long admitted = outcomes.stream().filter(o -> o == 1).count();
    assertThat(admitted).as("the burst, give or take the second's refill").isBetween(60L, 62L);
    assertThat(outcomes.subList(0, 60)).as("the first calls are the admitted ones").containsOnly(1);
    assertThat(outcomes.subList(63, 90)).containsOnly(-FailureCodes.RATE_LIMITED);
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ?", tenant)).isEqualTo(admitted);
  }

  @Test
  void aConversationsCallWaitsForItsEarlierCallInASlowBatchWhileOtherConversationsGoAhead() throws Exception {
    int rounds = 8;
    List<String> chats = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      chats.add(chat(1_000 + r));
    }
    // every chat's contact and conversation exist first: the race below is only about the messages
    List<AppendRequest> first = new ArrayList<>();
    for (String chat : chats) {
      first.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat, "wamid.pipeline." + tenant + "." + chat + ".a",
          "first")), Instant.now(), null));
    }
    burst(first);

    List<AppendRequest> requests = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      String chat = chats.get(r);
      // a slow batch: 300 messages of other (new) chats, then this chat's "second" (its id sorts last)
      List<InboundMessage> big = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String other = chat(100_000 + r * 1_000 + i);
        big.add(message(other, "wamid.pipeline." + tenant + "." + other + ".x", "filler"));
      }
      big.add(message(chat, "wamid.pipeline." + tenant + ".zzz." + chat + ".b", "second"));
      requests.add(new AppendRequest(tenant, CHANNEL, List.copyOf(big), Instant.now(), null));
      // right behind it, alone, "third" of the same chat (its id sorts first): a batch of one
      // that would commit long before the slow one if it were let go
      requests.add(new AppendRequest(tenant, CHANNEL, List.of(message(chat, "wamid.pipeline." + tenant + ".aaa."
          + chat + ".c", "third")), Instant.now(), null));
    }
    List<AppendResult> answers = burst(requests);

    assertThat(answers.stream().mapToInt(AppendResult::stored).sum()).isEqualTo(rounds * 302);
    for (String chat : chats) {
      assertThat(storedOrder(chat)).as("messages of chat %s in stored order", chat)
          .containsExactly("first", "second", "third");
    }
    assertThat(registry.find("switchboard.store.order.waits").counter().count())
        .as("calls that waited for their conversation").isGreaterThanOrEqualTo(1);
  }

  private List<String> storedOrder(String chat) throws Exception {
    try (Connection c = TestDatabase.connect();
         PreparedStatement st = c.prepareStatement("SELECT m.text FROM messages m JOIN conversations v "
             + "ON v.id = m.conversation_id WHERE m.tenant_id = ? AND v.chat_id = ? ORDER BY m.id")) {
      st.setString(1, tenant);
      st.setString(2, chat);
      List<String> texts = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          texts.add(rs.getString(1));
        }
      }
      return texts;
    }
  }
}
