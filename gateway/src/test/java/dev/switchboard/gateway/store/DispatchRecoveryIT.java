package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestBot;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a gateway that dies leaves behind reaches the bot after the restart: a message committed by
 * the inbox but never handed to the chain (the process was killed between the two), and the
 * per-contact daily quota, whose counters live in PostgreSQL.
 */
class DispatchRecoveryIT {
  private static final String TENANT = "dispatch-recovery-it";
  private static final byte[] BOT_KEY = "recovery-it-bot-signing-key-0123".getBytes(StandardCharsets.UTF_8);
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private final TestBot bot = new TestBot(BOT_KEY);
  private final FakePlatform graph = new FakePlatform();
  private RunningGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    bot.close();
    graph.close();
  }

  private RunningGateway start(int perContactDaily) {
    JsonObject tenant = RunningGateway.tenantConfig(TENANT, 1000, 1000)
        .put("limits", new JsonObject().put("perContactDaily", perContactDaily)
            .put("perContactDailyNotice", "You reached today's limit; we'll be back tomorrow."))
        .put("plugins", new JsonArray().add(new JsonObject().put("type", "forward").put("url", bot.url())
            .put("secret", new String(BOT_KEY, StandardCharsets.UTF_8))));
    tenant.getJsonObject("channels").getJsonObject("whatsapp").put("accessToken", "EAAG-recovery-it-0123")
        .put("apiBaseUrl", graph.baseUrl() + "/v23.0");
    graph.on("/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages", call -> new FakePlatform.Answer(200,
        new JsonObject().put("messaging_product", "whatsapp").put("messages",
            new JsonArray().add(new JsonObject().put("id", "wamid.N" + IDS.incrementAndGet())))));
    return RunningGateway.start(tenant, new JsonObject()
        .put("dispatch", new JsonObject().put("recoverAfter", "PT1S")));
  }

  @Test
  void aMessageCommittedButNeverHandedToTheChainIsForwardedAfterTheRestart() throws Exception {
    // a tenant with a daily quota: its messages are handed over (and counted) after the commit
    gw = start(5);
    gw.close(); // the tenant is stored; no gateway is running now
    gw = null;
    String wamid = "wamid.CRASH" + IDS.incrementAndGet();
    storeAsAKilledGatewayWould(wamid);
    assertThat(TestDatabase.row("SELECT dispatched_at FROM messages WHERE platform_message_id = ?", wamid))
        .containsOnlyNulls();

    gw = start(5);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> bot.eventsFor(wamid).size() == 1);
    TestBot.Event event = bot.eventsFor(wamid).get(0);
    assertThat(event.signatureValid()).isTrue();
    assertThat(event.json().getJsonObject("message").getString("text")).isEqualTo("sent just before the crash");
    assertThat(TestDatabase.row("SELECT dispatched_at IS NOT NULL FROM messages WHERE platform_message_id = ?", wamid))
        .containsExactly("t");
  }

  @Test
  void aMessageQueuedAsItWasStoredIsForwardedAfterTheRestart() throws Exception {
    // no daily quota: the message and its queue row commit together, nothing waits for a hand-over
    gw = start(0);
    gw.close();
    gw = null;
    String wamid = "wamid.CRASHQ" + IDS.incrementAndGet();
    storeAsAKilledGatewayWould(wamid);
    assertThat(TestDatabase.row("SELECT dispatched_at IS NOT NULL FROM messages WHERE platform_message_id = ?", wamid))
        .containsExactly("t");
    assertThat(TestDatabase.number("SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id"
        + " WHERE m.platform_message_id = ? AND q.lease_owner IS NULL", wamid)).isEqualTo(1);

    gw = start(0);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> bot.eventsFor(wamid).size() == 1);
    assertThat(bot.eventsFor(wamid).get(0).signatureValid()).isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM dispatch_queue q JOIN messages m ON m.id = q.message_id WHERE m.platform_message_id = ?",
        wamid) == 0);
  }

  /** What the inbox of a gateway killed right after its commit leaves: the message, never published. */
  private static void storeAsAKilledGatewayWould(String wamid) throws Exception {
    String from = Long.toString(4_915_100_000_000L + IDS.incrementAndGet() % 1_000_000L);
    InboundMessage message = InboundMessage.builder().idempotencyKey(wamid).accountRef(RunningGateway.PHONE_NUMBER_ID)
        .platformMessageId(wamid).chatId(from).contact(new ContactRef(from, from, "Ada", null))
        .type(MessageType.TEXT).text("sent just before the crash").occurredAt(Instant.now()).build();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
          .connectingTo(TestDatabase.url().connectOptions()).using(vertx).build();
      new InboxRepository().append(pool, List.of(new InboxRepository.Item(TENANT, "whatsapp", message, Instant.now())))
          .await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theDailyQuotaHoldsMessagesSendsItsNoticeOnceAndSurvivesARestart() {
    gw = start(2);
    String from = Long.toString(4_915_200_000_000L + IDS.incrementAndGet() % 1_000_000L);
    List<String> wamids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String wamid = "wamid.Q" + IDS.incrementAndGet();
      wamids.add(wamid);
      assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Ada", wamid,
          System.currentTimeMillis() / 1000, "message " + i)).statusCode()).isEqualTo(200);
    }
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM messages WHERE tenant_id = ? AND dispatch_hold = 'daily_quota'", TENANT) == 2);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> bot.events().size() == 2);
    assertThat(bot.eventsFor(wamids.get(0))).hasSize(1);
    assertThat(bot.eventsFor(wamids.get(1))).hasSize(1);
    assertThat(bot.eventsFor(wamids.get(2))).isEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> notices(from) == 1);

    gw.close();
    gw = start(2);
    String afterRestart = "wamid.Q" + IDS.incrementAndGet();
    assertThat(gw.postSigned(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Ada", afterRestart,
        System.currentTimeMillis() / 1000, "one more")).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> "daily_quota".equals(TestDatabase.row(
        "SELECT dispatch_hold FROM messages WHERE platform_message_id = ?", afterRestart).get(0)));
    assertThat(bot.eventsFor(afterRestart)).isEmpty();
    assertThat(notices(from)).isEqualTo(1);
  }

  private long notices(String to) {
    return graph.calls("/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages").stream()
        .filter(c -> to.equals(c.json().getString("to"))
            && c.json().getJsonObject("text", new JsonObject()).getString("body", "").startsWith("You reached"))
        .count();
  }
}
