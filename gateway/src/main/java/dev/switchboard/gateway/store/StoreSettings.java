package dev.switchboard.gateway.store;

import java.time.Duration;

/**
 * Group-commit tuning.
 *
 * @param maxBatchEvents events per transaction at most (a bigger single call still goes alone)
 * @param maxInFlight    transactions running at once (each on its own connection)
 * @param minConcurrentBatch events a batch needs to start while another one is in flight (before the linger ends)
 * @param linger         how long a partial batch may wait while another one is in flight
 * @param maxQueuedEvents events waiting at most; beyond that calls get 503 (back-pressure)
 * @param timeout        a transaction slower than this is answered 503 (the platform retries; the key dedups)
 */
public record StoreSettings(int maxBatchEvents, int maxInFlight, int minConcurrentBatch, Duration linger,
                            int maxQueuedEvents,
                            Duration timeout) {
  public static StoreSettings defaults() {
    // measured with bench/run.sh on 2 cores: two transactions in flight, a second one only for a
    // batch of 64+ events or after 5 ms, gave the best throughput without hurting latency at 2,000/s
    return new StoreSettings(512, 2, 64, Duration.ofMillis(5), 50_000, Duration.ofSeconds(10));
  }
}
