package dev.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The part every load tool shares: a closed ({@code --mode max}) or open ({@code --mode rate}) model
 * over {@code --connections} pooled HTTP/1.1 connections on {@code --event-loops} loops, progress
 * lines, and the report ending in one {@code RESULT {json}} line. A tool ({@link WebhookLoad},
 * {@link SendLoad}) says what its requests are ({@link Traffic}), which status counts as success,
 * and which options of its own it takes.
 *
 * <p>{@code --mode max}: each of the {@code --connections} virtual users sends its next request as
 * soon as the previous one is answered; it measures the highest sustained rate. {@code --mode rate}:
 * requests are issued at fixed scheduled times whatever is still in flight, and latency is measured
 * from the scheduled time, so a server stall shows up in the percentiles instead of quietly
 * lowering the offered load (no coordinated omission). Exit status: 0 when the run completed
 * (whatever the HTTP outcomes), 2 on bad arguments, 3 when the target is unreachable.
 */
final class LoadTool {

  private static final long DRAIN_CAP_MS = 10_000;

  /**
   * One tool.
   *
   * @param name     its class name, for messages
   * @param usage    its own usage lines (the common options are appended)
   * @param options  the names of its own options, without dashes
   * @param okStatus the HTTP status of a successful request
   * @param traffic  from the parsed settings, a factory of one {@link Traffic} per event loop;
   *                 throws {@link IllegalArgumentException} for a bad option
   */
  record Spec(String name, String usage, Set<String> options, int okStatus,
              Function<LoadSettings, Supplier<Traffic>> traffic) {
  }

  private LoadTool() {
  }

  static void main(Spec spec, String[] args) throws Exception {
    LoadSettings s;
    Supplier<Traffic> traffic;
    try {
      s = LoadSettings.parse(args, spec.options());
      traffic = spec.traffic().apply(s);
    } catch (IllegalArgumentException e) {
      if (!"help".equals(e.getMessage())) {
        System.err.println(spec.name() + ": " + e.getMessage());
      }
      System.err.println(spec.usage() + "\n" + LoadSettings.COMMON_USAGE);
      System.exit("help".equals(e.getMessage()) ? 0 : 2);
      return;
    }
    System.exit(run(spec, s, traffic));
  }

