package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

/**
 * What a load tool sends: request {@code seq}'s headers and body, written on a request that
 * {@link LoadLoop} has already opened. One instance per event loop (implementations reuse buffers
 * and are not thread-safe).
 */
interface Traffic {

  CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  /** Puts request {@code seq}'s headers on {@code req} and sends its body. */
  Future<HttpClientResponse> send(HttpClientRequest req, long seq);
}
