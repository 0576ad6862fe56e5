package dev.switchboard.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakePlatform;
import dev.switchboard.gateway.testing.FakePlatform.Answer;
import dev.switchboard.gateway.testing.GatewayJar;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.Telegram;
import dev.switchboard.gateway.testing.TestBot;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real gateway processes (the fat jar, {@code java -jar}) in one Hazelcast cluster on loopback
 * ports, on the one test PostgreSQL: the same webhook at both nodes at once is one row, a tenant
 * added on one node is served by the other within a second, both dispatchers share the queue
 * without running a message twice, and a node killed with SIGKILL mid-load loses no acknowledged
 * webhook while the send it had claimed is made by the other node after the lease.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String TENANT = "cluster-it";
  private static final String LATE_TENANT = "cluster-it-late";
  private static final String LIMITED_TENANT = "cluster-it-limited";
  private static final String UNEVEN_TENANT = "cluster-it-uneven";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String ADMIN = "admin-token-cluster-it-0123456789";
  private static final String API_TENANT = "cluster-it-api";
  private static final String SECRET = "secret-cluster-it";
  private static final String BOT_TOKEN = "777000444:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDscc";
  private static final String SEND = "/bot" + BOT_TOKEN + "/sendMessage";
  private static final byte[] BOT_KEY = "cluster-it-bot-signing-key-01234".getBytes(StandardCharsets.UTF_8);
  private static final AtomicLong UPDATES = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L);
  private static final AtomicLong SENT_IDS = new AtomicLong(1);
  private static final long CHAT = 7_000_000_000L + System.currentTimeMillis() % 1_000_000L;
  private static final int IN_FLIGHT = 4;
  /** The housekeeping beat of both nodes (its lease lasts three beats). */
  private static final int HOUSEKEEPING_MS = 1_000;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static FakePlatform botApi;
  private static TestBot bot;
  private static final List<Node> NODES = new ArrayList<>();

  /** One gateway process: its HTTP port, its config file and the process. */
  record Node(String name, int port, Path dir, Path config, Process process) {
    String base() {
      return "http://127.0.0.1:" + port;
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    TestDatabase.url();
    botApi = new FakePlatform();
    botApi.on(SEND, ClusterIT::sent);
    bot = new TestBot(BOT_KEY);
    int[] hz = {RunningGateway.freePort(), RunningGateway.freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1];
    List<Node> starting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = "cluster-it-" + (char) ('a' + i);
      int port = RunningGateway.freePort();
      Path dir = GatewayJar.freshDir(name);
      Files.createDirectories(dir);
      Path config = dir.resolve("switchboard.json");
      Files.writeString(config, config(port, List.of(tenant(TENANT, SECRET))).encode());
      Process p = GatewayJar.launch(dir, Map.of("DATABASE_URL", TestDatabase.url().withCredentials(),
          "SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789", "CLUSTER_HOST", "127.0.0.1",
          "CLUSTER_PORT", Integer.toString(hz[i]), "CLUSTER_MEMBERS", members,
          "JAVA_TOOL_OPTIONS", "-Dswitchboard.housekeeping.intervalMillis=" + HOUSEKEEPING_MS), "--config", config.toString());
      starting.add(new Node(name, port, dir, config, p));
    }
    for (Node n : starting) {
      assertThat(GatewayJar.awaitReady(n.process(), n.port(), Duration.ofSeconds(90)))
          .as(n.name() + ": " + GatewayJar.read(n.dir().resolve("stderr.log"))).isTrue();
      NODES.add(n);
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> NODES.stream().allMatch(n -> members(n) == 2));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Node n : NODES) {
      n.process().destroy();
    }
    for (Node n : NODES) {
      if (!n.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        n.process().destroyForcibly();
      }
    }
    if (bot != null) {
      bot.close();
    }
    if (botApi != null) {
      botApi.close();
    }
  }

  private static JsonObject tenant(String id, String secret) {
    return new JsonObject().put("id", id).put("name", "Cluster IT").put("apiKeys", new JsonArray().add("key-" + id
            + "-0123456789abcdef"))
        .put("channels", new JsonObject().put("telegram", new JsonObject()
            .put("botToken", BOT_TOKEN).put("secretToken", secret).put("apiBaseUrl", botApi.baseUrl())))
        .put("plugins", new JsonArray().add(new JsonObject().put("type", "forward").put("url", bot.url())
            .put("secret", "whsec_" + Base64.getEncoder().encodeToString(BOT_KEY)).put("timeout", "PT2S")));
  }

  /** Node config with {@code tenants} and the two tenants limited to {@link #LIMIT} webhooks a second. */
  private static JsonObject config(int port, List<JsonObject> tenants) {
    List<Object> all = new ArrayList<>(tenants);
    for (String limited : List.of(LIMITED_TENANT, UNEVEN_TENANT)) {
      all.add(tenant(limited, SECRET).put("plugins", new JsonArray())
          .put("limits", new JsonObject().put("inbound", new JsonObject().put("perSecond", LIMIT).put("burst", LIMIT))));
    }
    return new JsonObject().put("http", new JsonObject().put("port", port))
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("tenants", new JsonArray(all))
        .put("outbound", new JsonObject().put("lease", "PT5S").put("pacing", new JsonObject().put("telegram",
            new JsonObject().put("recipient", new JsonObject().put("perSecond", 100).put("burst", 100)))))
        .put("dispatch", new JsonObject().put("lease", "PT5S").put("recoverAfter", "PT2S")
            .put("maxInFlightPerTenant", IN_FLIGHT));
  }

  static Answer sent(FakePlatform.Call call) {
    long chat = Long.parseLong(String.valueOf(call.json().getValue("chat_id")));
    return new Answer(200, new JsonObject().put("ok", true).put("result", new JsonObject()
        .put("message_id", SENT_IDS.incrementAndGet()).put("date", System.currentTimeMillis() / 1000)
        .put("chat", new JsonObject().put("id", chat).put("type", "private"))
        .put("text", call.json().getString("text"))));
  }

  private static int members(Node n) {
    HttpResponse<String> r;
    try {
      r = HTTP.send(HttpRequest.newBuilder(URI.create(n.base() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject(r.body()).getJsonObject("checks").getJsonObject("cluster").getInteger("members");
  }

  private static HttpRequest webhook(Node n, String tenant, String secret, String body) {
    return HttpRequest.newBuilder(URI.create(n.base() + "/webhooks/telegram/" + tenant))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .header("X-Telegram-Bot-Api-Secret-Token", secret)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** A new text update; its platform message id is {@code CHAT:<messageId>}. */
  private static String update(long messageId) {
    return Telegram.update(UPDATES.incrementAndGet(), "message",
        Telegram.textMessage(CHAT, messageId, System.currentTimeMillis() / 1000, "hello " + messageId));
  }

  private static int status(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  @Order(1)
  void theSameWebhookSentToBothNodesAtOnceIsOneRowAnd200ForBoth() {
    long messageId = 10;
    String body = update(messageId);
    var a = HTTP.sendAsync(webhook(NODES.get(0), TENANT, SECRET, body), HttpResponse.BodyHandlers.ofString());
    var b = HTTP.sendAsync(webhook(NODES.get(1), TENANT, SECRET, body), HttpResponse.BodyHandlers.ofString());
    assertThat(a.join().statusCode()).as(a.join().body()).isEqualTo(200);
    assertThat(b.join().statusCode()).as(b.join().body()).isEqualTo(200);
    String pid = CHAT + ":" + messageId;
    assertThat(TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        TENANT, pid)).isEqualTo(1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bot.eventsFor(pid).size() == 1);
  }

  @Test
  @Order(2)
  void aTenantAddedOnOneNodeIsServedByTheOtherSoonAfter() throws Exception {
    Node a = NODES.get(0);
    Node b = NODES.get(1);
    String secret = "secret-cluster-it-late";
    assertThat(status(webhook(b, LATE_TENANT, secret, update(20)))).isEqualTo(404);
    Files.writeString(a.config(), config(a.port(), List.of(tenant(TENANT, SECRET), tenant(LATE_TENANT, secret)))
        .encode());
    // node a watches its file (every 2 s); from the moment it serves the new tenant, b must soon after
    // (within a second on an idle machine; 5 s allowed for loaded CI cores)
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(webhook(a, LATE_TENANT, secret, update(21))) == 200);
    long servedByA = System.nanoTime();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(webhook(b, LATE_TENANT, secret, update(22))) == 200);
    System.out.printf("ClusterIT: the added tenant was served by the other node %d ms after the first%n",
        (System.nanoTime() - servedByA) / 1_000_000);
  }

  @Test
  @Order(2)
  void aTenantCreatedOverTheAdminApiOnOneNodeIsServedByTheOtherAtOnceAndItsDeleteToo() throws Exception {
    Node a = NODES.get(0);
    Node b = NODES.get(1);
    String secret = "secret-cluster-it-api";
    TestDatabase.number("SELECT count(*) FROM (SELECT delete_tenant(?)) d", API_TENANT);
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(a.base() + "/admin/tenants"))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(tenant(API_TENANT, secret).put("plugins", new JsonArray()).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(status(webhook(a, API_TENANT, secret, update(30)))).isEqualTo(200);
    // the other node reloads on the announcement: within a second when idle (5 s allowed for loaded CI cores)
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(webhook(b, API_TENANT, secret, update(31))) == 200);

    HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(b.base() + "/admin/tenants/" + API_TENANT))
        .header("Authorization", "Bearer " + ADMIN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(status(webhook(b, API_TENANT, secret, update(32)))).isEqualTo(404);
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(webhook(a, API_TENANT, secret, update(33))) == 404);
  }

  @Test
  @Order(3)
  void bothDispatchersShareTheQueueAndNeverRunAMessageTwice() {
    List<String> pids = new ArrayList<>();
    List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long messageId = 1_000 + i;
      pids.add(CHAT + ":" + messageId);
      calls.add(HTTP.sendAsync(webhook(NODES.get(i % 2), TENANT, SECRET, update(messageId)),
          HttpResponse.BodyHandlers.discarding()));
    }
    assertThat(calls.stream().map(c -> c.join().statusCode())).containsOnly(200);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pids.stream().allMatch(p -> !bot.eventsFor(p).isEmpty()));
    assertThat(pids).allSatisfy(p -> assertThat(bot.eventsFor(p)).hasSize(1));
    // the last runs are settled (their lease released) just after the bot has them
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(TestDatabase.number("SELECT count(DISTINCT lease_owner) FROM dispatch_queue WHERE tenant_id = ?",
            TENANT)).isZero());
  }

  /**
   * The tenant's limit and the load, 1:4 as in the issue (500/s at 2,000/s:
   * {@code -Dswitchboard.cluster.limit=500}); 100/s at 400/s by default, which the two shared cores
   * of CI can offer steadily beside two gateways and PostgreSQL.
   */
  private static final int LIMIT = Integer.getInteger("switchboard.cluster.limit", 100);

  @Test
  @Order(4)
  void aTenantLimitLoadedFourTimesOverThroughBothNodesAdmitsTheLimitWithinTenPercentAndAnswersTheRest429() {
    loadFourTimesOverAndCheckTheLimit(LIMITED_TENANT, seq -> NODES.get(seq % 2));
  }

  @Test
  @Order(5)
  void underUnevenLoadNineCallsInTenToOneNodeTheLimitStillHoldsWithinTenPercent() {
    // shares by demand: with even shares the busy node would admit only half the limit (0.45 + 0.1 of it in all)
    loadFourTimesOverAndCheckTheLimit(UNEVEN_TENANT, seq -> NODES.get(seq % 10 == 0 ? 1 : 0));
  }

  /** Offers 4 × {@link #LIMIT} webhooks a second to {@code tenant}, call n to {@code route(n)}, for 4.5 s. */
  private void loadFourTimesOverAndCheckTheLimit(String tenant, java.util.function.IntFunction<Node> route) {
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    Map<Integer, AtomicInteger> inWindow = new ConcurrentHashMap<>();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger offered = new AtomicInteger();
    int rate = 4 * LIMIT;
    long start = System.nanoTime();
    long windowFrom = start + 1_500_000_000L; // the two half-bursts are spent by then
    long windowTo = start + 4_500_000_000L;
    try {
      // open loop: each tick sends what the schedule owes by now (a late tick catches up), alternating nodes
      vertx.setPeriodic(5, timer -> {
        long now = System.nanoTime();
        if (now > windowTo + 200_000_000L) {
          vertx.cancelTimer(timer);
          return;
        }
        long owed = (now - start) * rate / 1_000_000_000L - offered.get();
        for (long i = 0; i < owed; i++) {
          int seq = offered.incrementAndGet();
          Node n = route.apply(seq);
          client.post(n.port(), "127.0.0.1", "/webhooks/telegram/" + tenant)
              .putHeader("Content-Type", "application/json").putHeader("X-Telegram-Bot-Api-Secret-Token", SECRET)
              .sendBuffer(io.vertx.core.buffer.Buffer.buffer(update(500_000 + seq)))
              .onComplete(ar -> {
                answered.incrementAndGet();
                if (now >= windowFrom && now < windowTo) {
                  inWindow.computeIfAbsent(ar.succeeded() ? ar.result().statusCode() : -1, k -> new AtomicInteger())
                      .incrementAndGet();
                }
              });
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > windowTo + 200_000_000L
          && answered.get() == offered.get());
    } finally {
      vertx.close();
    }
    double seconds = (windowTo - windowFrom) / 1e9;
    int admitted = inWindow.getOrDefault(200, new AtomicInteger()).get();
    int limited = inWindow.getOrDefault(429, new AtomicInteger()).get();
    String seen = inWindow + " sent in the window, " + offered.get() + " offered in all";
    assertThat(inWindow.keySet()).as(seen).containsOnly(200, 429);
    // four times the limit is the schedule; on busy shared cores the client falls a little behind it
    assertThat((admitted + limited) / seconds).as("offered per second: " + seen).isGreaterThan(LIMIT * 2.5);
    assertThat(limited).as(seen).isPositive();
    // the admitted rate as stored, by commit time (the client's send times drift from the arrival times when
    // the cores are busy): the steady part, after the half-bursts and before the last calls
    List<String> span = TestDatabase.row("SELECT extract(epoch FROM min(received_at)), extract(epoch FROM max(received_at)) "
        + "FROM messages WHERE tenant_id = ?", tenant);
    double from = Double.parseDouble(span.get(0)) + 1.5;
    double to = Double.parseDouble(span.get(1)) - 0.5;
    assertThat(to - from).as("steady seconds").isGreaterThan(2.0);
    long stored = TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND received_at >= "
        + "to_timestamp(?) AND received_at < to_timestamp(?)", tenant, from, to);
    assertThat(stored / (to - from)).as("admitted per second over %.1f s: %s", to - from, seen)
        .isBetween(LIMIT * 0.9, LIMIT * 1.1);
  }

  @Test
  @Order(6)
  void housekeepingRunsOnOneNodeAtATimeTheHolderOfTheLease() {
    Map<Node, Double> ran = new java.util.HashMap<>();
    Map<Node, Double> skipped = new java.util.HashMap<>();
    for (Node n : NODES) {
      ran.put(n, sweeps(n, "ran"));
      skipped.put(n, sweeps(n, "other_node"));
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> NODES.stream().mapToDouble(n -> sweeps(n, "ran") - ran.get(n)).sum() >= 4
            && NODES.stream().mapToDouble(n -> sweeps(n, "other_node") - skipped.get(n)).sum() >= 3);
    List<Node> doers = NODES.stream().filter(n -> sweeps(n, "ran") > ran.get(n)).toList();
    assertThat(doers).as("nodes that did the cluster's housekeeping in the last beats").hasSize(1);
    Node other = NODES.stream().filter(n -> n != doers.get(0)).findFirst().orElseThrow();
    assertThat(sweeps(other, "other_node")).as("the other node's beats, left to the holder")
        .isGreaterThan(skipped.get(other));
  }

  /** {@code switchboard_housekeeping_sweeps_total{outcome}} of a node (0 before its first beat). */
  private static double sweeps(Node n, String outcome) {
    try {
      String text = HTTP.send(HttpRequest.newBuilder(URI.create(n.base() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String prefix = "switchboard_housekeeping_sweeps_total{outcome=\"" + outcome + "\"";
      return text.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(
          l.lastIndexOf(' ') + 1))).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(7)
  void aNodeKilledMidLoadLosesNoAcknowledgedWebhookAndItsClaimedSendIsMadeByTheOtherAfterTheLease() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    List<CompletableFuture<Void>> load = new ArrayList<>();
    for (int worker = 0; worker < 4; worker++) {
      int w = worker;
      load.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 60; i++) {
          long messageId = 100_000 + w * 1_000 + i;
          Node target = NODES.get((w + i) % 2);
          if (status(webhook(target, TENANT, SECRET, update(messageId))) == 200) {
            acknowledged.add(CHAT + ":" + messageId);
          }
          sent.incrementAndGet();
        }
      }));
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= 60);
    botApi.on(SEND, call -> Answer.hang()); // the platform takes the call and never answers
    String id = apiSend(NODES.get(0), "in doubt");
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> "sending".equals(sendStatus(NODES.get(0), id)));
    String owner = TestDatabase.row("SELECT lease_owner FROM outbox WHERE tenant_id = ?", TENANT).get(0);
    Node killed = NODES.stream().filter(n -> owner.contains(":" + n.process().pid() + ":")).findFirst().orElseThrow();
    Node survivor = NODES.stream().filter(n -> n != killed).findFirst().orElseThrow();
    // 'sending' is recorded just before the call: kill only once the platform has it (on busy cores it lags)
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> botApi.calls(SEND)
        .stream().anyMatch(c -> "in doubt".equals(c.json().getString("text"))));
    killed.process().destroyForcibly().waitFor(); // SIGKILL mid-load, with the send's call open
    botApi.on(SEND, ClusterIT::sent);
    CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).join();

    assertThat(acknowledged).hasSizeGreaterThan(100);
    assertThat(TestDatabase.storedMessages(TestDatabase.url(), TENANT, acknowledged)).isEqualTo(acknowledged.size());
    // every acknowledged message reaches the bot, the ones the dead node had under way after their lease
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> acknowledged.stream().allMatch(p -> !bot.eventsFor(p).isEmpty()));
    long twice = acknowledged.stream().filter(p -> bot.eventsFor(p).size() > 1).count();
    // only a forward the dead node had made without recording its answer is made again: at most its in-flight ones
    assertThat(twice).isLessThanOrEqualTo(IN_FLIGHT);

    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> "sent".equals(sendStatus(survivor, id)));
    List<String> texts = botApi.calls(SEND).stream().map(c -> c.json().getString("text"))
        .filter("in doubt"::equals).toList();
    assertThat(texts).as("the dead node's call (in doubt) and the survivor's one").hasSize(2);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> members(survivor) == 1);
    // the cluster's housekeeping goes on: the survivor holds the lease at the latest once the dead one's expires
    double before = sweeps(survivor, "ran");
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> sweeps(survivor, "ran") >= before + 2);
  }

  private static String apiSend(Node n, String text) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.base() + "/v1/messages"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", "telegram")
            .put("to", Long.toString(CHAT + 1)).put("text", text).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("id");
  }

  private static String sendStatus(Node n, String id) throws Exception {
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(n.base() + "/v1/messages/" + id))
        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getString("status");
  }
}
