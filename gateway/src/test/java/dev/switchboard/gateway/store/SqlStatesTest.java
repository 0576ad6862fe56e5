package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which database errors a batch runs again for, and which are the data's fault. */
class SqlStatesTest {
  private static PgException pg(String sqlState) {
    return new PgException("message", "ERROR", sqlState, null);
  }

  @Test
  void aDeadlockOrASerializationFailureIsAConflictToRunAgain() {
    assertThat(SqlStates.isConflict(pg("40P01"))).isTrue();
    assertThat(SqlStates.isConflict(pg("40001"))).isTrue();
    assertThat(SqlStates.isDataError(pg("40P01"))).isFalse();
  }

  @Test
  void dataErrorsOutagesAndOtherFailuresAreNotConflicts() {
    assertThat(SqlStates.isConflict(pg("23505"))).isFalse(); // unique violation: the data
    assertThat(SqlStates.isDataError(pg("23505"))).isTrue();
    assertThat(SqlStates.isConflict(pg("22P02"))).isFalse();
    assertThat(SqlStates.isConflict(pg("57014"))).isFalse(); // statement timeout: not retried at once
    assertThat(SqlStates.isConflict(pg("08006"))).isFalse(); // connection failure: an outage
    assertThat(SqlStates.isConflict(new IOException("reset"))).isFalse();
    assertThat(SqlStates.isConflict(pg(null))).isFalse();
  }

  @Test
  void aTransactionRunsAgainAfterEachConflictUntilItCommits() {
    AtomicInteger runs = new AtomicInteger();
    List<String> retried = new ArrayList<>();
    Future<String> result = SqlStates.retryingConflicts(
        () -> runs.incrementAndGet() <= 2 ? Future.failedFuture(pg("40P01")) : Future.succeededFuture("committed"),
        conflict -> retried.add(conflict.getSqlState()));
    assertThat(result.result()).isEqualTo("committed");
    assertThat(runs).hasValue(3);
    assertThat(retried).containsExactly("40P01", "40P01");
  }

  @Test
  void afterThreeRetriesTheConflictIsTheFailure() {
    AtomicInteger runs = new AtomicInteger();
    Future<String> result = SqlStates.retryingConflicts(() -> {
      runs.incrementAndGet();
      return Future.failedFuture(pg("40001"));
    }, conflict -> { });
    assertThat(result.failed()).isTrue();
    assertThat(SqlStates.isConflict(result.cause())).isTrue();
    assertThat(runs).hasValue(1 + SqlStates.CONFLICT_RETRIES);
  }

  @Test
  void anyOtherFailureIsNotRunAgain() {
    AtomicInteger runs = new AtomicInteger();
    Future<String> result = SqlStates.retryingConflicts(() -> {
      runs.incrementAndGet();
      return Future.failedFuture(pg("23505"));
    }, conflict -> { });
    assertThat(result.failed()).isTrue();
    assertThat(runs).hasValue(1);
  }
}
