package dev.switchboard.gateway.testing;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.db.EmbeddedPostgres;
import dev.switchboard.migrations.Migrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one real PostgreSQL of a test run: {@code DATABASE_URL} when set, else a server started with
 * the gateway's own embedded mechanism under {@code target/it-postgres} (fresh each run) and stopped
 * when the JVM exits. Tests isolate themselves by tenant id, never by mocking storage.
 */
public final class TestDatabase {
  private static DatabaseUrl url;
  private static EmbeddedPostgres embedded;

  private TestDatabase() {
  }

  public static synchronized DatabaseUrl url() {
    if (url != null) {
      return url;
    }
    String external = System.getenv("DATABASE_URL");
    if (external != null && !external.isBlank()) {
      url = DatabaseUrl.parse(external);
    } else {
      Path dir = Path.of(System.getProperty("switchboard.test.dataDir", "target/it-postgres"));
      deleteTree(dir);
      embedded = EmbeddedPostgres.at(dir);
      url = embedded.start();
      Runtime.getRuntime().addShutdownHook(new Thread(embedded::stop, "test-postgres-stop"));
    }
    new Migrator(url.jdbcUrl(), url.user(), url.password()).migrate();
    return url;
  }

  public static Connection connect() throws SQLException {
    return connect(url());
  }

  /** A connection to {@code database} (the test server's, or one made by {@link #createDatabase}). */
  public static Connection connect(DatabaseUrl database) throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }

  /**
   * A new, empty database of its own on the test server (not migrated), for a test that needs a
   * schema or planner state no other test touches; drop it with {@link #dropDatabase}.
   */
  public static DatabaseUrl createDatabase(String prefix) throws SQLException {
    DatabaseUrl server = url();
    String name = prefix + "_" + Long.toString(System.currentTimeMillis(), 36);
    try (Connection c = connect(); var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return new DatabaseUrl(server.host(), server.port(), name, server.user(), server.password(), server.query());
  }

  /**
   * {@link #createDatabase}, migrated, with autovacuum off for {@code withoutAutovacuum}: for a test of
   * the plans a session keeps, which no ANALYZE of those tables may replan while it runs.
   */
  public static DatabaseUrl createMigratedDatabase(String prefix, String... withoutAutovacuum) throws SQLException {
    DatabaseUrl database = createDatabase(prefix);
    new Migrator(database.jdbcUrl(), database.user(), database.password()).migrate();
    try (Connection c = connect(database); var st = c.createStatement()) {
      for (String table : withoutAutovacuum) {
        st.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
      }
    }
    return database;
  }

  /** Drops a database made by {@link #createDatabase}, with any connection still open to it. */
  public static void dropDatabase(DatabaseUrl database) throws SQLException {
    try (Connection c = connect(); var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
    }
  }

  /**
   * How many plugin runs the tenant's chain logged for a message (plugin_runs, by its platform id):
   * with a one-entry chain, how many times the message went through the chain.
   */
  public static long chainRuns(String tenant, String platformMessageId) {
    return number("SELECT count(*) FROM plugin_runs r JOIN messages m ON m.id = r.message_id"
        + " WHERE m.tenant_id = ? AND m.platform_message_id = ?", tenant, platformMessageId);
  }

  /** Runs a query returning one number (e.g. a count). */
  public static long number(String sql, Object... params) {
    try (Connection c = connect(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (var rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a query returning one number on {@code st}'s session, inside its transaction if one is
   * open (what the plan tests need: the counts of {@code pg_stat_xact_*} are the transaction's own).
   * A query that returns no row is an error (a statistics row that is missing is not a zero).
   */
  public static long number(java.sql.Statement st, String sql) throws SQLException {
    try (var rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from: " + sql);
      }
      return rs.getLong(1);
    }
  }

  /** Runs a query returning one row; its columns as text (null when there is no row). */
  public static java.util.List<String> row(String sql, Object... params) {
    try (Connection c = connect(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (var rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        java.util.List<String> values = new java.util.ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.add(rs.getString(i));
        }
        return values;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many of {@code platformIds} are stored as {@code tenant}'s messages in the database at {@code url}. */
  public static long storedMessages(DatabaseUrl url, String tenant, java.util.Collection<String> platformIds) {
    try (Connection c = connect(url);
         var st = c.prepareStatement("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ANY(?)")) {
      st.setString(1, tenant);
      st.setArray(2, c.createArrayOf("text", platformIds.toArray()));
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot clean " + dir, e);
    }
  }
}
