package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.db.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the API keys' last use ({@code api_keys.last_used_at}) from {@link ApiKeyUsage} in one
 * statement per interval (a minute by default, so each key's row is written at most once a
 * minute), and once more when it stops.
 */
public final class ApiKeyUsageVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyUsageVerticle.class);
  private static final String UPDATE = """
      UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, u.at)
        FROM (SELECT unnest($1::bigint[]) AS id, to_timestamp(unnest($2::float8[]) / 1000.0) AS at) u
       WHERE k.id = u.id""";

  private final DatabaseUrl database;
  private final ApiKeyUsage usage;
  private final Duration interval;
  private Pool pool;
  private long timer = -1;

  public ApiKeyUsageVerticle(DatabaseUrl database, ApiKeyUsage usage, Duration interval) {
    this.database = database;
    this.usage = usage;
    this.interval = interval;
  }

  /** A minute, or {@code -Dswitchboard.apiKeys.usageInterval=<ISO-8601 duration>} (tests). */
  public static Duration defaultInterval() {
    String v = System.getProperty("switchboard.apiKeys.usageInterval");
    return v == null ? Duration.ofMinutes(1) : Duration.parse(v);
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setName("api-key-usage"))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(database.connectOptions()).using(vertx).build();
    timer = vertx.setPeriodic(interval.toMillis(), id -> flush());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return flush().eventually(() -> pool.close());
  }

  private Future<Void> flush() {
    Map<Long, Long> uses = usage.drain();
    if (uses.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] ids = uses.keySet().toArray(Long[]::new);
    Double[] at = new Double[ids.length];
    for (int i = 0; i < ids.length; i++) {
      at[i] = (double) uses.get(ids[i]);
    }
    return pool.preparedQuery(UPDATE).execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfDouble(at)).<Void>mapEmpty().onFailure(err -> {
      usage.restore(uses);
      LOG.warn("could not record the last use of {} API keys (retried at the next interval): {}", ids.length,
          err.getMessage());
    }).otherwiseEmpty();
  }
}
