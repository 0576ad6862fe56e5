package dev.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for signed WhatsApp Cloud API text webhooks.
 *
 * <p>{@code --mode max} is a closed model ({@code --connections} virtual users, each sends its next
 * webhook as soon as the previous one is answered) and measures the highest sustained ack rate.
 * {@code --mode rate} is an open model: webhooks are issued at fixed scheduled times whatever is still
 * in flight, and latency is measured from the scheduled time, so a server stall shows up in the
 * percentiles instead of quietly lowering the offered load (no coordinated omission).
 *
 * <p>Each request carries a unique {@code wamid} (run id + counter) and a freshly computed
 * {@code X-Hub-Signature-256}. The last output line is {@code RESULT {json}}. Exit status: 0 when the
 * run completed (whatever the HTTP outcomes), 2 on bad arguments, 3 when the target is unreachable.
 */
public final class WebhookLoad {

  private static final long DRAIN_CAP_MS = 10_000;

  private WebhookLoad() {
  }

  public static void main(String[] args) throws Exception {
    LoadSettings s;
    try {
      s = LoadSettings.parse(args);
    } catch (IllegalArgumentException e) {
      if (!"help".equals(e.getMessage())) {
        System.err.println("WebhookLoad: " + e.getMessage());
      }
      System.err.println(LoadSettings.USAGE);
      System.exit("help".equals(e.getMessage()) ? 0 : 2);
      return;
    }
    System.exit(run(s));
  }

