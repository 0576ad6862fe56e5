package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --timeline}: the open model's answers are counted per bucket of their scheduled time, so
 * a server that stalls for one second of the window shows its slow answers in that bucket alone.
 */
class LoadTimelineTest {
  private static final Pattern LINE = Pattern.compile("^TIMELINE (\\d+) answers=(\\d+) slow=(\\d+) max_ms=([0-9.]+)$");

  @Test
  void slowAnswersLandInTheBucketOfTheirScheduledTime() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Vertx server = Vertx.vertx();
    long[] slowFrom = {0}, slowTo = {0};
    try {
      server.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
        long now = System.currentTimeMillis();
        if (req.method() == HttpMethod.POST && slowFrom[0] == 0) { // the first request opens the warm-up
          slowFrom[0] = now + 2_050;
          slowTo[0] = now + 2_950;
        }
        long delay = now >= slowFrom[0] && now < slowTo[0] ? 150 : 0;
        if (delay == 0) {
          req.response().end("ok");
        } else {
          server.setTimer(delay, id -> req.response().end("ok"));
        }
      })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      LoadSettings s = LoadSettings.parse(new String[] {"--url", "http://127.0.0.1:" + port + "/t", "--mode", "rate",
          "--rate", "100", "--connections", "32", "--warmup", "1", "--duration", "3", "--progress", "0",
          "--timeline", "1000", "--slow-ms", "100"}, Set.of());
      // the second second of the measured window is slow: 1 s (warm-up) + 1 s after the first request
      LoadTool.Spec spec = new LoadTool.Spec("test", "", Set.of(), 200,
          x -> () -> (req, seq) -> req.send("x"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream was = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, LoadTool.run(spec, s, spec.traffic().apply(s)));
      } finally {
        System.setOut(was);
      }
      List<long[]> buckets = new ArrayList<>();
      for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
        Matcher m = LINE.matcher(line.strip());
        if (m.matches()) {
          buckets.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
              Math.round(Double.parseDouble(m.group(4)))});
        }
      }
      assertEquals(3, buckets.size(), out.toString(StandardCharsets.UTF_8));
      long answers = 0;
      for (long[] b : buckets) {
        answers += b[0];
      }
      assertEquals(300, answers, "every answer of the window is in a bucket");
      assertEquals(0, buckets.get(0)[1], "nothing slow before the stall");
      assertTrue(buckets.get(1)[1] >= 50, "the stalled second's answers are slow: " + buckets.get(1)[1]);
      assertTrue(buckets.get(1)[2] >= 150, "its slowest took the stall: " + buckets.get(1)[2]);
      assertEquals(0, buckets.get(2)[1], "nothing slow after it");
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
