package dev.switchboard.gateway.work;

import static org.assertj.core.api.Assertions.assertThat;

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

  private void run(Runnable step) throws Exception {
    onLoop(() -> {
      step.run();
      return null;
    });
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
    run(() -> {
      if (claimed == null) {
        calls.get(i).fail("storage unavailable");
      } else {
        calls.get(i).complete(claimed);
      }
    });
  }

  @Test
  void oneClaimAtATimeAndAskedAgainWhileOutItClaimsOnceMoreAfter() throws Exception {
    ClaimLoop loop = loop(256);
    run(() -> {
      loop.poll();
      loop.poll();
      loop.poll();
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
    run(loop::poll);
    answer(0, 4);
    run(loop::pollIfStarved);
    assertThat(asked).containsExactly(10);
  }

  @Test
  void aFullClaimClaimsAgainAtOnceAndLeavesTheLoopStarvedWhileRoomLasts() throws Exception {
    ClaimLoop loop = loop(5);
    run(loop::poll);
    answer(0, 5); // full: it may have left rows behind
    assertThat(asked).containsExactly(5, 5);
    answer(1, 2);
    run(loop::pollIfStarved);
    assertThat(asked).containsExactly(5, 5);
  }

  @Test
  void withNoRoomItClaimsNothingAndFreedRoomClaimsThen() throws Exception {
    ClaimLoop loop = loop(256);
    room.set(0);
    run(() -> {
      loop.poll();
      loop.pollIfStarved();
    });
    assertThat(asked).isEmpty();
    room.set(7);
    run(loop::pollIfStarved);
    assertThat(asked).containsExactly(7);
  }

  @Test
  void aFailedClaimIsTriedAgainWhenRoomIsFreed() throws Exception {
    ClaimLoop loop = loop(256);
    run(loop::poll);
    answer(0, null);
    assertThat(asked).containsExactly(10); // not at once: the store may be down
    run(loop::pollIfStarved);
    assertThat(asked).containsExactly(10, 10);
  }

  @Test
  void aSettleClaimsAgainWhenMoreIsDueOrAClaimBeganWhileItWasOut() throws Exception {
    ClaimLoop loop = loop(256);
    run(loop::poll);
    answer(0, 4); // not starved
    long since = onLoop(loop::started);
    run(() -> loop.settled(since, false));
    assertThat(asked).containsExactly(10); // nothing due, no claim missed it
    run(() -> loop.settled(since, true));
    assertThat(asked).containsExactly(10, 10); // a conversation's next message is due
    answer(1, 4);
    long before = onLoop(loop::started);
    run(loop::poll); // a claim begins while a settle is out, and ends before it
    answer(2, 4);
    run(() -> loop.settled(before, false));
    assertThat(asked).containsExactly(10, 10, 10, 10); // that claim's snapshot may have missed the settle
  }

  @Test
  void aStoppedLoopClaimsNoMore() throws Exception {
    ClaimLoop loop = loop(256);
    run(() -> {
      loop.stop();
      loop.poll();
    });
    assertThat(asked).isEmpty();
    assertThat(onLoop(loop::started)).isZero();
  }
}
