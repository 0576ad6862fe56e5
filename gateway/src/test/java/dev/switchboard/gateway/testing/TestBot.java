package dev.switchboard.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tenant's bot: a local HTTP server that receives forwarded events, checks each Standard Webhooks
 * signature with its own code (as a bot builder would, from the spec: HMAC-SHA256 over
 * {@code id.timestamp.body}, base64, {@code v1,} prefix), records them, and answers as the test sets.
 */
public final class TestBot implements AutoCloseable {
  /** One received event: its headers, raw body, and whether the signature was right. */
  public record Event(String webhookId, String timestamp, String signature, String body, boolean signatureValid,
                      long atNanos) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** What to answer: status, body, delay in ms. */
  public record Answer(int status, String body, long delayMillis) {
    public static Answer ok() {
      return new Answer(200, "", 0);
    }

    public static Answer replies(JsonObject... replies) {
      return new Answer(200, new JsonObject().put("replies", new io.vertx.core.json.JsonArray(List.of((Object[]) replies)))
          .encode(), 0);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final byte[] key;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private volatile Function<Event, Answer> answer = e -> Answer.ok();

  /** @param key the signing key's bytes (for {@code whsec_<base64>}: the decoded bytes) */
  public TestBot(byte[] key) {
    this.key = key.clone();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buffer -> {
      String id = req.getHeader("webhook-id");
      String ts = req.getHeader("webhook-timestamp");
      String sig = req.getHeader("webhook-signature");
      String body = buffer.toString(StandardCharsets.UTF_8);
      Event e = new Event(id, ts, sig, body, verify(id, ts, sig, body), System.nanoTime());
      events.add(e);
      Answer a = answer.apply(e);
      Runnable reply = () -> req.response().setStatusCode(a.status()).putHeader("Content-Type", "application/json")
          .end(a.body());
      if (a.delayMillis() > 0) {
        vertx.setTimer(a.delayMillis(), t -> reply.run());
      } else {
        reply.run();
      }
    }));
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean verify(String id, String ts, String signature, String body) {
    if (id == null || ts == null || signature == null) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
      for (String part : signature.split(" ")) {
        if (part.startsWith("v1,") && MessageDigest.isEqual(Base64.getDecoder().decode(part.substring(3)), expected)) {
          return Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(ts)) < 300;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/switchboard";
  }

  public TestBot answer(Function<Event, Answer> answer) {
    this.answer = answer;
    return this;
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  /** The events about the message with this platform id. */
  public List<Event> eventsFor(String platformMessageId) {
    return events.stream().filter(e -> platformMessageId.equals(
        e.json().getJsonObject("message").getString("platformMessageId"))).toList();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
