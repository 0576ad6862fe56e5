package dev.switchboard.gateway.housekeeping;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums the work queues ({@code outbox}, {@code dispatch_queue}) as soon as they hold
 * {@link #DEAD_ROWS} dead rows, instead of waiting for autovacuum.
 *
 * <p>A queue row is inserted, updated by its claim (its due time moves, so it gets new index
 * entries), updated again, and deleted: three dead versions per row sent, all at the front of the
 * due index the claims scan from. Until a vacuum removes them every claim walks over them; killed
 * index entries are skipped without a heap visit, but their pages are still read. autovacuum looks
 * at a database once per {@code autovacuum_naptime} (a minute by default), and at 5,000 sends/s a
 * minute is 900,000 dead versions: a claim that takes 0.2 ms after a vacuum took 7 ms (1,300
 * buffers for 16 rows) 48,000 rows into a drain (measured 2026-12-03, {@code bench/README.md}), and
 * the senders, claiming what room they have, fell to a fraction of their speed.
 *
 * <p>Each beat ({@code store.queueVacuumInterval}) reads the dead-row counts of the statistics
 * collector (one query, no table is touched) and vacuums each queue over the bound: {@code SKIP_LOCKED}
 * (a vacuum already running, autovacuum's or another node's, is not waited for), {@code PARALLEL 0}
 * (a queue's indexes are small: starting workers costs more than it saves), and {@code TRUNCATE false}
 * (truncating takes an exclusive lock, which would stop the claims and enqueues for its duration; the
 * space is reused, and autovacuum still truncates). A queue this database user cannot vacuum (not its
 * owner) is named once in the log at start and left to autovacuum.
 */
public final class QueueVacuumVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(QueueVacuumVerticle.class);
  /** The work queues: FIFO tables whose rows live for seconds. */
  static final List<String> QUEUES = List.of("outbox", "dispatch_queue");
  /** Dead rows that make a queue due for a vacuum. */
  static final long DEAD_ROWS = 2_000;

  private static final String VACUUMABLE = """
      SELECT c.relname::text FROM pg_class c
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY ($1)
         AND (pg_has_role(current_user, c.relowner, 'USAGE')
              OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))""";
  private static final String DEAD = """
      SELECT relname::text, n_dead_tup FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND relname = ANY ($1)""";

  private final DatabaseUrl database;
  private final Metrics metrics;
  private final Duration interval;
  private final Map<String, Long> dead = new ConcurrentHashMap<>();
  private List<String> queues = List.of();
  private Pool pool;
  private long timer = -1;
  private boolean running;

  public QueueVacuumVerticle(DatabaseUrl database, Metrics metrics, Duration interval) {
    this.database = database;
    this.metrics = metrics;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1).setName("queue-vacuum"))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    return pool.preparedQuery(VACUUMABLE).execute(Tuple.of(QUEUES.toArray(String[]::new)))
        .map(rows -> {
          List<String> mine = new ArrayList<>();
          rows.forEach(r -> mine.add(r.getString(0)));
          return mine;
        })
        .onSuccess(mine -> {
          queues = QUEUES.stream().filter(mine::contains).toList();
          QUEUES.stream().filter(q -> !mine.contains(q)).forEach(q -> LOG.atWarn().log(
              "cannot vacuum {}: the database user does not own it; it is left to autovacuum (a low"
                  + " autovacuum_naptime keeps the claims fast)", q));
          for (String q : queues) {
            Gauge.builder("switchboard.queue.dead.rows", dead, m -> m.getOrDefault(q, 0L))
                .description("Dead row versions in a work queue, as PostgreSQL's statistics last counted them")
                .tag("table", q).register(metrics.registry());
          }
          if (!queues.isEmpty()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> beat());
          }
        });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private void beat() {
    if (running) {
      return; // the last beat's vacuum is still at work
    }
    running = true;
    pool.preparedQuery(DEAD).execute(Tuple.of(queues.toArray(String[]::new)))
        .timeout(5, TimeUnit.SECONDS)
        .compose(rows -> {
          List<String> due = new ArrayList<>();
          for (Row r : rows) {
            dead.put(r.getString(0), r.getLong(1));
            if (r.getLong(1) >= DEAD_ROWS) {
              due.add(r.getString(0));
            }
          }
          Future<?> chain = Future.succeededFuture();
          for (String q : due) {
            chain = chain.compose(v -> vacuum(q));
          }
          return chain;
        })
        .onFailure(err -> LOG.atDebug().log("queue vacuum skipped a beat: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  private Future<?> vacuum(String queue) {
    long start = System.nanoTime();
    // the name comes from QUEUES, never from input
    return pool.query("VACUUM (SKIP_LOCKED, PARALLEL 0, TRUNCATE false) " + queue).execute()
        .timeout(60, TimeUnit.SECONDS)
        .onSuccess(v -> metrics.queueVacuum(queue, System.nanoTime() - start))
        .onFailure(err -> LOG.atWarn().log("vacuum of {} failed: {}", queue, err.toString()));
  }
}
