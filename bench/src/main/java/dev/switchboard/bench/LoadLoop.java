package dev.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import org.HdrHistogram.Histogram;

import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One event loop's share of the load: its own HTTP client (pooled HTTP/1.1 keep-alive connections
 * bound to this loop), its own {@link Traffic} (for webhooks a Mac and a StringBuilder) and its own
 * counters and histogram. A request succeeds when it is answered {@code okStatus}. Everything
 * except {@link #completed} is touched only from this verticle's event loop;
 * the totals are read through {@link #snapshot()}, which runs on that loop too.
 */
final class LoadLoop extends VerticleBase {

  static final long HIGHEST_MICROS = 3_600_000_000L; // 1 h, clamps anything longer

  private final LoadSettings s;
  private final Supplier<Traffic> trafficFactory;
  private final int okStatus;
  private final int index;
  private final int connections;
  private final double loopRate;    // rate mode: this loop's share of --rate, per second
  private final double phase;       // rate mode: this loop's offset within the global schedule, in slots
  private final double rampSeconds; // rate mode: linear ramp from 0 to full rate (first half of warmup)
  private final long startNanos;
  private final long measureFromNanos;
  private final long endNanos;
  private final AtomicLong seq;

  private HttpClientAgent client;
  private Traffic traffic;
  private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
  /** --timeline: per bucket of the measured window (by scheduled time) answers, slow ones, slowest (µs). */
  private final long[] bucketAnswers, bucketSlow, bucketMaxMicros;
  private final Promise<Void> drained = Promise.promise();
  private long periodicId = -1;
  private long issued;      // rate mode: next schedule slot
  private long inflight;
  private boolean ended;

  // measured window (requests issued/scheduled at or after measureFromNanos)
  private long sent, ok, s429, s503, other, connErrors;
  private final TreeMap<String, Long> otherDetail = new TreeMap<>();
  private long maxSendLagNanos; // rate mode: how late the generator issued a request vs its schedule
  // whole run, warmup included (for the durability check): okTotal counts okStatus answers
  private long okTotal, sentTotal;
  // okStatus answers that arrived inside the measured window, whenever sent: the sustained rate
  private long okInWindow;
  /** Completed requests, any outcome, whole run; read by the progress printer on another thread. */
  volatile long completed;
  volatile long okCompleted;

  LoadLoop(LoadSettings s, Supplier<Traffic> traffic, int okStatus, int index, int connections, long startNanos,
           AtomicLong seq) {
    this.s = s;
    this.trafficFactory = traffic;
    this.okStatus = okStatus;
    this.index = index;
    this.connections = connections;
    this.startNanos = startNanos;
    this.measureFromNanos = startNanos + s.warmupSeconds * 1_000_000_000L;
    this.endNanos = measureFromNanos + s.durationSeconds * 1_000_000_000L;
    this.seq = seq;
    this.loopRate = s.rate / s.eventLoops;
    this.phase = (double) index / s.eventLoops;
    this.rampSeconds = s.warmupSeconds / 2.0;
    int buckets = s.timelineMs == 0 ? 0 : (int) ((s.durationSeconds * 1000L + s.timelineMs - 1) / s.timelineMs);
    this.bucketAnswers = new long[buckets];
    this.bucketSlow = new long[buckets];
    this.bucketMaxMicros = new long[buckets];
  }

  @Override
  public Future<?> start() {
    traffic = trafficFactory.get();
    client = vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setPipelining(false)
            .setTcpNoDelay(true)
            .setConnectTimeout(5_000)
            .setDefaultHost(s.host)
            .setDefaultPort(s.port),
        new PoolOptions().setHttp1MaxSize(connections));
    long now = System.nanoTime();
    vertx.setTimer(Math.max(1, (endNanos - now) / 1_000_000 + 1), id -> end());
    if (s.mode == LoadSettings.Mode.MAX) {
      for (int i = 0; i < connections; i++) {
        closedLoop();
      }
    } else {
      periodicId = vertx.setPeriodic(1, id -> openTick());
      openTick();
    }
    return Future.succeededFuture();
  }

  /** Closed model: each of the {@code connections} virtual users sends again as soon as it is answered. */
  private void closedLoop() {
    long now = System.nanoTime();
    if (ended || now >= endNanos) {
      return;
    }
    send(now, now).onComplete(ar -> {
      if (ar.succeeded()) {
        closedLoop();
      } else {
        vertx.setTimer(10, id -> closedLoop()); // don't spin on a refused connection
      }
    });
  }

  /** Open model: issue every request whose scheduled time has come, whatever is still in flight. */
  private void openTick() {
    long now = System.nanoTime();
    while (true) {
      long scheduled = startNanos + scheduleOffsetNanos(issued + phase);
      if (scheduled > now || scheduled >= endNanos) {
        break;
      }
      issued++;
      send(scheduled, now);
    }
    if (now >= endNanos) {
      end();
    }
  }

  /**
   * When slot {@code x} is due, relative to the start: the rate ramps up linearly during the first
   * half of the warmup (so cold JVMs don't build a backlog that leaks into the measurement), then
   * stays at {@code --rate}. The measured window always runs at the full rate.
   */
  private long scheduleOffsetNanos(double x) {
    double rampSlots = loopRate * rampSeconds / 2; // area under the ramp
    double seconds = x < rampSlots ? Math.sqrt(2 * x * rampSeconds / loopRate) : x / loopRate + rampSeconds / 2;
    return (long) (seconds * 1e9);
  }

  /**
   * Sends one request. Latency runs from {@code scheduled} (the intended send time), so a
   * stalled server or a full pool is charged to the response time instead of silently thinning
   * the load (coordinated omission).
   */
  private Future<Integer> send(long scheduled, long now) {
    boolean measured = scheduled >= measureFromNanos;
    if (measured) {
      sent++;
      long lag = now - scheduled;
      if (lag > maxSendLagNanos) {
        maxSendLagNanos = lag;
      }
    }
    sentTotal++;
    inflight++;
    long n = seq.getAndIncrement();
    Future<Integer> f = client.request(HttpMethod.POST, s.port, s.host, s.path)
        .compose(req -> traffic.send(req, n))
        .compose(LoadLoop::drain);
    f.onComplete(ar -> done(ar, scheduled, measured));
    return f;
  }

  private static Future<Integer> drain(HttpClientResponse resp) {
    int status = resp.statusCode();
    return resp.end().map(status);
  }

  private void done(AsyncResult<Integer> ar, long scheduled, boolean measured) {
    inflight--;
    long now = System.nanoTime();
    completed = completed + 1; // single writer
    if (ar.succeeded()) {
      int status = ar.result();
      if (status == okStatus) {
        okTotal++;
        if (now >= measureFromNanos && now < endNanos) {
          okInWindow++;
        }
        okCompleted = okCompleted + 1;
        if (measured) {
          ok++;
          long micros = Math.min(HIGHEST_MICROS, Math.max(0, (now - scheduled) / 1000));
          histogram.recordValue(micros);
          timeline(scheduled, micros);
        }
      } else if (measured) {
        if (status == 429) {
          s429++;
        } else if (status == 503) {
          s503++;
        } else {
          other++;
          otherDetail.merge(Integer.toString(status), 1L, Long::sum);
        }
      }
    } else if (measured) {
      connErrors++;
      String key = ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
      if (otherDetail.size() < 20 || otherDetail.containsKey(key)) {
        otherDetail.merge(key, 1L, Long::sum);
      }
    }
    if (ended && inflight == 0) {
      drained.tryComplete();
    }
  }

  private void timeline(long scheduled, long micros) {
    if (bucketAnswers.length == 0) {
      return;
    }
    int b = (int) Math.min(bucketAnswers.length - 1, (scheduled - measureFromNanos) / 1_000_000L / s.timelineMs);
    bucketAnswers[b]++;
    if (micros > s.slowMs * 1000L) {
      bucketSlow[b]++;
    }
    bucketMaxMicros[b] = Math.max(bucketMaxMicros[b], micros);
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (periodicId >= 0) {
      vertx.cancelTimer(periodicId);
      periodicId = -1;
    }
    if (inflight == 0) {
      drained.tryComplete();
    }
  }

  /** Completes once the run has ended and no request is in flight. */
  Future<Void> drained() {
    return drained.future();
  }

  /** A consistent copy of this loop's results, taken on its own event loop. */
  Future<Snapshot> snapshot() {
    Promise<Snapshot> p = Promise.promise();
    context.runOnContext(v -> {
      Snapshot snap = new Snapshot();
      snap.histogram = histogram.copy();
      snap.sent = sent;
      snap.ok = ok;
      snap.s429 = s429;
      snap.s503 = s503;
      snap.other = other;
      snap.connErrors = connErrors;
      snap.unfinished = sent - ok - s429 - s503 - other - connErrors;
      snap.okTotal = okTotal;
      snap.okInWindow = okInWindow;
      snap.sentTotal = sentTotal;
      snap.maxSendLagNanos = maxSendLagNanos;
      snap.detail = new TreeMap<>(otherDetail);
      snap.bucketAnswers = bucketAnswers.clone();
      snap.bucketSlow = bucketSlow.clone();
      snap.bucketMaxMicros = bucketMaxMicros.clone();
      p.complete(snap);
    });
    return p.future();
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  static final class Snapshot {
    Histogram histogram;
    long sent, ok, s429, s503, other, connErrors, unfinished, okTotal, okInWindow, sentTotal, maxSendLagNanos;
    TreeMap<String, Long> detail;
    long[] bucketAnswers, bucketSlow, bucketMaxMicros;

    void add(Snapshot o) {
      if (histogram == null) {
        histogram = new Histogram(HIGHEST_MICROS, 3);
        detail = new TreeMap<>();
        bucketAnswers = new long[o.bucketAnswers.length];
        bucketSlow = new long[o.bucketAnswers.length];
        bucketMaxMicros = new long[o.bucketAnswers.length];
      }
      for (int i = 0; i < bucketAnswers.length; i++) {
        bucketAnswers[i] += o.bucketAnswers[i];
        bucketSlow[i] += o.bucketSlow[i];
        bucketMaxMicros[i] = Math.max(bucketMaxMicros[i], o.bucketMaxMicros[i]);
      }
      histogram.add(o.histogram);
      sent += o.sent;
      ok += o.ok;
      s429 += o.s429;
      s503 += o.s503;
      other += o.other;
      connErrors += o.connErrors;
      unfinished += o.unfinished;
      okTotal += o.okTotal;
      okInWindow += o.okInWindow;
      sentTotal += o.sentTotal;
      maxSendLagNanos = Math.max(maxSendLagNanos, o.maxSendLagNanos);
      o.detail.forEach((k, v) -> detail.merge(k, v, Long::sum));
    }
  }
}
