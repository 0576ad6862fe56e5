package dev.switchboard.bench;

import io.vertx.core.VertxOptions;

/** The Vert.x options every bench tool (load generators, fake platform, echo bot) starts from. */
final class BenchVertx {
  private BenchVertx() {}

  /**
   * {@code eventLoops} event loops and one worker, on Netty's native epoll where it loads: on Java
   * NIO the open model's 1 ms timer kept the loops polling, a quarter of a core at 500 requests/s
   * taken from the gateway under test (bench/README.md, "The load tools").
   */
  static VertxOptions options(int eventLoops) {
    return new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1);
  }
}
