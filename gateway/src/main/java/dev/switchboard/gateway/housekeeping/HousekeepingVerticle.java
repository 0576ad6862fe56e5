package dev.switchboard.gateway.housekeeping;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic upkeep of conversation and account state, off the hot path:
 * <ul>
 *   <li>lifts human-takeover pauses once the tenant's {@code takeover.autoResumeAfter} has passed
 *       without a human message ({@code resume_takeovers()});</li>
 *   <li>applies receipts that waited while a concurrent batch was storing their message, and drops
 *       receipts that waited over {@link #PENDING_RECEIPT_TTL} for a message that never came;</li>
 *   <li>publishes the paused-conversation count and each account's connection state as gauges, and
 *       answers {@link AccountStates.Query} (for {@code /ready}).</li>
 * </ul>
 * The first three are the cluster's work: only the node holding the {@code housekeeping} lease
 * ({@code cluster_leases}, three intervals long, renewed on each sweep, given up on stop) does them,
 * so in a cluster they run once per beat; a dead holder's lease expires and another node takes it.
 * The gauges are each node's own (every node exports them).
 */
public final class HousekeepingVerticle extends VerticleBase {
  /** Bus address of {@link AccountStates.Query}. */
  public static final String ACCOUNT_STATES = "sb.housekeeping.accounts";
  static final Duration PENDING_RECEIPT_TTL = Duration.ofHours(24);
  private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);

  /** Takes the lease when it is free, expired or already ours; a row back means this node holds it. */
  private static final String TAKE_LEASE = """
      INSERT INTO cluster_leases (name, owner, until) VALUES ('housekeeping', $1, now() + make_interval(secs => $2))
      ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
       WHERE cluster_leases.owner = EXCLUDED.owner OR cluster_leases.until < now()
      RETURNING owner""";
  private static final String SELECT_STATES = """
      SELECT tenant_id, channel, account_ref, state, state_at FROM channel_accounts
       WHERE state IS NOT NULL ORDER BY tenant_id, channel""";

  private final DatabaseUrl database;
  private final String node;
  private final Metrics metrics;
  private final Duration interval;
  private final int runRetentionDays;
  private final Map<String, Double> accountUp = new ConcurrentHashMap<>();
  private volatile double paused;
  private Pool pool;
  private long timer = -1;
  private boolean running;

  /** @param node this process's name in the cluster's leases */
  public HousekeepingVerticle(DatabaseUrl database, String node, Metrics metrics, Duration interval,
                              int runRetentionDays) {
    this.database = database;
    this.node = node;
    this.metrics = metrics;
    this.interval = interval;
    this.runRetentionDays = runRetentionDays;
  }

  /** The sweep interval: {@code -Dswitchboard.housekeeping.intervalMillis} (default 15 s). */
  public static Duration defaultInterval() {
    return Duration.ofMillis(Long.getLong("switchboard.housekeeping.intervalMillis", 15_000L));
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(2).setName("housekeeping"))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    Gauge.builder("switchboard.conversations.paused", this, v -> v.paused)
        .description("Conversations paused (human takeover or by hand)").register(metrics.registry());
    timer = vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.all(vertx.eventBus().<AccountStates.Query>localConsumer(ACCOUNT_STATES, this::onQuery).completion(),
            vertx.eventBus().<Takeover>localConsumer(Addresses.CONVERSATION_TAKEOVER, this::onTakeover).completion())
        .onSuccess(v -> sweep());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    if (pool == null) {
      return Future.succeededFuture();
    }
    // give the lease up, so that another node takes the cluster's housekeeping at its next beat
    return pool.preparedQuery("DELETE FROM cluster_leases WHERE name = 'housekeeping' AND owner = $1")
        .execute(io.vertx.sqlclient.Tuple.of(node)).timeout(3, TimeUnit.SECONDS)
        .transform(ar -> pool.close());
  }

  private void sweep() {
    if (running) {
      return; // the previous sweep is still at work (slow database): skip a beat
    }
    running = true;
    pool.preparedQuery(TAKE_LEASE).execute(io.vertx.sqlclient.Tuple.of(node, 3.0 * interval.toMillis() / 1000))
        .compose(lease -> {
          boolean mine = lease.size() > 0;
          metrics.housekeepingSweep(mine ? "ran" : "other_node");
          return mine ? clusterWork() : Future.succeededFuture();
        })
        .compose(v -> pool.query("SELECT count(*) FROM conversations WHERE status = 'paused'").execute())
        .map(rows -> paused = rows.iterator().next().getLong(0))
        .compose(v -> states())
        .onSuccess(this::publishGauges)
        .onFailure(err -> LOG.atWarn().log("housekeeping sweep failed, retrying next time: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  /** The cluster's part of a sweep (done by the lease holder only). */
  private Future<?> clusterWork() {
    return pool.query("SELECT resume_takeovers()").execute()
        .map(rows -> rows.iterator().next().getInteger(0))
        .onSuccess(resumed -> metrics.conversationsResumed(resumed))
        .compose(v -> pool.query("SELECT apply_pending_receipts()").execute())
        .compose(v -> pool.preparedQuery(
                "DELETE FROM pending_receipts WHERE received_at < now() - make_interval(secs => $1)")
            .execute(io.vertx.sqlclient.Tuple.of((double) PENDING_RECEIPT_TTL.toSeconds())))
        .compose(v -> pool.preparedQuery("DELETE FROM plugin_runs WHERE created_at < now() - make_interval(days => $1)")
            .execute(io.vertx.sqlclient.Tuple.of(runRetentionDays)));
  }

  private Future<AccountStates> states() {
    return pool.query(SELECT_STATES).execute()
        .timeout(3, TimeUnit.SECONDS)
        .map(rows -> {
          List<AccountStates.Entry> entries = new ArrayList<>();
          for (Row row : rows) {
            entries.add(new AccountStates.Entry(row.getString(0), row.getString(1), row.getString(2),
                row.getString(3), row.getOffsetDateTime(4) == null ? null : row.getOffsetDateTime(4).toInstant()));
          }
          return new AccountStates(entries);
        });
  }

  private void publishGauges(AccountStates states) {
    for (AccountStates.Entry e : states.accounts()) {
      String key = e.tenantId() + '\u0000' + e.channel();
      if (accountUp.put(key, e.up() ? 1.0 : 0.0) == null) {
        Gauge.builder("switchboard.channel.account.up", accountUp, m -> m.getOrDefault(key, Double.NaN))
            .description("1 when the platform account reports itself connected (Evolution state open), else 0")
            .tags("tenant", e.tenantId(), "channel", e.channel())
            .register(metrics.registry());
      }
    }
  }

  /**
   * Pauses a conversation (paused_reason {@code api}: it stays paused until resumed by API, the
   * takeover auto-resume does not lift it) or resumes it. Another tenant's conversation is not
   * found. A closed conversation cannot be paused.
   */
  private void onTakeover(Message<Takeover> message) {
    Takeover t = message.body();
    String sql = t.pause()
        ? "UPDATE conversations SET status = 'paused', paused_reason = 'api', paused_at = COALESCE(paused_at, now()),"
            + " updated_at = now() WHERE id = $1 AND tenant_id = $2 AND status <> 'closed'"
            + " RETURNING status::text, paused_reason"
        : "UPDATE conversations SET status = 'active', paused_reason = NULL, paused_at = NULL, updated_at = now()"
            + " WHERE id = $1 AND tenant_id = $2 AND status = 'paused' RETURNING status::text, paused_reason";
    pool.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(t.conversationId(), t.tenantId()))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(rows.iterator().next())
            : pool.preparedQuery("SELECT status::text, paused_reason FROM conversations WHERE id = $1 AND tenant_id = $2")
                .execute(io.vertx.sqlclient.Tuple.of(t.conversationId(), t.tenantId()))
                .map(r -> r.size() == 0 ? null : r.iterator().next()))
        .timeout(5, TimeUnit.SECONDS)
        .onSuccess(row -> message.reply(row == null ? new Takeover.State(null, null)
            : new Takeover.State(row.getString(0), row.getString(1))))
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "database unreachable"));
  }

  private void onQuery(Message<AccountStates.Query> message) {
    states()
        .onSuccess(s -> {
          publishGauges(s);
          message.reply(s);
        })
        .onFailure(err -> message.fail(FailureCodes.STORAGE_UNAVAILABLE, "database unreachable"));
  }
}
