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
  /** The defaults, each overridable with a system property ({@code -Dswitchboard.store.lingerMillis=5}, …). */
  public static StoreSettings defaults() {
    // measured with bench/run.sh on 2 cores: two transactions in flight, a second one only for a
    // batch of 64+ events or after 2 ms, gave the best throughput without hurting latency at 2,000/s
    return new StoreSettings(Integer.getInteger("switchboard.store.maxBatchEvents", 512),
        Integer.getInteger("switchboard.store.maxInFlight", 2),
        Integer.getInteger("switchboard.store.minConcurrentBatch", 64),
        Duration.ofMillis(Integer.getInteger("switchboard.store.lingerMillis", 2)),
        50_000, Duration.ofSeconds(10));
  }
}
