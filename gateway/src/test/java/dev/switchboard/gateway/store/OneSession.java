package dev.switchboard.gateway.store;

import dev.switchboard.gateway.db.DatabaseUrl;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * For the tests of the plans a session keeps: a migrated database of its own with one tenant, and a
 * pool of one connection, so that every call runs in the same session with the plans its first call
 * made. Autovacuum is off for {@code withoutAutovacuum}, so no ANALYZE replans them during the test.
 */
final class OneSession implements AutoCloseable {
  final DatabaseUrl url;
  final Pool session;
  private final Vertx vertx;

  private OneSession(DatabaseUrl url, Vertx vertx, Pool session) {
    this.url = url;
    this.vertx = vertx;
    this.session = session;
  }

  static OneSession create(String prefix, String tenant, String... withoutAutovacuum) throws SQLException {
    DatabaseUrl url = TestDatabase.createMigratedDatabase(prefix, withoutAutovacuum);
    try (Connection c = TestDatabase.connect(url); var st = c.createStatement()) {
      st.execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', '" + prefix + "')");
    }
    Vertx vertx = Vertx.vertx();
    Pool session = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(url.connectOptions())
        .using(vertx).build();
    return new OneSession(url, vertx, session);
  }

  /** The result of {@code f}, waited for up to 60 s. */
  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws SQLException {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    TestDatabase.dropDatabase(url);
  }
}
