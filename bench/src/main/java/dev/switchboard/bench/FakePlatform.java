package dev.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A fake chat platform for {@code bench/outbound.sh}, listening on 127.0.0.1 only: it answers the
 * sends of the gateway's channel senders at once (or after {@code --delay-ms}) and counts them.
 *
 * <ul>
 *   <li>Telegram Bot API: {@code POST /bot<token>/sendMessage} answers
 *       {@code {"ok":true,"result":{"message_id":N,"date":…,"chat":{"id":…,"type":"private"},"text":…}}};
 *       any other method {@code {"ok":true,"result":true}}.</li>
 *   <li>WhatsApp Cloud API: {@code POST /v<version>/<phoneNumberId>/messages} answers
 *       {@code {"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],"messages":[{"id":"wamid.…"}]}}.</li>
 *   <li>{@code GET /stats}: the counters as JSON (below).</li>
 * </ul>
 *
 * <p>A text made by {@link SendPayload#text} carries its run id and request number; each run has a
 * bitmap of the numbers seen, so a message delivered twice is counted in {@code duplicates} however
 * many messages there are. One server per event loop ({@code --event-loops}), sharing the port and
 * the counters.
 *
 * <pre>java -cp bench/target/webhook-load.jar dev.switchboard.bench.FakePlatform --port P [--event-loops 2] [--delay-ms 0] [--max-seq 16777216]</pre>
 */
public final class FakePlatform {

  private static final Pattern WHATSAPP = Pattern.compile("/v[0-9]+\\.[0-9]+/[0-9]{1,32}/messages");
  /** The chat id reported for a send addressed by {@code @username}. */
  static final long USERNAME_CHAT_ID = -1_000_000_000_001L;

  private FakePlatform() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> kv = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        usage("expected --name value, got '" + args[i] + "'");
      }
      kv.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0 || !kv.containsKey("port")
        || !java.util.Set.of("port", "event-loops", "delay-ms", "max-seq").containsAll(kv.keySet())) {
      usage("bad arguments");
    }
    int port = Integer.parseInt(kv.get("port"));
    int loops = Integer.parseInt(kv.getOrDefault("event-loops", "2"));
    long delayMs = Long.parseLong(kv.getOrDefault("delay-ms", "0"));
    int maxSeq = Integer.parseInt(kv.getOrDefault("max-seq", Integer.toString(1 << 24)));
    Vertx vertx = Vertx.vertx(BenchVertx.options(loops));
    Tally tally = new Tally(maxSeq);
    start(vertx, tally, port, loops, delayMs)
        .onSuccess(v -> System.out.println("FakePlatform listening on 127.0.0.1:" + port))
        .onFailure(e -> {
          System.err.println("FakePlatform: " + e);
          System.exit(1);
        });
  }

  private static void usage(String why) {
    System.err.println("FakePlatform: " + why);
    System.err.println("usage: FakePlatform --port P [--event-loops 2] [--delay-ms 0] [--max-seq 16777216]");
    System.exit(2);
  }

  /** Deploys {@code loops} servers on {@code port} (127.0.0.1) that share {@code tally}. */
  static Future<String> start(Vertx vertx, Tally tally, int port, int loops, long delayMs) {
    return vertx.deployVerticle(() -> new Server(tally, port, delayMs), new DeploymentOptions().setInstances(loops));
  }

  /** What has been received, shared by the servers. */
  static final class Tally {
    private final int maxSeq;
    final LongAdder requests = new LongAdder();
    final LongAdder telegramSends = new LongAdder();
    final LongAdder whatsappSends = new LongAdder();
    final LongAdder otherCalls = new LongAdder();
    final LongAdder notFound = new LongAdder();
    final LongAdder badRequests = new LongAdder();
    final LongAdder untagged = new LongAdder();
    final LongAdder untracked = new LongAdder();
    final AtomicLong messageIds = new AtomicLong();
    final LongAccumulator firstSendMs = new LongAccumulator(Math::min, Long.MAX_VALUE);
    final LongAccumulator lastSendMs = new LongAccumulator(Math::max, 0);
    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, LongAdder> perSecond = new ConcurrentHashMap<>();

    Tally(int maxSeq) {
      if (maxSeq < 64) {
        throw new IllegalArgumentException("max-seq must be at least 64");
      }
      this.maxSeq = maxSeq;
    }

    /** Counts one send with text {@code text}. */
    void send(String text) {
      long now = System.currentTimeMillis();
      firstSendMs.accumulate(now);
      lastSendMs.accumulate(now);
      perSecond.computeIfAbsent(now / 1000, k -> new LongAdder()).increment();
      SendPayload.Tag tag = SendPayload.tag(text);
      if (tag == null) {
        untagged.increment();
      } else if (tag.seq() >= maxSeq) {
        untracked.increment();
      } else {
        runs.computeIfAbsent(tag.runId(), r -> new Run(maxSeq)).mark(tag.seq());
      }
    }

    JsonObject json() {
      JsonObject byRun = new JsonObject();
      long unique = 0;
      long duplicates = 0;
      for (Map.Entry<String, Run> e : new TreeMap<>(runs).entrySet()) {
        Run r = e.getValue();
        unique += r.unique.sum();
        duplicates += r.duplicates.sum();
        byRun.put(e.getKey(), new JsonObject().put("unique", r.unique.sum()).put("duplicates", r.duplicates.sum()));
      }
      JsonObject seconds = new JsonObject();
      new TreeMap<>(perSecond).forEach((k, v) -> seconds.put(Long.toString(k), v.sum()));
      long first = firstSendMs.get();
      return new JsonObject()
          .put("requests", requests.sum())
          .put("sends", telegramSends.sum() + whatsappSends.sum())
          .put("telegramSends", telegramSends.sum())
          .put("whatsappSends", whatsappSends.sum())
          .put("otherCalls", otherCalls.sum())
          .put("notFound", notFound.sum())
          .put("badRequests", badRequests.sum())
          .put("unique", unique)
          .put("duplicates", duplicates)
          .put("untagged", untagged.sum())
          .put("untracked", untracked.sum())
          .put("firstSendMs", first == Long.MAX_VALUE ? null : first)
          .put("lastSendMs", first == Long.MAX_VALUE ? null : lastSendMs.get())
          .put("runs", byRun)
          .put("perSecond", seconds);
    }
  }

  /** The request numbers one run has delivered: a bitmap, and the counts. */
  private static final class Run {
    private final AtomicLongArray bits;
    final LongAdder unique = new LongAdder();
    final LongAdder duplicates = new LongAdder();

    Run(int maxSeq) {
      bits = new AtomicLongArray((maxSeq + 63) / 64);
    }

    void mark(long seq) {
      int i = (int) (seq >>> 6);
      long bit = 1L << (seq & 63);
      while (true) {
        long old = bits.get(i);
        if ((old & bit) != 0) {
          duplicates.increment();
          return;
        }
        if (bits.compareAndSet(i, old, old | bit)) {
          unique.increment();
          return;
        }
      }
    }
  }

  /** One event loop's server. */
  private static final class Server extends VerticleBase {
    private final Tally tally;
    private final int port;
    private final long delayMs;

    Server(Tally tally, int port, long delayMs) {
      this.tally = tally;
      this.port = port;
      this.delayMs = delayMs;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
          .requestHandler(this::handle)
          .listen();
    }

    private void handle(HttpServerRequest req) {
      tally.requests.increment();
      String path = req.path();
      if (req.method() == HttpMethod.GET && path.equals("/stats")) {
        reply(req, 200, tally.json());
      } else if (req.method() == HttpMethod.POST && path.startsWith("/bot") && path.indexOf('/', 4) > 4) {
        String method = path.substring(path.indexOf('/', 4) + 1);
        req.body().onSuccess(body -> later(() -> telegram(req, method, body)));
      } else if (req.method() == HttpMethod.POST && WHATSAPP.matcher(path).matches()) {
        req.body().onSuccess(body -> later(() -> whatsapp(req, body)));
      } else {
        tally.notFound.increment();
        reply(req, 404, new JsonObject().put("ok", false).put("error_code", 404).put("description", "Not Found"));
      }
    }

    private void later(Runnable r) {
      if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> r.run());
      } else {
        r.run();
      }
    }

    private void telegram(HttpServerRequest req, String method, Buffer body) {
      JsonObject params = json(body);
      if (params == null) {
        reply(req, 400, new JsonObject().put("ok", false).put("error_code", 400)
            .put("description", "Bad Request: the body is not a JSON object"));
        return;
      }
      if (!method.equals("sendMessage")) {
        tally.otherCalls.increment();
        reply(req, 200, new JsonObject().put("ok", true).put("result", true));
        return;
      }
      String text = params.getValue("text") instanceof String s ? s : null;
      if (text == null || params.getValue("chat_id") == null) {
        tally.badRequests.increment();
        reply(req, 400, new JsonObject().put("ok", false).put("error_code", 400)
            .put("description", "Bad Request: chat_id and text are required"));
        return;
      }
      tally.telegramSends.increment();
      tally.send(text);
      JsonObject chat = new JsonObject().put("id", chatId(params.getValue("chat_id"))).put("type", "private");
      reply(req, 200, new JsonObject().put("ok", true).put("result", new JsonObject()
          .put("message_id", tally.messageIds.incrementAndGet())
          .put("date", TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()))
          .put("chat", chat)
          .put("text", text)));
    }

    private void whatsapp(HttpServerRequest req, Buffer body) {
      JsonObject m = json(body);
      String to = m == null || !(m.getValue("to") instanceof String s) ? null : s;
      if (to == null || !"whatsapp".equals(m.getValue("messaging_product"))) {
        tally.badRequests.increment();
        reply(req, 400, new JsonObject().put("error", new JsonObject().put("message", "(#100) Invalid parameter")
            .put("type", "OAuthException").put("code", 100)));
        return;
      }
      tally.whatsappSends.increment();
      JsonObject text = m.getValue("text") instanceof JsonObject t ? t : null;
      tally.send(text != null && text.getValue("body") instanceof String b ? b : null);
      reply(req, 200, new JsonObject().put("messaging_product", "whatsapp")
          .put("contacts", new JsonArray().add(new JsonObject().put("input", to).put("wa_id", to.replace("+", ""))))
          .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.fake." + tally.messageIds.incrementAndGet()))));
    }

    private static JsonObject json(Buffer body) {
      try {
        return body.length() > 0 && body.getByte(0) == '{' ? new JsonObject(body) : null;
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** Telegram's chat id: the number given (also as a string); a {@code @username} gets a fixed one. */
    private static long chatId(Object v) {
      if (v instanceof Number n) {
        return n.longValue();
      }
      try {
        return Long.parseLong(v.toString());
      } catch (NumberFormatException e) {
        return USERNAME_CHAT_ID;
      }
    }

    private static void reply(HttpServerRequest req, int status, JsonObject json) {
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json.toBuffer());
    }
  }
}
