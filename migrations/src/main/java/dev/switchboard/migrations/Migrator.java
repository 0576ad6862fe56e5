package dev.switchboard.migrations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema with Flyway. Blocking (JDBC): call it before Vert.x serves anything or inside
 * {@code executeBlocking}, never on an event loop.
 */
public final class Migrator {
  private final String jdbcUrl;
  private final String user;
  private final String password;

  public Migrator(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** Migrates to the latest version; returns the number of migrations applied. */
  public int migrate() {
    MigrateResult result = Flyway.configure(Migrator.class.getClassLoader())
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .connectRetries(3)
        .load()
        .migrate();
    return result.migrationsExecuted;
  }

  /**
   * Applies the contact-memory schema ({@code db/memory}, history table {@code flyway_memory_history})
   * where the {@code vector} extension can be created, and says whether memory can be used. Never
   * throws for a server without pgvector: memory is then unavailable and everything else works.
   *
   * <p>Flyway runs with a session-level advisory lock (not its default lock transaction held on a
   * second connection) and the JDBC URL may carry {@code prepareThreshold=0}: both needed by servers
   * that serve every connection from one session (PGlite's socket server, PgBouncer in transaction
   * mode), harmless elsewhere.
   *
   * @param dimensions the embedding size for a new table ({@code memory.dimensions})
   */
  public MemorySchema migrateMemory(int dimensions) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
         Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")) {
        if (!rs.next()) {
          return MemorySchema.unavailable(MemorySchema.NO_PGVECTOR);
        }
      }
    } catch (SQLException e) {
      return MemorySchema.unavailable("the memory database is unreachable (" + firstLine(e) + ")");
    }
    try {
      Flyway.configure(Migrator.class.getClassLoader())
          .dataSource(jdbcUrl, user, password)
          .locations("classpath:db/memory")
          .table("flyway_memory_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .placeholders(Map.of("dimensions", Integer.toString(dimensions)))
          .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
          .connectRetries(3)
          .load()
          .migrate();
    } catch (FlywayException e) {
      return MemorySchema.unavailable("the memory schema could not be created (" + firstLine(e) + ")");
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT a.atttypmod FROM pg_attribute a "
             + "WHERE a.attrelid = to_regclass('contact_memories') AND a.attname = 'embedding'")) {
      if (!rs.next()) {
        return MemorySchema.unavailable("the contact_memories table is missing");
      }
      return new MemorySchema(true, null, rs.getInt(1));
    } catch (SQLException e) {
      return MemorySchema.unavailable("the memory database is unreachable (" + firstLine(e) + ")");
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("-")).findFirst().orElse(m);
  }

  /** The newest migration version this build knows, e.g. {@code 1}. */
  public String latestVersion() {
    var info = Flyway.configure(Migrator.class.getClassLoader())
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .info();
    var current = info.current();
    return current == null ? null : current.getVersion().getVersion();
  }
}
