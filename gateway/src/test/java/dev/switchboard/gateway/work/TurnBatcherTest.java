package dev.switchboard.gateway.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher on a real event loop: what one turn adds leaves together; calls in flight hold the rest back. */
class TurnBatcherTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<List<Integer>> batches = new ArrayList<>();
  private final List<Promise<Void>> calls = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Supplier<T> step) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> done.complete(step.get()));
    return done.get(10, TimeUnit.SECONDS);
  }

  /** A batcher whose calls stay open until the test completes them. */
  private TurnBatcher<Integer> batcher(int max, int maxInFlight) throws Exception {
    return onLoop(() -> new TurnBatcher<Integer>(vertx, max, maxInFlight, batch -> {
      batches.add(batch);
      Promise<Void> call = Promise.promise();
      calls.add(call);
      return call.future();
    }));
  }

  private void addOnLoop(TurnBatcher<Integer> b, int from, int to) throws Exception {
    onLoop(() -> {
      for (int i = from; i < to; i++) {
        b.add(i);
      }
      return null;
    });
    onLoop(() -> null); // the turn that flushes has run
  }

  @Test
  void whatOneTurnAddsLeavesAsOneBatchAtTheEndOfTheTurn() throws Exception {
    TurnBatcher<Integer> b = batcher(100, 2);
    addOnLoop(b, 0, 5);
    assertThat(onLoop(() -> List.copyOf(batches))).containsExactly(List.of(0, 1, 2, 3, 4));
  }

  @Test
  void aFullBatchLeavesAtOnceAndTheRestAtTheEndOfTheTurn() throws Exception {
    TurnBatcher<Integer> b = batcher(3, 4);
    addOnLoop(b, 0, 7);
    assertThat(onLoop(() -> List.copyOf(batches))).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
  }

  @Test
  void whileTheCallsInFlightAreOpenItemsWaitAndThenLeaveTogether() throws Exception {
    TurnBatcher<Integer> b = batcher(100, 1);
    addOnLoop(b, 0, 2);
    addOnLoop(b, 2, 4);
    addOnLoop(b, 4, 6);
    assertThat(onLoop(() -> List.copyOf(batches))).containsExactly(List.of(0, 1));
    assertThat(onLoop(b::waiting)).isEqualTo(4);
    onLoop(() -> {
      calls.get(0).complete();
      return null;
    });
    assertThat(onLoop(() -> List.copyOf(batches))).containsExactly(List.of(0, 1), List.of(2, 3, 4, 5));
    assertThat(onLoop(b::waiting)).isZero();
  }

  @Test
  void aFailedCallFreesItsPlaceToo() throws Exception {
    TurnBatcher<Integer> b = batcher(100, 1);
    addOnLoop(b, 0, 1);
    addOnLoop(b, 1, 2);
    onLoop(() -> {
      calls.get(0).fail("the database is down");
      return null;
    });
    assertThat(onLoop(() -> List.copyOf(batches))).containsExactly(List.of(0), List.of(1));
  }

  @Test
  void aFlushThatThrowsFreesItsPlace() throws Exception {
    List<List<Integer>> seen = new ArrayList<>();
    TurnBatcher<Integer> b = onLoop(() -> new TurnBatcher<Integer>(vertx, 100, 1, batch -> {
      seen.add(batch);
      if (seen.size() == 1) {
        throw new IllegalStateException("broken");
      }
      return Future.succeededFuture();
    }));
    addOnLoop(b, 0, 1);
    addOnLoop(b, 1, 2);
    assertThat(onLoop(() -> List.copyOf(seen))).containsExactly(List.of(0), List.of(1));
  }
}
