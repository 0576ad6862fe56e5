package dev.switchboard.gateway.bench;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.PluginLoader;
import dev.switchboard.gateway.store.InboxRepository;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PostgreSQL ceiling for the bench: the same rows the gateway stores for signed WhatsApp text
 * webhooks (decoded by the real channel plugin, written by the real {@link InboxRepository}), inserted
 * in batches straight into the database with no HTTP in front. Prints one line
 * {@code CEILING {"rowsPerSec":…}}. With {@code --user-ids true} each webhook also carries the
 * sender's business-scoped user id ({@code from_user_id}, {@code contacts[].user_id}), as Graph API
 * v25+ sends it for every user.
 *
 * <p>The tenant has no plugin chain ({@code tenants.has_chain} false, as the bench's config
 * {@code plugins: []} makes it), so {@code inbox_append} hands each message over as it stores it.
 * With {@code --dispatcher-hand-over true} the tenant counts as having a chain and a daily quota
 * instead (so {@code inbox_append} neither marks nor queues its messages), and after each
 * batch the messages are handed over the way the dispatcher does for a chained tenant
 * ({@code dispatch_take_keys}, one call after the other on a connection of their own) with an empty
 * chain list: the database work of every webhook before V13.
 *
 * <p>A bench tool (in the gateway's test sources, packaged as {@code gateway-<version>-bench.jar}):
 * <pre>java -cp gateway/target/switchboard.jar:gateway/target/gateway-0.1.0-SNAPSHOT-bench.jar
 *   dev.switchboard.gateway.bench.StoreCeiling --database-url URL --tenant bench --phone-number-id ID
 *   [--events 200000] [--batch 128] [--concurrency 3] [--user-ids false] [--dispatcher-hand-over false]</pre>
 */
public final class StoreCeiling {
  private StoreCeiling() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    DatabaseUrl url = DatabaseUrl.parse(require(a, "database-url"));
    String tenant = require(a, "tenant");
    String phoneNumberId = require(a, "phone-number-id");
    int events = Integer.parseInt(a.getOrDefault("events", "200000"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "128"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "3"));
    String runId = a.getOrDefault("run-id", Long.toString(System.currentTimeMillis(), 36));
    boolean userIds = Boolean.parseBoolean(a.getOrDefault("user-ids", "false"));
    boolean dispatcherHandOver = Boolean.parseBoolean(a.getOrDefault("dispatcher-hand-over", "false"));

    new dev.switchboard.migrations.Migrator(url.jdbcUrl(), url.user(), url.password()).migrate();
    List<InboxRepository.Item> items = decode(tenant, phoneNumberId, events, runId, userIds);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(concurrency))
        .connectingTo(url.connectOptions()).using(vertx).build();
    Pool takes = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(url.connectOptions()).using(vertx).build();
    try {
      ensureTenant(pool, tenant, dispatcherHandOver).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Writer writer = new Writer(vertx, pool, dispatcherHandOver ? takes : null, batch, concurrency);
      // warm up prepared statements and caches
      writer.write(items.subList(0, Math.min(items.size(), batch * 20)));
      List<InboxRepository.Item> timed = items.subList(Math.min(items.size(), batch * 20), items.size());
      long start = System.nanoTime();
      writer.write(timed);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("CEILING {\"rowsPerSec\":%.0f,\"events\":%d,\"batch\":%d,\"concurrency\":%d,\"seconds\":%.2f,"
          + "\"userIds\":%b,\"dispatcherHandOver\":%b}%n", timed.size() / seconds, timed.size(), batch, concurrency,
          seconds, userIds, dispatcherHandOver);
    } finally {
      takes.close();
      pool.close();
      vertx.close();
    }
  }

  /** Appends the items in batches on {@code concurrency} connections; with {@code takes}, hands them over after each. */
  private static final class Writer {
    private final Vertx vertx;
    private final Pool pool;
    private final Pool takes;
    private final int batch;
    private final int concurrency;
    private final InboxRepository repository = new InboxRepository();
    /** The hand-over in progress: one after the other, as the dispatcher does them (guarded by this). */
    private Future<Void> handOvers = Future.succeededFuture();

    Writer(Vertx vertx, Pool pool, Pool takes, int batch, int concurrency) {
      this.vertx = vertx;
      this.pool = pool;
      this.takes = takes;
      this.batch = batch;
      this.concurrency = concurrency;
    }

    void write(List<InboxRepository.Item> items) throws Exception {
      AtomicInteger next = new AtomicInteger();
      Promise<Void> done = Promise.promise();
      AtomicInteger running = new AtomicInteger(concurrency);
      vertx.runOnContext(v -> {
        for (int i = 0; i < concurrency; i++) {
          loop(items, next, running, done);
        }
      });
      done.future().toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
      Future<Void> last;
      synchronized (this) {
        last = handOvers;
      }
      last.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
    }

    private void loop(List<InboxRepository.Item> items, AtomicInteger next, AtomicInteger running, Promise<Void> done) {
      int from = next.getAndAdd(batch);
      if (from >= items.size()) {
        if (running.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      List<InboxRepository.Item> slice = items.subList(from, Math.min(items.size(), from + batch));
      repository.append(pool, slice)
          .onSuccess(written -> {
            if (takes != null) {
              handOver(slice, written);
            }
            loop(items, next, running, done);
          })
          .onFailure(done::tryFail);
    }

    private synchronized void handOver(List<InboxRepository.Item> slice, InboxRepository.Written written) {
      List<String> tenants = new ArrayList<>();
      List<String> channels = new ArrayList<>();
      List<String> pids = new ArrayList<>();
      for (InboxRepository.Item item : slice) {
        if (written.dispatch().containsKey(item.key())) {
          tenants.add(item.tenant());
          channels.add(item.channel());
          pids.add(((InboundMessage) item.event()).platformMessageId());
        }
      }
      handOvers = handOvers.compose(v -> takes.preparedQuery(
              "SELECT message_id, tenant_id, conversation_id, held, notice FROM dispatch_take_keys($1, $2, $3, $4)")
          .execute(Tuple.of(tenants.toArray(String[]::new), channels.toArray(String[]::new),
              pids.toArray(String[]::new), new String[0]))
          .mapEmpty());
    }
  }

  private static Future<Void> ensureTenant(Pool pool, String tenant, boolean dispatcherHandOver) {
    // with the hand-over, a chain and a daily quota: inbox_append leaves every message for the
    // dispatcher's hand-over (without the quota it would queue them itself, as it stores them)
    return pool.preparedQuery("INSERT INTO tenants (id, name, has_chain, per_contact_daily)"
            + " VALUES ($1, $1, $2, CASE WHEN $2 THEN 1000000000 ELSE 0 END)"
            + " ON CONFLICT (id) DO UPDATE SET has_chain = EXCLUDED.has_chain, per_contact_daily = EXCLUDED.per_contact_daily")
        .execute(Tuple.of(tenant, dispatcherHandOver)).mapEmpty();
  }

  /** Real signed webhooks, decoded by the real plugin: exactly what the gateway would store. */
  private static List<InboxRepository.Item> decode(String tenant, String phoneNumberId, int events, String runId,
                                                   boolean userIds) throws Exception {
    ChannelRegistry channels = PluginLoader.loadChannels(null);
    ChannelPlugin whatsapp = channels.find("whatsapp").orElseThrow();
    String secret = "ceiling-secret";
    AccountConfig account = new AccountConfig(Map.of("phoneNumberId", phoneNumberId, "appSecret", secret,
        "verifyToken", "unused"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    List<InboxRepository.Item> items = new ArrayList<>(events);
    long ts = Instant.now().getEpochSecond();
    for (int i = 0; i < events; i++) {
      String from = "1555000" + String.format("%04d", i % 1000);
      String userId = "US.1349120865530274" + String.format("%04d", i % 1000);
      String contactUserId = userIds ? ",\"user_id\":\"" + userId + "\"" : "";
      String fromUserId = userIds ? ",\"from_user_id\":\"" + userId + "\"" : "";
      String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
          + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
          + "\"phone_number_id\":\"" + phoneNumberId + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench User\"},"
          + "\"wa_id\":\"" + from + "\"" + contactUserId + "}],\"messages\":[{\"from\":\"" + from + "\"" + fromUserId
          + ",\"id\":\"wamid.ceiling." + runId
          + "." + i + "\",\"timestamp\":\"" + ts + "\",\"text\":{\"body\":\"Hello from the ceiling run " + i
          + "\"},\"type\":\"text\"}]},\"field\":\"messages\"}]}]}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(bytes));
      WebhookRequest request = new WebhookRequest("POST", Map.of("x-hub-signature-256", signature,
          "content-type", "application/json"), Map.of(), bytes, Instant.now());
      DecodeResult result = whatsapp.decodeWebhook(request, account);
      if (!(result instanceof DecodeResult.Accepted accepted)) {
        throw new IllegalStateException("the ceiling payload did not decode: " + result);
      }
      accepted.events().forEach(e -> items.add(new InboxRepository.Item(tenant, "whatsapp", e, request.receivedAt())));
    }
    return items;
  }

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      System.err.println("missing --" + key);
      System.exit(2);
    }
    return v;
  }
}