  static int run(Spec spec, LoadSettings s, Supplier<Traffic> traffic) throws Exception {
    Vertx vertx = Vertx.vertx(BenchVertx.options(s.eventLoops).setInternalBlockingPoolSize(1));
    try {
      String probe = probe(vertx, s);
      if (probe != null) {
        System.err.println(spec.name() + ": cannot reach " + s.url + ": " + probe);
        return 3;
      }
      System.out.printf(Locale.ROOT, "mode=%s url=%s connections=%d event-loops=%d warmup=%ds duration=%ds%s run-id=%s%n",
          s.mode.name().toLowerCase(Locale.ROOT), s.url, s.connections, s.eventLoops, s.warmupSeconds,
          s.durationSeconds, s.mode == LoadSettings.Mode.RATE ? " rate=" + fmt(s.rate, 1) + "/s" : "",
          s.runId);

      AtomicLong seq = new AtomicLong();
      long start = System.nanoTime();
      long startEpochMs = System.currentTimeMillis();
      List<LoadLoop> loops = new ArrayList<>();
      List<Future<?>> deployed = new ArrayList<>();
      for (int i = 0; i < s.eventLoops; i++) {
        int share = s.connections / s.eventLoops + (i < s.connections % s.eventLoops ? 1 : 0);
        LoadLoop loop = new LoadLoop(s, traffic, spec.okStatus(), i, share, start, seq);
        loops.add(loop);
        deployed.add(vertx.deployVerticle(loop, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
      }
      await(Future.all(deployed), 10_000);

      long measureFrom = start + TimeUnit.SECONDS.toNanos(s.warmupSeconds);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(s.durationSeconds);
      double cpuSeconds = progress(s, loops, start, measureFrom, end);

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
      report(spec, s, total, drainedAll, startEpochMs, cpuSeconds);
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

  /**
   * Prints progress lines until the end of the measured window; returns the CPU seconds this
   * process used during that window (the load generator's own share of the machine).
   */
  private static double progress(LoadSettings s, List<LoadLoop> loops, long start, long measureFrom, long end)
      throws InterruptedException {
    long every = TimeUnit.SECONDS.toNanos(s.progressSeconds == 0 ? 1_000_000 : s.progressSeconds);
    long next = start + every;
    long lastDone = 0, lastOk = 0, lastAt = start;
    long cpuAtWindowStart = -1;
    while (true) {
      long now = System.nanoTime();
      if (cpuAtWindowStart < 0 && now >= measureFrom) {
        cpuAtWindowStart = processCpuNanos();
      }
      if (now >= end) {
        return cpuAtWindowStart < 0 ? 0 : (processCpuNanos() - cpuAtWindowStart) / 1e9;
      }
      if (now < next) {
        TimeUnit.NANOSECONDS.sleep(Math.min(next, cpuAtWindowStart < 0 ? measureFrom : end) - now);
        continue;
      }
      long done = 0, ok = 0;
      for (LoadLoop l : loops) {
        done += l.completed;
        ok += l.okCompleted;
      }
      double secs = (now - lastAt) / 1e9;
      System.out.printf(Locale.ROOT, "[%6.1fs] %-7s completed/s=%9.1f ok/s=%9.1f not ok so far=%d%n",
          (now - start) / 1e9, lastAt < measureFrom ? "warmup" : "measure",
          (done - lastDone) / secs, (ok - lastOk) / secs, done - ok);
      lastDone = done;
      lastOk = ok;
      lastAt = now;
      next += every;
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }

  private static void report(Spec spec, LoadSettings s, LoadLoop.Snapshot t, boolean drainedAll, long startEpochMs,
                             double cpuSeconds) {
    Histogram h = t.histogram;
    double seconds = s.durationSeconds;
    double okPerSec = t.okInWindow / seconds; // successes received during the measured window
    long windowStartMs = startEpochMs + s.warmupSeconds * 1000L;
    boolean any = h.getTotalCount() > 0;
    String mode = s.mode.name().toLowerCase(Locale.ROOT);
    System.out.printf(Locale.ROOT, "sent=%d ok(%d)=%d 429=%d 503=%d other=%d connection-errors=%d unfinished=%d%s%n",
        t.sent, spec.okStatus(), t.ok, t.s429, t.s503, t.other, t.connErrors, t.unfinished,
        drainedAll ? "" : " (in-flight requests abandoned after the " + DRAIN_CAP_MS / 1000 + " s drain cap)");
    if (!t.detail.isEmpty()) {
      t.detail.forEach((k, v) -> System.out.println("  non-200 detail: " + k + " x" + v));
    }
    System.out.printf(Locale.ROOT, "throughput: %.1f ok/s received in the %.0f s window (sent %.1f/s%s); whole run incl. warmup: sent=%d ok=%d%n",
        okPerSec, seconds, t.sent / seconds,
        s.mode == LoadSettings.Mode.RATE ? ", target " + fmt(s.rate, 1) + "/s, max send lag "
            + fmt(t.maxSendLagNanos / 1e6, 3) + " ms" : "",
        t.sentTotal, t.okTotal);
    System.out.printf(Locale.ROOT, "load generator cpu in the window: %.1f s%n", cpuSeconds);
    if (any) {
      System.out.printf(Locale.ROOT, "latency of %d answers (ms%s): p50=%s p90=%s p99=%s p99.9=%s max=%s%n",
          spec.okStatus(), s.mode == LoadSettings.Mode.RATE ? ", from scheduled send time" : "",
          ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), fmt(h.getMaxValue() / 1000.0, 3));
    } else {
      System.out.println("latency: no " + spec.okStatus() + " answers in the measured window");
    }
    for (int i = 0; i < t.bucketAnswers.length; i++) {
      // epoch ms of the bucket's start, to line up with GC and PostgreSQL logs
      System.out.printf(Locale.ROOT, "TIMELINE %d answers=%d slow=%d max_ms=%s%n", windowStartMs + (long) i * s.timelineMs,
          t.bucketAnswers[i], t.bucketSlow[i], fmt(t.bucketMaxMicros[i] / 1000.0, 1));
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
        .append(",\"okStatus\":").append(spec.okStatus())
        .append(",\"windowStartMs\":").append(windowStartMs)
        .append(",\"windowEndMs\":").append(windowStartMs + s.durationSeconds * 1000L)
        .append(",\"cpuSeconds\":").append(fmt(cpuSeconds, 3))
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
