package dev.switchboard.gateway.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How long the HTTP edge lets a client take, and how many connections it holds open.
 *
 * @param idleTimeout    a connection with no request in progress (none yet, between requests, or
 *                       whose request headers are still arriving) is closed after this long
 * @param requestTimeout a request whose body has not fully arrived this long after its headers is
 *                       answered 408 and its connection closed
 * @param maxConnections connections served at once; beyond that new ones are answered 503 and closed
 */
public record HttpLimits(Duration idleTimeout, Duration requestTimeout, int maxConnections) {
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Three quarters of the process's open-file limit (the JVM raises its soft limit to the hard one
   * at start): the last quarter keeps room for the database pools, the jars, the log and the
   * connections being turned away, so the process never runs out of file descriptors.
   */
  public static int defaultMaxConnections() {
    long limit = openFileLimit();
    return (int) Math.max(64, Math.min(1_000_000, limit * 3 / 4));
  }

  /** The process's open-file limit, or 4,096 where the JVM cannot tell. */
  public static long openFileLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        && unix.getMaxFileDescriptorCount() > 0) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4_096;
  }
}
