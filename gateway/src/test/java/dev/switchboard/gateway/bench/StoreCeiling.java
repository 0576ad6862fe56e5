package dev.switchboard.gateway.store;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.PluginLoader;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
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
 * <pre>java -cp switchboard.jar dev.switchboard.gateway.store.StoreCeiling --database-url URL
 *   --tenant bench --phone-number-id ID [--events 200000] [--batch 128] [--concurrency 3]
 *   [--user-ids false]</pre>
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

    new dev.switchboard.migrations.Migrator(url.jdbcUrl(), url.user(), url.password()).migrate();
    List<InboxRepository.Item> items = decode(tenant, phoneNumberId, events, runId, userIds);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(concurrency))
        .connectingTo(url.connectOptions()).using(vertx).build();
    try {
      ensureTenant(pool, tenant).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      InboxRepository repository = new InboxRepository();
      // warm up prepared statements and caches
      write(vertx, pool, repository, items.subList(0, Math.min(items.size(), batch * 20)), batch, concurrency);
      List<InboxRepository.Item> timed = items.subList(Math.min(items.size(), batch * 20), items.size());
      long start = System.nanoTime();
      write(vertx, pool, repository, timed, batch, concurrency);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("CEILING {\"rowsPerSec\":%.0f,\"events\":%d,\"batch\":%d,\"concurrency\":%d,\"seconds\":%.2f,"
          + "\"userIds\":%b}%n", timed.size() / seconds, timed.size(), batch, concurrency, seconds, userIds);
    } finally {
      pool.close();
      vertx.close();
    }
  }

  private static void write(Vertx vertx, Pool pool, InboxRepository repository, List<InboxRepository.Item> items,
                            int batch, int concurrency) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger running = new AtomicInteger(concurrency);
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        loop(pool, repository, items, batch, next, running, done);
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }

  private static void loop(Pool pool, InboxRepository repository, List<InboxRepository.Item> items, int batch,
                           AtomicInteger next, AtomicInteger running, Promise<Void> done) {
    int from = next.getAndAdd(batch);
    if (from >= items.size()) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    List<InboxRepository.Item> slice = items.subList(from, Math.min(items.size(), from + batch));
    repository.append(pool, slice)
        .onSuccess(keys -> loop(pool, repository, items, batch, next, running, done))
        .onFailure(done::tryFail);
  }

  private static Future<Void> ensureTenant(Pool pool, String tenant) {
    return pool.preparedQuery("INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(tenant)).mapEmpty();
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
