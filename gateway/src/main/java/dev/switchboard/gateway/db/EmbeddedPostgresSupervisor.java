package dev.switchboard.gateway.db;

import dev.switchboard.gateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL alive: the gateway started it, so when it exits (a crash, the OOM
 * killer, a kill -9 of the postmaster) the gateway starts it again, on the same data directory and
 * port, after PostgreSQL's own crash recovery. The pools reconnect by themselves to the same URL;
 * meanwhile the store answers 503 + {@code Retry-After}, so nothing unacknowledged is lost and nothing
 * acknowledged was uncommitted. Restarts back off ({@link RestartPolicy}); when they keep failing
 * (or the server keeps dying) within a short time, the supervisor gives up with one clear line
 * handed to {@code onGiveUp} (the launcher exits non-zero with it, for a service manager to act).
 *
 * <p>Every process check and {@code pg_ctl} call runs on a worker; the verticle only schedules.
 */
public final class EmbeddedPostgresSupervisor extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresSupervisor.class);

  private final EmbeddedPostgres server;
  private final Metrics metrics;
  private final RestartPolicy policy;
  private final Duration checkEvery;
  private final Handler<String> onGiveUp;
  private long timer = -1;
  private boolean busy;
  private boolean stopped;
  private int restarts;

  /** Checks every 500 ms ({@code -Dswitchboard.embeddedDb.checkMillis}), with the default {@link RestartPolicy}. */
  public EmbeddedPostgresSupervisor(EmbeddedPostgres server, Metrics metrics, Handler<String> onGiveUp) {
    this(server, metrics, RestartPolicy.defaults(),
        Duration.ofMillis(Long.getLong("switchboard.embeddedDb.checkMillis", 500L)), onGiveUp);
  }

  EmbeddedPostgresSupervisor(EmbeddedPostgres server, Metrics metrics, RestartPolicy policy, Duration checkEvery,
                             Handler<String> onGiveUp) {
    this.server = server;
    this.metrics = metrics;
    this.policy = policy;
    this.checkEvery = checkEvery;
    this.onGiveUp = onGiveUp;
  }

  @Override
  public Future<?> start() {
    metrics.embeddedDbRestarts("ok", 0);
    metrics.embeddedDbRestarts("failed", 0);
    timer = vertx.setPeriodic(checkEvery.toMillis(), id -> check());
    return Future.succeededFuture();
  }

  /**
   * Stops watching. A restart still running is not waited for: the gateway stops the server next,
   * which also ends a start in progress.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    vertx.executeBlocking(server::isRunning, false)
        .compose(running -> running ? Future.succeededFuture() : recover())
        .onComplete(ar -> busy = false);
  }

  private Future<Void> recover() {
    LOG.atWarn().addKeyValue("pid", server.pid())
        .log("the embedded PostgreSQL exited unexpectedly; restarting it on the same data directory "
            + "(webhooks are answered 503 until it is back)");
    return attempt(System.nanoTime(), null);
  }

  private Future<Void> attempt(long downSince, Throwable lastFailure) {
    if (stopped) {
      return Future.succeededFuture();
    }
    Optional<Duration> wait = policy.next(System.nanoTime());
    if (wait.isEmpty()) {
      giveUp(lastFailure);
      return Future.succeededFuture();
    }
    Future<Void> delay = wait.get().isZero() ? Future.succeededFuture() : vertx.timer(wait.get().toMillis());
    return delay.compose(v -> stopped ? Future.succeededFuture() : vertx.executeBlocking(server::restart, false)
        .<Void>map(url -> {
          restarts++;
          metrics.embeddedDbRestarts("ok", 1);
          long downMillis = (System.nanoTime() - downSince) / 1_000_000;
          LOG.atInfo().addKeyValue("restarts", restarts).addKeyValue("pid", server.pid())
              .addKeyValue("downMillis", downMillis)
              .log("the embedded PostgreSQL is back after crash recovery (restart {}, down {} ms)", restarts, downMillis);
          return null;
        })
        .recover(err -> {
          if (stopped) {
            return Future.succeededFuture();
          }
          metrics.embeddedDbRestarts("failed", 1);
          LOG.atWarn().log("restarting the embedded PostgreSQL failed: {}", err.getMessage());
          return attempt(downSince, err);
        }));
  }

  private void giveUp(Throwable lastFailure) {
    stopped = true;
    vertx.cancelTimer(timer);
    String why = lastFailure == null ? "it exited again after each one (see " + server.logFile() + ")"
        : "the last failed: " + lastFailure.getMessage();
    String reason = "the embedded PostgreSQL could not be kept running: " + policy.maxRestarts()
        + " restarts within " + policy.window().toMinutes() + " min, " + why;
    LOG.error("giving up: {}", reason);
    onGiveUp.handle(reason);
  }
}
