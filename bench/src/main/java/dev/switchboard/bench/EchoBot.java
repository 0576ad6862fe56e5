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

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local echo bot for {@code bench/turns.sh}, listening on 127.0.0.1 only: it takes the gateway's
 * {@code forward} calls as a real bot would — checks the Standard Webhooks signature
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256>}),
 * answers {@code 401} to a bad one — and answers {@code 200 {"replies":[{"text":…}]}} at once (or
 * after {@code --delay-ms}).
 *
 * <p>The reply to a message whose platform id is a load-harness {@code wamid.bench.<run>.<n>} is the
 * tagged text {@link SendPayload#text}{@code (run, n)}, so the fake platform counts each turn's reply
 * once and sees any duplicate. {@code GET /stats}: events, distinct {@code webhook-id}s, bad
 * signatures, malformed events.
 *
 * <pre>java -cp bench/target/webhook-load.jar dev.switchboard.bench.EchoBot --port P --secret whsec_… [--event-loops 1] [--delay-ms 0]</pre>
 */
public final class EchoBot {
  private static final String WAMID_PREFIX = "wamid.bench.";

  private EchoBot() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> kv = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        usage("expected --name value, got '" + args[i] + "'");
      }
      kv.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0 || !kv.containsKey("port") || !kv.containsKey("secret")
        || !Set.of("port", "secret", "event-loops", "delay-ms").containsAll(kv.keySet())) {
      usage("bad arguments");
    }
    int port = Integer.parseInt(kv.get("port"));
    int loops = Integer.parseInt(kv.getOrDefault("event-loops", "1"));
    long delayMs = Long.parseLong(kv.getOrDefault("delay-ms", "0"));
    Vertx vertx = Vertx.vertx(BenchVertx.options(loops));
    start(vertx, new Tally(), key(kv.get("secret")), port, loops, delayMs)
        .onSuccess(v -> System.out.println("EchoBot listening on 127.0.0.1:" + port))
        .onFailure(e -> {
          System.err.println("EchoBot: " + e);
          System.exit(1);
        });
  }

  private static void usage(String why) {
    System.err.println("EchoBot: " + why);
    System.err.println("usage: EchoBot --port P --secret whsec_<base64>|TEXT [--event-loops 1] [--delay-ms 0]");
    System.exit(2);
  }

  /** The signing key: the decoded bytes of a {@code whsec_} secret, else the secret's UTF-8. */
  static byte[] key(String secret) {
    return secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring(6))
        : secret.getBytes(StandardCharsets.UTF_8);
  }

  static Future<String> start(Vertx vertx, Tally tally, byte[] key, int port, int loops, long delayMs) {
    return vertx.deployVerticle(() -> new Server(tally, key, port, delayMs), new DeploymentOptions().setInstances(loops));
  }

  /** The reply text to the message whose platform id is {@code platformId}. */
  static String replyTo(String platformId, String text) {
    if (platformId != null && platformId.startsWith(WAMID_PREFIX)) {
      int dot = platformId.lastIndexOf('.');
      if (dot > WAMID_PREFIX.length()) {
        try {
          long seq = Long.parseLong(platformId.substring(dot + 1));
          return SendPayload.text(platformId.substring(WAMID_PREFIX.length(), dot), seq);
        } catch (NumberFormatException e) {
          // not one of the harness's ids: echo the text
        }
      }
    }
    return "echo: " + (text == null ? "" : text);
  }

  /** What the bot has been sent, shared by its servers. */
  static final class Tally {
    final LongAdder events = new LongAdder();
    final LongAdder badSignatures = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final Set<String> webhookIds = ConcurrentHashMap.newKeySet();

    JsonObject json() {
      long n = events.sum();
      return new JsonObject().put("events", n).put("distinctWebhookIds", webhookIds.size())
          .put("repeated", n - webhookIds.size()).put("badSignatures", badSignatures.sum())
          .put("malformed", malformed.sum());
    }
  }

  private static final class Server extends VerticleBase {
    private final Tally tally;
    private final byte[] key;
    private final int port;
    private final long delayMs;
    private Mac mac;

    Server(Tally tally, byte[] key, int port, long delayMs) {
      this.tally = tally;
      this.key = key;
      this.port = port;
      this.delayMs = delayMs;
    }

    @Override
    public Future<?> start() {
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        return Future.failedFuture(e);
      }
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
          .requestHandler(this::handle).listen();
    }

    private void handle(HttpServerRequest req) {
      if (req.method() == HttpMethod.GET && "/stats".equals(req.path())) {
        reply(req, 200, tally.json());
        return;
      }
      if (req.method() != HttpMethod.POST) {
        reply(req, 405, new JsonObject().put("error", "method not allowed"));
        return;
      }
      req.body().onSuccess(body -> {
        String id = req.getHeader("webhook-id");
        String ts = req.getHeader("webhook-timestamp");
        String sig = req.getHeader("webhook-signature");
        if (id == null || ts == null || sig == null || !signed(id, ts, body, sig)) {
          tally.badSignatures.increment();
          reply(req, 401, new JsonObject().put("error", "bad signature"));
          return;
        }
        JsonObject event;
        try {
          event = body.toJsonObject();
        } catch (RuntimeException e) {
          tally.malformed.increment();
          reply(req, 400, new JsonObject().put("error", "not JSON"));
          return;
        }
        JsonObject message = event.getJsonObject("message");
        if (message == null) {
          tally.malformed.increment();
          reply(req, 400, new JsonObject().put("error", "no message"));
          return;
        }
        tally.events.increment();
        tally.webhookIds.add(id);
        JsonObject answer = new JsonObject().put("replies", new JsonArray().add(new JsonObject()
            .put("text", replyTo(message.getString("platformMessageId"), message.getString("text")))));
        if (delayMs > 0) {
          vertx.setTimer(delayMs, t -> reply(req, 200, answer));
        } else {
          reply(req, 200, answer);
        }
      });
    }

    /** Any {@code v1,} signature in the header matches HMAC-SHA256(key, id.ts.body). */
    private boolean signed(String id, String ts, Buffer body, String header) {
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body.getBytes());
      for (String part : header.split(" ")) {
        if (part.startsWith("v1,")) {
          try {
            if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
              return true;
            }
          } catch (IllegalArgumentException e) {
            // not base64: try the next one
          }
        }
      }
      return false;
    }

    private static void reply(HttpServerRequest req, int status, JsonObject json) {
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json.toBuffer());
    }
  }
}
