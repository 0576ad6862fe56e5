package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The real pgvector of the memory tests: PGlite (PostgreSQL 18 in WASM with pgvector 0.8), served
 * over the wire protocol by its socket server. {@code SWITCHBOARD_TEST_PGLITE_URL} (or
 * {@code -Dswitchboard.test.pgliteUrl}) names a running one ({@code .ci/run} starts it); without it
 * the server is started from {@code tools/pglite} (after {@code npm ci} there) for this JVM. Neither:
 * the tests fail, saying so — they never skip.
 *
 * <p>What the server is: one PostgreSQL session that every connection shares (queries are queued,
 * a transaction holds the others back). So clients must open no named prepared statements
 * ({@code prepareThreshold=0}, which the gateway also reads as "no statement cache") and a reactive
 * pool must have one connection ({@code memory.poolSize: 1}); with more, one connection's
 * extended-protocol messages interleave with another's on the shared unnamed statement.
 */
public final class Pglite {
  private static String url;
  private static Process server;

  private Pglite() {
  }

  /** {@code postgresql://…?sslmode=disable&prepareThreshold=0} of the running server. */
  public static synchronized String url() {
    if (url != null) {
      return url;
    }
    String given = System.getenv("SWITCHBOARD_TEST_PGLITE_URL");
    if (given == null || given.isBlank()) {
      given = System.getProperty("switchboard.test.pgliteUrl");
    }
    url = given != null && !given.isBlank() ? given.strip() : start();
    Awaitility.await("PGlite at " + url.replaceAll("//[^@]*@", "//")).atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
          try (Connection c = connect(); var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
            return rs.next();
          }
        });
    return url;
  }

  /** JDBC to the server; use it only while no gateway is using the server (one shared session). */
  public static Connection connect() throws SQLException {
    var u = dev.switchboard.gateway.db.DatabaseUrl.parse(url);
    return DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password());
  }

  /** Removes a tenant's memories left by an earlier run (contact ids restart with a fresh test database). */
  public static void forget(String... tenants) {
    url();
    try (Connection c = connect(); var st = c.createStatement();
         var rs = st.executeQuery("SELECT to_regclass('contact_memories') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return;
      }
      try (var delete = c.prepareStatement("DELETE FROM contact_memories WHERE tenant_id = ANY (?)")) {
        delete.setArray(1, c.createArrayOf("text", tenants));
        delete.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot clean PGlite: " + e.getMessage(), e);
    }
  }

  private static String start() {
    Path dir = Path.of(System.getProperty("switchboard.test.pgliteDir", "../tools/pglite")).toAbsolutePath().normalize();
    Path script = dir.resolve("node_modules/@electric-sql/pglite-socket/dist/scripts/server.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("the memory tests need PGlite with pgvector, and there is none: set "
          + "SWITCHBOARD_TEST_PGLITE_URL to a running server, or install it with `npm ci` in " + dir
          + " (Node.js 18+; .ci/run does both)");
    }
    int port = RunningGateway.freePort();
    try {
      Path log = Files.createTempFile("pglite-", ".log");
      server = new ProcessBuilder(List.of("node", script.toString(), "--port=" + port, "--host=127.0.0.1",
          "--extensions=@electric-sql/pglite-pgvector:vector", "--max-connections=8"))
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PGlite with node (is Node.js 18+ installed?): " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "pglite-stop"));
    return "postgresql://postgres:pglite@127.0.0.1:" + port + "/postgres?sslmode=disable&prepareThreshold=0";
  }
}
