package dev.switchboard.gateway.work;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collects what one verticle produces during an event-loop turn and hands it over as one batch: one
 * database call for many items. A batch leaves at the end of the turn, or at once when {@code max}
 * items are waiting, as long as fewer than {@code maxInFlight} batches are still being written;
 * otherwise the items wait and leave together as soon as one of those calls completes. Under load
 * the batches therefore grow with the time a call takes, instead of many small calls each paying
 * a call's fixed cost; when idle an item still leaves at the end of its turn. With
 * {@code maxInFlight} 1 the batches are written one after the other, in the order of their items.
 * Confined to its verticle's context.
 */
public final class TurnBatcher<T> {
  private final Vertx vertx;
  private final int max;
  private final int maxInFlight;
  private final Function<List<T>, Future<?>> flush;
  private final List<T> items = new ArrayList<>();
  private boolean scheduled;
  private int inFlight;

  /**
   * @param max         most items in one batch
   * @param maxInFlight most batches handed over whose futures have not completed yet
   * @param flush       writes a batch; its future completes (either way) when the call is over
   */
  public TurnBatcher(Vertx vertx, int max, int maxInFlight, Function<List<T>, Future<?>> flush) {
    if (max < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("max and maxInFlight must be at least 1");
    }
    this.vertx = vertx;
    this.max = max;
    this.maxInFlight = maxInFlight;
    this.flush = flush;
  }

  public void add(T item) {
    items.add(item);
    if (inFlight >= maxInFlight) {
      return; // leaves when a call completes
    }
    if (items.size() >= max) {
      flushNow();
    } else if (!scheduled) {
      scheduled = true;
      vertx.runOnContext(v -> flushNow());
    }
  }

  /** Puts a batch back (its hand-over failed), to go with the next one. */
  public void addAll(List<T> batch) {
    batch.forEach(this::add);
  }

  /** Hands over what is waiting, in batches of at most {@code max}, while calls may start. */
  public void flushNow() {
    scheduled = false;
    while (!items.isEmpty() && inFlight < maxInFlight) {
      int n = Math.min(max, items.size());
      List<T> batch = new ArrayList<>(items.subList(0, n));
      items.subList(0, n).clear();
      inFlight++;
      Future<?> done;
      try {
        done = flush.apply(batch);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(ar -> {
        inFlight--;
        flushNow();
      });
    }
  }

  /** Items waiting to leave (not those being written). */
  public int waiting() {
    return items.size();
  }
}
