package dev.switchboard.gateway.store;

import java.time.Duration;

/**
 * Group-commit tuning.
 *
 * @param maxBatchEvents events per transaction at most (a bigger single call still goes alone)
 * @param maxInFlight    transactions running at once (each on its own connection)
 * @param linger         how long a partial batch may wait while another one is in flight
 * @param maxQueuedEvents events waiting at most; beyond that calls get 503 (back-pressure)
 * @param timeout        a transaction slower than this is answered 503 (the platform retries; the key dedups)
 */
public record StoreSettings(int maxBatchEvents, int maxInFlight, Duration linger, int maxQueuedEvents,
                            Duration timeout) {
  public static StoreSettings defaults() {
    return new StoreSettings(512, 3, Duration.ofMillis(2), 50_000, Duration.ofSeconds(10));
  }
}
