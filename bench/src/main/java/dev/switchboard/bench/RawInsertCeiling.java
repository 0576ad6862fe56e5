package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw-insert ceiling of a PostgreSQL server: rows shaped like a stored WhatsApp text message
 * (tenant, channel, platform message id, chat, text) inserted into a plain table with one unique
 * key, {@code --batch} rows per statement (each statement its own durable commit), from
 * {@code --clients} connections at once. No function, no ledger, no contacts or conversations: what
 * the server absorbs when nothing but the rows is written, the yardstick for the gateway's
 * stored webhooks/s in the same run. Prints one line {@code RAW {"rowsPerSec":…}}; the table is
 * dropped afterwards.
 *
 * <pre>java -cp bench/target/webhook-load.jar dev.switchboard.bench.RawInsertCeiling
 *   --database-url postgresql://user:pass@host:port/db [--rows 200000] [--batch 100] [--clients 4]</pre>
 */
public final class RawInsertCeiling {
  static final String TABLE = "bench_raw_ceiling";
  static final String INSERT = "INSERT INTO " + TABLE + " (tenant_id, channel, platform_message_id, chat_id, text)"
      + " SELECT 'bench', 'whatsapp', k, c, t FROM unnest($1::text[], $2::text[], $3::text[]) AS r(k, c, t)"
      + " ON CONFLICT (tenant_id, channel, platform_message_id) DO NOTHING";

  private RawInsertCeiling() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String url = a.get("database-url");
    if (url == null) {
      System.err.println("usage: RawInsertCeiling --database-url URL [--rows 200000] [--batch 100] [--clients 4]");
      System.exit(2);
    }
    int rows = Integer.parseInt(a.getOrDefault("rows", "200000"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "100"));
    int clients = Integer.parseInt(a.getOrDefault("clients", "4"));
    String runId = Long.toString(System.currentTimeMillis(), 36);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(clients))
        .connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    try {
      await(pool.query("DROP TABLE IF EXISTS " + TABLE).execute()
          .compose(r -> pool.query("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, tenant_id text NOT NULL,"
              + " channel text NOT NULL, platform_message_id text NOT NULL, chat_id text NOT NULL, text text,"
              + " received_at timestamptz NOT NULL DEFAULT now(),"
              + " UNIQUE (tenant_id, channel, platform_message_id))").execute()));
      int warm = Math.min(rows / 10, batch * clients * 20);
      insert(vertx, pool, runId + "w", warm, batch, clients); // prepared statements, caches, JIT
      long start = System.nanoTime();
      insert(vertx, pool, runId, rows, batch, clients);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "RAW {\"rowsPerSec\":%.0f,\"rows\":%d,\"batch\":%d,\"clients\":%d,"
          + "\"seconds\":%.2f}%n", rows / seconds, rows, batch, clients, seconds);
      await(pool.query("DROP TABLE " + TABLE).execute());
    } finally {
      pool.close();
      vertx.close();
    }
  }

  private static void insert(Vertx vertx, Pool pool, String runId, int rows, int batch, int clients)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(clients);
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> {
      for (int i = 0; i < clients; i++) {
        loop(pool, runId, rows, batch, next, running, done);
      }
    });
    await(done.future());
  }

  private static void loop(Pool pool, String runId, int rows, int batch, AtomicInteger next, AtomicInteger running,
                           Promise<Void> done) {
    int from = next.getAndAdd(batch);
    if (from >= rows) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    int n = Math.min(batch, rows - from);
    String[] keys = new String[n];
    String[] chats = new String[n];
    String[] texts = new String[n];
    for (int j = 0; j < n; j++) {
      int i = from + j;
      keys[j] = "wamid.raw." + runId + "." + i;
      chats[j] = "1555000" + String.format(Locale.ROOT, "%04d", i % 1000);
      texts[j] = "Hello from the raw ceiling run " + i;
    }
    pool.preparedQuery(INSERT).execute(Tuple.of(keys, chats, texts))
        .onSuccess(r -> loop(pool, runId, rows, batch, next, running, done))
        .onFailure(done::tryFail);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
