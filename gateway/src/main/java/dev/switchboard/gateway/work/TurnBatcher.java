package dev.switchboard.gateway.work;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects what one verticle produces during an event-loop turn and hands it over as one batch (at
 * the end of the turn, or at once when {@code max} items are waiting): one database call for many
 * items. Confined to its verticle's context.
 */
public final class TurnBatcher<T> {
  private final Vertx vertx;
  private final int max;
  private final Consumer<List<T>> flush;
  private final List<T> items = new ArrayList<>();
  private boolean scheduled;

  public TurnBatcher(Vertx vertx, int max, Consumer<List<T>> flush) {
    this.vertx = vertx;
    this.max = max;
    this.flush = flush;
  }

  public void add(T item) {
    items.add(item);
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

  public void flushNow() {
    scheduled = false;
    if (items.isEmpty()) {
      return;
    }
    List<T> batch = new ArrayList<>(items);
    items.clear();
    flush.accept(batch);
  }
}
