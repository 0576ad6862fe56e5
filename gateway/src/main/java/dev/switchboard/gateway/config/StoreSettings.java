package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * The {@code store:} section: how the inbox group-commits webhook events.
 *
 * <p>A batch starts at once when no transaction is in flight. While some are, another one starts
 * (on its own connection, up to {@code maxInFlight}) as soon as {@code minConcurrentBatch} events
 * wait, or after {@code linger}: at realistic concurrency (tens of connections) several small
 * batches are committed side by side instead of one at a time, and under heavy load the batches
 * grow by themselves while every connection is busy.
 *
 * @param maxBatchEvents     events per transaction at most (a bigger single call still goes alone)
 * @param maxInFlight        transactions running at once (each on its own connection)
 * @param minConcurrentBatch events a batch needs to start while another one is in flight (before the linger ends)
 * @param linger             how long a partial batch may wait while another one is in flight
 * @param maxQueuedEvents    events waiting at most; beyond that calls get 503 (back-pressure)
 * @param timeout            a transaction slower than this is answered 503 (the platform retries; the key dedups)
 * @param queueVacuumInterval how often the work queues' dead rows are counted (and the queues vacuumed
 *                           when there are many: {@code QueueVacuumVerticle})
 */
public record StoreSettings(int maxBatchEvents, int maxInFlight, int minConcurrentBatch, Duration linger,
                            int maxQueuedEvents, Duration timeout, Duration queueVacuumInterval) {

  /** The default {@link #queueVacuumInterval}. */
  public static final Duration DEFAULT_QUEUE_VACUUM_INTERVAL = Duration.ofSeconds(1);

  public StoreSettings {
    if (maxBatchEvents < 1 || maxInFlight < 1 || minConcurrentBatch < 1 || maxQueuedEvents < 1) {
      throw new IllegalArgumentException("store settings must be positive");
    }
  }

  /**
   * The defaults, each overridable with a system property ({@code -Dswitchboard.store.lingerMillis=5}, …)
   * and by the {@code store:} section of the config file, which wins.
   */
  public static StoreSettings defaults() {
    // four transactions in flight, a further one for 16+ waiting events or after 1 ms (was 2 / 64 /
    // 2 ms): at 32 connections the store was latency-bound with one or two commits at a time. On
    // the saturated machine of 2026-12-02 the effect could not be measured either way (README,
    // "Performance"); re-measure with bench/run.sh on a quiet machine
    return new StoreSettings(Integer.getInteger("switchboard.store.maxBatchEvents", 512),
        Integer.getInteger("switchboard.store.maxInFlight", 4),
        Integer.getInteger("switchboard.store.minConcurrentBatch", 16),
        Duration.ofMillis(Integer.getInteger("switchboard.store.lingerMillis", 1)),
        Integer.getInteger("switchboard.store.maxQueuedEvents", 50_000), Duration.ofSeconds(10),
        DEFAULT_QUEUE_VACUUM_INTERVAL);
  }
}
