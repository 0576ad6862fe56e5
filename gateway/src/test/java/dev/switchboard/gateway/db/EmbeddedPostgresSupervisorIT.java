package dev.switchboard.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When every restart fails, the supervisor stops trying and says why in one line. */
class EmbeddedPostgresSupervisorIT {
  private static final Path DIR = Path.of("target", "supervisor-gives-up").toAbsolutePath();
  private EmbeddedPostgres pg;
  private Vertx vertx;

  @BeforeEach
  void start() {
    TestDatabase.deleteTree(DIR);
    pg = EmbeddedPostgres.at(DIR);
    pg.start();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    pg.stop();
  }

  @Test
  void givesUpWithOneClearLineWhenEveryRestartFails() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CompletableFuture<String> gaveUp = new CompletableFuture<>();
    RestartPolicy quick = new RestartPolicy(3, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofMillis(200));
    vertx.deployVerticle(new EmbeddedPostgresSupervisor(pg, new Metrics(registry), quick, Duration.ofMillis(100),
        gaveUp::complete)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    // a data directory no server can start on, then the server dies
    Files.delete(DIR.resolve("pgdata/global/pg_control"));
    assertThat(ProcessHandle.of(pg.pid()).orElseThrow().destroyForcibly()).isTrue();

    String reason = gaveUp.get(60, TimeUnit.SECONDS);
    assertThat(reason).startsWith("the embedded PostgreSQL could not be kept running: 3 restarts within 1 min,"
            + " the last failed: cannot start PostgreSQL: ")
        .contains("could not open file").contains("global/pg_control").endsWith("(see " + DIR.resolve("postgres.log") + ")");
    assertThat(registry.counter("switchboard.embedded.db.restarts", "outcome", "failed").count()).isEqualTo(3.0);
    assertThat(registry.counter("switchboard.embedded.db.restarts", "outcome", "ok").count()).isZero();
    assertThat(pg.isRunning()).isFalse();
  }
}
