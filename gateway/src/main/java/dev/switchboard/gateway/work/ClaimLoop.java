package dev.switchboard.gateway.work;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * Leases work while there is room: one claim at a time; asked again while a claim is out, or given
 * a full claim, it claims again at once (the next turn), else it waits for the next {@link #poll}.
 * It remembers whether it may have left due work behind (it had no room, or its last claim came
 * back full or failed), so that freed room claims again only then ({@link #pollIfStarved}), and
 * counts the claims it started ({@link #started}).
 * Confined to its verticle's context.
 */
public final class ClaimLoop {
  private final Vertx vertx;
  private final int limit;
  private final IntSupplier room;
  private final IntFunction<Future<Integer>> claim;
  private boolean claiming;
  private boolean again;
  private boolean stopped;
  private boolean starved;
  private long started;

  /**
   * @param limit most rows one claim asks for
   * @param room  how many more rows this worker can take now
   * @param claim claims up to n rows, admits them, and says how many it got
   */
  public ClaimLoop(Vertx vertx, int limit, IntSupplier room, IntFunction<Future<Integer>> claim) {
    this.vertx = vertx;
    this.limit = limit;
    this.room = room;
    this.claim = claim;
  }

  public void poll() {
    if (stopped) {
      return;
    }
    if (claiming) {
      again = true;
      return;
    }
    int n = Math.min(limit, room.getAsInt());
    if (n <= 0) {
      starved = true;
      return;
    }
    claiming = true;
    again = false;
    started++;
    claim.apply(n).onComplete(ar -> {
      claiming = false;
      starved = ar.failed() || ar.result() == n;
      if (ar.succeeded() && (again || ar.result() == n)) {
        vertx.runOnContext(v -> poll());
      }
    });
  }

  /**
   * Claims again if the last poll may have left due work behind: it found no room, or its claim
   * came back full (a claim in flight decides that itself when it ends).
   */
  public void pollIfStarved() {
    if (starved && !claiming) {
      poll();
    }
  }

  /**
   * After work this loop leased was finished and recorded (its settle started when {@link #started}
   * was {@code since}): claims again if the settle says more is due, or if a claim began while the
   * settle was out (its snapshot may not have seen the work leave), else only if starved.
   */
  public void settled(long since, boolean due) {
    if (due || claiming || started != since) {
      poll();
    } else {
      pollIfStarved();
    }
  }

  /** Claims started so far (a claim started after a given moment took its snapshot after it). */
  public long started() {
    return started;
  }

  /** Whether a claim is out now. */
  public boolean claiming() {
    return claiming;
  }

  public void stop() {
    stopped = true;
  }
}