  static int run(LoadSettings s) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(s.eventLoops)
        .setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    try {
      String probe = probe(vertx, s);
      if (probe != null) {
        System.err.println("WebhookLoad: cannot reach " + s.url + ": " + probe);
        return 3;
      }
      System.out.printf(Locale.ROOT, "mode=%s url=%s connections=%d event-loops=%d warmup=%ds duration=%ds%s run-id=%s senders=%d%n",
          s.mode.name().toLowerCase(Locale.ROOT), s.url, s.connections, s.eventLoops, s.warmupSeconds,
          s.durationSeconds, s.mode == LoadSettings.Mode.RATE ? " rate=" + fmt(s.rate, 1) + "/s" : "",
          s.runId, s.senders);

      AtomicLong seq = new AtomicLong();
      long start = System.nanoTime();
      List<LoadLoop> loops = new ArrayList<>();
      List<Future<?>> deployed = new ArrayList<>();
      for (int i = 0; i < s.eventLoops; i++) {
        int share = s.connections / s.eventLoops + (i < s.connections % s.eventLoops ? 1 : 0);
        LoadLoop loop = new LoadLoop(s, i, share, start, seq);
        loops.add(loop);
        deployed.add(vertx.deployVerticle(loop, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
      }
      await(Future.all(deployed), 10_000);

      long measureFrom = start + TimeUnit.SECONDS.toNanos(s.warmupSeconds);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(s.durationSeconds);
      progress(s, loops, start, measureFrom, end);

      List<Future<Void>> drains = new ArrayList<>();
      loops.forEach(l -> drains.add(l.drained()));
      boolean drainedAll = true;
      try {
        await(Future.all(drains), DRAIN_CAP_MS + Math.max(0, (end - System.nanoTime()) / 1_000_000));
      } catch (TimeoutException e) {
        drainedAll = false;
      }
      LoadLoop.Snapshot total = new LoadLoop.Snapshot();
      for (LoadLoop l : loops) {
        total.add(await(l.snapshot(), 5_000));
      }
      report(s, total, drainedAll);
      return 0;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  /** One GET to the URL: any HTTP answer proves the target is up. Returns an error text or null. */
  private static String probe(Vertx vertx, LoadSettings s) {
    HttpClientAgent c = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    try {
      await(c.request(HttpMethod.GET, s.port, s.host, s.path)
          .compose(req -> req.send())
          .compose(resp -> resp.end()), 10_000);
      return null;
    } catch (Exception e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } finally {
      c.close();
    }
  }

  private static void progress(LoadSettings s, List<LoadLoop> loops, long start, long measureFrom, long end)
      throws InterruptedException {
    long every = TimeUnit.SECONDS.toNanos(s.progressSeconds == 0 ? 1_000_000 : s.progressSeconds);
    long next = start + every;
    long lastDone = 0, lastOk = 0, lastAt = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        return;
      }
      if (now < next) {
        TimeUnit.NANOSECONDS.sleep(Math.min(next, end) - now);
        continue;
      }
      long done = 0, ok = 0;
      for (LoadLoop l : loops) {
        done += l.completed;
        ok += l.okCompleted;
      }
      double secs = (now - lastAt) / 1e9;
      System.out.printf(Locale.ROOT, "[%6.1fs] %-7s completed/s=%9.1f ok/s=%9.1f non-200 so far=%d%n",
          (now - start) / 1e9, lastAt < measureFrom ? "warmup" : "measure",
          (done - lastDone) / secs, (ok - lastOk) / secs, done - ok);
      lastDone = done;
      lastOk = ok;
      lastAt = now;
      next += every;
    }
  }

  private static void report(LoadSettings s, LoadLoop.Snapshot t, boolean drainedAll) {
    Histogram h = t.histogram;
    double seconds = s.durationSeconds;
    double okPerSec = t.okInWindow / seconds; // 200s received during the measured window
    boolean any = h.getTotalCount() > 0;
    String mode = s.mode.name().toLowerCase(Locale.ROOT);
    System.out.printf(Locale.ROOT, "sent=%d ok=%d 429=%d 503=%d other=%d connection-errors=%d unfinished=%d%s%n",
        t.sent, t.ok, t.s429, t.s503, t.other, t.connErrors, t.unfinished,
        drainedAll ? "" : " (in-flight requests abandoned after the " + DRAIN_CAP_MS / 1000 + " s drain cap)");
    if (!t.detail.isEmpty()) {
      t.detail.forEach((k, v) -> System.out.println("  non-200 detail: " + k + " x" + v));
    }
    System.out.printf(Locale.ROOT, "throughput: %.1f ok/s received in the %.0f s window (sent %.1f/s%s); whole run incl. warmup: sent=%d ok=%d%n",
        okPerSec, seconds, t.sent / seconds,
        s.mode == LoadSettings.Mode.RATE ? ", target " + fmt(s.rate, 1) + "/s, max send lag "
            + fmt(t.maxSendLagNanos / 1e6, 3) + " ms" : "",
        t.sentTotal, t.okTotal);
    if (any) {
      System.out.printf(Locale.ROOT, "ack latency of 200s (ms%s): p50=%s p90=%s p99=%s p99.9=%s max=%s%n",
          s.mode == LoadSettings.Mode.RATE ? ", from scheduled send time" : "",
          ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), fmt(h.getMaxValue() / 1000.0, 3));
    } else {
      System.out.println("ack latency: no 200 responses in the measured window");
    }
    StringBuilder j = new StringBuilder(512);
    j.append("{\"mode\":\"").append(mode).append('"')
        .append(",\"sent\":").append(t.sent)
        .append(",\"ok\":").append(t.ok)
        .append(",\"errors\":{\"429\":").append(t.s429)
        .append(",\"503\":").append(t.s503)
        .append(",\"other\":").append(t.other)
        .append(",\"connection\":").append(t.connErrors)
        .append(",\"unfinished\":").append(t.unfinished).append('}')
        .append(",\"seconds\":").append(fmt(seconds, 3))
        .append(",\"okPerSec\":").append(fmt(okPerSec, 1))
        .append(",\"p50Ms\":").append(any ? ms(h, 50) : "null")
        .append(",\"p99Ms\":").append(any ? ms(h, 99) : "null")
        .append(",\"p999Ms\":").append(any ? ms(h, 99.9) : "null")
        .append(",\"maxMs\":").append(any ? fmt(h.getMaxValue() / 1000.0, 3) : "null")
        .append(",\"targetRate\":").append(s.mode == LoadSettings.Mode.RATE ? fmt(s.rate, 1) : "null")
        .append(",\"connections\":").append(s.connections)
        .append(",\"warmupSeconds\":").append(s.warmupSeconds)
        .append(",\"sentTotal\":").append(t.sentTotal)
        .append(",\"okTotal\":").append(t.okTotal)
        .append(",\"maxSendLagMs\":").append(fmt(t.maxSendLagNanos / 1e6, 3))
        .append(",\"runId\":\"").append(s.runId).append("\"}");
    System.out.println("RESULT " + j);
    System.out.flush();
  }

  private static String ms(Histogram h, double percentile) {
    return fmt(h.getValueAtPercentile(percentile) / 1000.0, 3);
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static <T> T await(Future<T> f, long timeoutMs) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

}
