package dev.switchboard.gateway.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /** How often one batch runs again after a conflict before it is failed like an outage. */
  static final int CONFLICT_RETRIES = 3;

  /**
   * A deadlock ({@code 40P01}) or a serialization failure ({@code 40001}): PostgreSQL rolled the
   * whole transaction back because of another transaction, not because of this data, so the same
   * call may run again as it was (both batch functions are idempotent by their keys).
   */
  static boolean isConflict(Throwable err) {
    return err instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }

  /**
   * Runs {@code transaction}, and runs it again, up to {@link #CONFLICT_RETRIES} times, while it
   * fails with a {@linkplain #isConflict conflict}; {@code onRetry} hears of each conflict that is
   * retried. Any other failure, or the last conflict, is the returned future's failure.
   */
  static <T> Future<T> retryingConflicts(Supplier<Future<T>> transaction, Consumer<PgException> onRetry) {
    return retryingConflicts(transaction, onRetry, 0);
  }

  private static <T> Future<T> retryingConflicts(Supplier<Future<T>> transaction, Consumer<PgException> onRetry,
      int retried) {
    return transaction.get().recover(err -> {
      if (isConflict(err) && retried < CONFLICT_RETRIES) {
        onRetry.accept((PgException) err);
        return retryingConflicts(transaction, onRetry, retried + 1);
      }
      return Future.failedFuture(err);
    });
  }
}
