package dev.switchboard.gateway.edge;

import dev.switchboard.gateway.config.HttpLimits;
import dev.switchboard.gateway.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps slow, idle and surplus clients from holding the edge's connections. One per edge instance,
 * used only on its event loop, so it needs no locks:
 * <ul>
 *   <li>a connection with no request in progress — none yet, between requests, or whose request
 *       headers are still trickling in — is closed after {@code http.idleTimeout};</li>
 *   <li>a request whose body has not all arrived {@code http.requestTimeout} after its headers is
 *       answered 408 and its connection closed (the time the gateway itself takes to store the
 *       events is not the client's and is not counted);</li>
 *   <li>this instance serves its share of {@code http.maxConnections} at once; a connection beyond
 *       that is answered 503 {@code too_many_connections} with {@code Retry-After} and closed (or
 *       closed unanswered when even the connections being turned away are too many, or when it sends
 *       no request within {@link #TURN_AWAY_GRACE_NANOS}), so file descriptors never run out.</li>
 * </ul>
 * Deadlines are checked by one periodic sweep rather than a timer per request: requests only note
 * the time, which keeps the hot path cheap.
 */
final class ConnectionGuard {
  static final String IDLE = "idle";
  static final String REQUEST_TIMEOUT = "request_timeout";
  static final String TOO_MANY = "too_many_connections";
  private static final long TURN_AWAY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private enum Phase { AWAITING_REQUEST, RECEIVING_BODY, ANSWERING, TURNED_AWAY }

  /** One open connection: what it is doing, since when, and for which request. */
  private static final class Tracked {
    final HttpConnection connection;
    Phase phase;
    long since;
    RoutingContext request;

    Tracked(HttpConnection connection, Phase phase, long since) {
      this.connection = connection;
      this.phase = phase;
      this.since = since;
    }

    void enter(Phase next, RoutingContext ctx) {
      phase = next;
      since = System.nanoTime();
      request = ctx;
    }
  }

  private final Vertx vertx;
  private final Metrics metrics;
  private final long idleNanos;
  private final long requestNanos;
  private final long sweepMillis;
  private final int budget;
  private final int turnAwayBudget;
  private final Map<HttpConnection, Tracked> open = new HashMap<>();
  private int served;
  private boolean draining;
  private long sweeper = -1;

  /**
   * @param instances how many edge instances share {@code limits.maxConnections()} (each serves an
   *                  equal share, so together they never exceed it)
   */
  ConnectionGuard(Vertx vertx, HttpLimits limits, int instances, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.idleNanos = limits.idleTimeout().toNanos();
    this.requestNanos = limits.requestTimeout().toNanos();
    long shortest = Math.min(limits.idleTimeout().toMillis(), limits.requestTimeout().toMillis());
    this.sweepMillis = Math.max(100, Math.min(1_000, shortest / 10));
    this.budget = Math.max(1, limits.maxConnections() / Math.max(1, instances));
    this.turnAwayBudget = Math.max(16, budget / 10);
    metrics.httpConnectionsClosed(IDLE, 0);
    metrics.httpConnectionsClosed(REQUEST_TIMEOUT, 0);
    metrics.httpConnectionsClosed(TOO_MANY, 0);
  }

  void start() {
    sweeper = vertx.setPeriodic(sweepMillis, id -> sweep());
  }

  void stop() {
    vertx.cancelTimer(sweeper);
  }

  /**
   * From now on every answer carries {@code Connection: close}, so clients do not send another
   * request on a connection that is about to close (the server closes each after its answer).
   */
  void drain() {
    draining = true;
    for (Tracked t : open.values()) {
      if (t.request != null && !t.request.response().headWritten()) {
        t.request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
    }
  }

  /** The server's connection handler: admits, or starts turning away, each new connection. */
  void accept(HttpConnection connection) {
    boolean full = served >= budget;
    if (full && open.size() - served >= turnAwayBudget) {
      metrics.httpConnectionsClosed(TOO_MANY, 1);
      connection.close();
      return;
    }
    Tracked t = new Tracked(connection, full ? Phase.TURNED_AWAY : Phase.AWAITING_REQUEST, System.nanoTime());
    open.put(connection, t);
    if (!full) {
      served++;
    }
    metrics.httpConnectionOpened();
    connection.closeHandler(v -> {
      Tracked gone = open.remove(connection);
      if (gone != null && gone.phase != Phase.TURNED_AWAY) {
        served--;
      }
      metrics.httpConnectionEnded();
    });
  }

  /** The router's first handler: notes that a request's headers are in and tracks its body and answer. */
  void onRequest(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Tracked t = open.get(request.connection());
    if (t == null) {
      ctx.next();
      return;
    }
    if (t.phase == Phase.TURNED_AWAY) {
      turnAway(t, request);
      return;
    }
    if (request.isEnded()) {
      t.enter(Phase.ANSWERING, ctx);
    } else {
      t.enter(Phase.RECEIVING_BODY, ctx);
      request.end().onComplete(ar -> {
        if (t.phase == Phase.RECEIVING_BODY && t.request == ctx) {
          t.enter(Phase.ANSWERING, ctx);
        }
      });
    }
    if (draining) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.addEndHandler(ar -> {
      if (t.request == ctx) { // not a pipelined successor that has already begun
        t.enter(Phase.AWAITING_REQUEST, null);
      }
    });
    ctx.next();
  }

  /** Reads what the client sends (so closing does not reset the connection under the answer), then answers 503. */
  private void turnAway(Tracked t, HttpServerRequest request) {
    t.since = System.nanoTime(); // the grace now covers reading the body
    ApiException answer = new ApiException(503, TOO_MANY,
        "the gateway has its maximum of open connections, retry later", 5L);
    Runnable respond = () -> {
      t.since = System.nanoTime(); // and then writing the answer
      metrics.httpConnectionsClosed(TOO_MANY, 1);
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      ErrorResponder.write(request.response(), answer).onComplete(ar -> t.connection.close());
    };
    if (request.isEnded()) {
      respond.run();
    } else {
      request.handler(ignored -> { }).end().onSuccess(v -> respond.run());
      request.resume();
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    List<Tracked> idle = new ArrayList<>();
    List<Tracked> slow = new ArrayList<>();
    List<Tracked> unanswered = new ArrayList<>();
    for (Tracked t : open.values()) {
      long age = now - t.since;
      switch (t.phase) {
        case AWAITING_REQUEST -> {
          if (age > idleNanos) {
            idle.add(t);
          }
        }
        case RECEIVING_BODY -> {
          if (age > requestNanos) {
            slow.add(t);
          }
        }
        case TURNED_AWAY -> {
          if (age > TURN_AWAY_GRACE_NANOS) {
            unanswered.add(t);
          }
        }
        case ANSWERING -> {
          // the gateway's own time (storing the events), bounded by the store's timeouts
        }
      }
    }
    // closing runs the close handlers, which change the map: never while iterating it
    if (!idle.isEmpty()) {
      metrics.httpConnectionsClosed(IDLE, idle.size());
      idle.forEach(t -> t.connection.close());
    }
    if (!unanswered.isEmpty()) {
      metrics.httpConnectionsClosed(TOO_MANY, unanswered.size());
      unanswered.forEach(t -> t.connection.close());
    }
    if (!slow.isEmpty()) {
      metrics.httpConnectionsClosed(REQUEST_TIMEOUT, slow.size());
      slow.forEach(this::timeOut);
    }
  }

  /** Answers 408 to a request whose body did not arrive in time, then closes its connection. */
  private void timeOut(Tracked t) {
    RoutingContext ctx = t.request;
    t.enter(Phase.ANSWERING, ctx);
    if (ctx.response().headWritten()) {
      t.connection.close();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    ErrorResponder.write(ctx.response(), new ApiException(408, REQUEST_TIMEOUT,
            "the request body did not arrive within http.requestTimeout"))
        .onComplete(ar -> t.connection.close());
  }
}
