package dev.switchboard.migrations;

import org.flywaydb.core.Flyway;
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
