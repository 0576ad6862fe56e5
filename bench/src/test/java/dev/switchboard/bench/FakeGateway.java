package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test-only stand-in for the gateway's WhatsApp webhook route, used to check {@link WebhookLoad}:
 * verifies X-Hub-Signature-256 independently, checks the Meta payload shape, counts duplicate
 * message ids and distinct senders, and keeps arrivals per second (to check the open-model rate).
 *
 * <pre>java -cp ... dev.switchboard.bench.FakeGateway PORT APP_SECRET PHONE_NUMBER_ID [DELAY_MS] [STATUS_EVERY STATUS]</pre>
 * GET /stats returns the counters as JSON; other GETs answer 403 (like the verify handshake).
 * With DELAY_MS > 0 each answer is delayed; with STATUS_EVERY = n every n-th POST answers STATUS.
 */
public final class FakeGateway {

  private final byte[] secret;
  private final String phoneNumberId;
  private final long delayMs;
  private final long statusEvery;
  private final int status;
  private Mac mac;
  private long received, ok, badSignature, badShape, duplicateIds;
  private final Set<String> ids = new HashSet<>(1 << 20);
  private final Set<String> senders = new HashSet<>();
  private final TreeMap<Long, Long> perSecond = new TreeMap<>();
  private final String lastBody[] = {""};

  FakeGateway(String secret, String phoneNumberId, long delayMs, long statusEvery, int status) throws Exception {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.phoneNumberId = phoneNumberId;
    this.delayMs = delayMs;
    this.statusEvery = statusEvery;
    this.status = status;
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(this.secret, "HmacSHA256"));
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    FakeGateway g = new FakeGateway(a[1], a[2], a.length > 3 ? Long.parseLong(a[3]) : 0,
        a.length > 4 ? Long.parseLong(a[4]) : 0, a.length > 5 ? Integer.parseInt(a[5]) : 200);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(req -> g.handle(vertx, req))
        .listen(port)
        .onSuccess(s -> System.out.println("FakeGateway listening on " + s.actualPort()))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  private void handle(Vertx vertx, HttpServerRequest req) {
    if (req.method().name().equals("GET")) {
      if (req.path().equals("/stats")) {
        req.response().putHeader("content-type", "application/json").end(stats().encodePrettily());
      } else {
        req.response().setStatusCode(403).end();
      }
      return;
    }
    String sig = req.getHeader("X-Hub-Signature-256");
    String ct = req.getHeader("Content-Type");
    req.body().onSuccess(body -> {
      int code = check(body, sig, ct);
      if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> req.response().setStatusCode(code).end());
      } else {
        req.response().setStatusCode(code).end();
      }
    });
  }

  private int check(Buffer body, String sig, String ct) {
    received++;
    perSecond.merge(System.currentTimeMillis() / 1000, 1L, Long::sum);
    byte[] bytes = body.getBytes();
    byte[] expected = mac.doFinal(bytes);
    if (sig == null || !sig.startsWith("sha256=") || sig.length() != 71
        || !sig.substring(7).equals(sig.substring(7).toLowerCase())
        || !MessageDigest.isEqual(expected, HexFormat.of().parseHex(sig.substring(7)))) {
      badSignature++;
      return 401;
    }
    try {
      if (!"application/json".equals(ct)) {
        throw new IllegalStateException("content-type " + ct);
      }
      JsonObject o = new JsonObject(body);
      req(o.getString("object").equals("whatsapp_business_account"), "object");
      JsonObject change = o.getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0);
      req(change.getString("field").equals("messages"), "field");
      JsonObject v = change.getJsonObject("value");
      req(v.getString("messaging_product").equals("whatsapp"), "messaging_product");
      req(v.getJsonObject("metadata").getString("phone_number_id").equals(phoneNumberId), "phone_number_id");
      req(v.getJsonObject("metadata").getString("display_phone_number").matches("[0-9]+"), "display_phone_number");
      JsonObject contact = v.getJsonArray("contacts").getJsonObject(0);
      JsonArray msgs = v.getJsonArray("messages");
      req(msgs.size() == 1, "one message");
      JsonObject m = msgs.getJsonObject(0);
      String from = m.getString("from");
      req(from.matches("1555000[0-9]{4}"), "from");
      req(contact.getString("wa_id").equals(from), "wa_id");
      req(!contact.getJsonObject("profile").getString("name").isEmpty(), "profile.name");
      req(m.getString("timestamp").matches("[0-9]{10}"), "timestamp");
      req(m.getString("type").equals("text"), "type");
      req(!m.getJsonObject("text").getString("body").isEmpty(), "text.body");
      String id = m.getString("id");
      req(id.startsWith("wamid."), "id");
      if (!ids.add(id)) {
        duplicateIds++;
      }
      senders.add(from);
      lastBody[0] = body.toString();
    } catch (RuntimeException e) {
      if (badShape++ < 5) {
        System.err.println("bad shape: " + e + " in " + body);
      }
      return 400;
    }
    if (statusEvery > 0 && received % statusEvery == 0) {
      return status;
    }
    ok++;
    return 200;
  }

  private static void req(boolean cond, String what) {
    if (!cond) {
      throw new IllegalStateException(what);
    }
  }

  private JsonObject stats() {
    JsonObject per = new JsonObject();
    perSecond.forEach((k, v) -> per.put(Long.toString(k), v));
    return new JsonObject()
        .put("received", received).put("ok", ok).put("badSignature", badSignature).put("badShape", badShape)
        .put("duplicateIds", duplicateIds).put("uniqueIds", ids.size()).put("distinctSenders", senders.size())
        .put("perSecond", per).put("lastBody", lastBody[0]);
  }
}
