package dev.switchboard.gateway.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim loop on a real event loop: one claim at a time, again at once after a full one, and
 * freed room claims again only when the last poll may have left work behind.
 */
class ClaimLoopTest {
  private final Vertx vertx = Vertx.vertx();
  /** The n asked by each claim started, in order. */
  private final List<Integer> asked = new ArrayList<>();
  private final List<Promise<Integer>> calls = new ArrayList<>();
  private final AtomicInteger room = new AtomicInteger(10);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Supplier<T> step) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> done.complete(step.get()));
    T value = done.get(10, TimeUnit.SECONDS);
    onLoop0(); // what the step scheduled for the next turn has run
    return value;
  }

  private void onLoop0() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> vertx.runOnContext(w -> done.complete(null)));
    done.get(10, TimeUnit.SECONDS);
  }

  /** A loop whose claims stay open until the test answers them. */
  private ClaimLoop loop(int limit) throws Exception {
    return onLoop(() -> new ClaimLoop(vertx, limit, room::get, n -> {
      asked.add(n);
      Promise<Integer> call = Promise.promise();
      calls.add(call);
      return call.future();
    }));
  }

  private void answer(int i, Integer claimed) throws Exception {
    onLoop(() -> {
      if (claimed == null) {
        calls.get(i).fail("storage unavailable");
      } else {
        calls.get(i).complete(claimed);
      }
      return null;
    });
  }

  @Test
  void oneClaimAtATimeAndAskedAgainWhileOutItClaimsOnceMoreAfter() throws Exception {
    ClaimLoop loop = loop(256);
    onLoop(() -> {
      loop.poll();
      loop.poll();
      loop.poll();
      return null;
    });
    assertThat(asked).containsExactly(10);
    assertThat(onLoop(loop::claiming)).isTrue();
    answer(0, 3);
    assertThat(asked).containsExactly(10, 10);
    assertThat(onLoop(loop::started)).isEqualTo(2);
  }

  @Test
  void aClaimThatFindsLessThanItAskedLeavesNothingBehind() throws Exception {
    ClaimLoop loop = loop(256);
    onLoop(() -> {
      loop.poll();
      return null;
    });
    answer(0, 4);
    onLoop(() -> {
      loop.pollIfStarved();
      return null;
    });
    assertThat(asked).containsExactly(10);
  }

  @Test
  void aFullClaimClaimsAgainAtOnceAndLeavesTheLoopStarvedWhileRoomLasts() throws Exception {
    ClaimLoop loop = loop(5);
    onLoop(() -> {
      loop.poll();
      return null;
    });
    answer(0, 5); // full: it may have left rows behind
    assertThat(asked).containsExactly(5, 5);
    answer(1, 2);
    onLoop(() -> {
      loop.pollIfStarved();
      return null;
    });
    assertThat(asked).containsExactly(5, 5);
  }

  @Test
  void withNoRoomItClaimsNothingAndFreedRoomClaimsThen() throws Exception {
    ClaimLoop loop = loop(256);
    room.set(0);
    onLoop(() -> {
      loop.poll();
      loop.pollIfStarved();
      return null;
    });
    assertThat(asked).isEmpty();
    room.set(7);
    onLoop(() -> {
      loop.pollIfStarved();
      return null;
    });
    assertThat(asked).containsExactly(7);
  }

  @Test
  void aFailedClaimIsTriedAgainWhenRoomIsFreed() throws Exception {
    ClaimLoop loop = loop(256);
    onLoop(() -> {
      loop.poll();
      return null;
    });
    answer(0, null);
    assertThat(asked).containsExactly(10); // not at once: the store may be down
    onLoop(() -> {
      loop.pollIfStarved();
      return null;
    });
    assertThat(asked).containsExactly(10, 10);
  }

  @Test
  void aStoppedLoopClaimsNoMore() throws Exception {
    ClaimLoop loop = loop(256);
    onLoop(() -> {
      loop.stop();
      loop.poll();
      return null;
    });
    assertThat(asked).isEmpty();
    assertThat(onLoop(() -> Future.succeededFuture(loop.started())).result()).isZero();
  }
}
