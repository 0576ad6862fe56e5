package dev.switchboard.gateway.store;

import io.vertx.pgclient.PgException;

/** What a database error says about its cause, by SQLSTATE (never by message text). */
final class SqlStates {
  private SqlStates() {
  }

  /** Data exceptions (class 22) and integrity violations (class 23): this data, not the database. */
  static boolean isDataError(Throwable err) {
    if (err instanceof PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }
    return false;
  }
}
