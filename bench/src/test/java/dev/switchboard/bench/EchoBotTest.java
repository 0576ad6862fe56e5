package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EchoBotTest {
  private static final byte[] KEY = "echo-bot-test-key-0123456789abcd".getBytes(StandardCharsets.UTF_8);
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    vertx = Vertx.vertx();
    EchoBot.start(vertx, new EchoBot.Tally(), EchoBot.key("whsec_" + Base64.getEncoder().encodeToString(KEY)), port, 1, 0)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String event(String platformId, String text) {
    return new JsonObject().put("type", "message.received").put("version", 1).put("id", "evt_1")
        .put("message", new JsonObject().put("id", "msg_1").put("platformMessageId", platformId).put("type", "text")
            .put("text", text)).encode();
  }

  private static String sign(String id, String ts, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
        .getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> forward(String id, String body, String signature) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bot"))
        .header("Content-Type", "application/json").header("webhook-id", id).header("webhook-timestamp", "1796170000")
        .header("webhook-signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject stats() throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void aSignedEventIsAnsweredWithTheTaggedReplyOfItsTurn() throws Exception {
    String body = event("wamid.bench.b123-ab.42", "Hello from the Switchboard load harness, message 42");
    HttpResponse<String> r = forward("evt_1", body, "v1,bm90LWl0 " + sign("evt_1", "1796170000", body));
    assertEquals(200, r.statusCode());
    assertEquals(SendPayload.text("b123-ab", 42),
        new JsonObject(r.body()).getJsonArray("replies").getJsonObject(0).getString("text"));
    String other = event("wamid.HBgL123", "hi");
    assertEquals("echo: hi", new JsonObject(forward("evt_2", other, sign("evt_2", "1796170000", other)).body())
        .getJsonArray("replies").getJsonObject(0).getString("text"));
    forward("evt_1", body, sign("evt_1", "1796170000", body)); // a retry of the first event
    JsonObject stats = stats();
    assertEquals(3, stats.getLong("events"));
    assertEquals(2, stats.getLong("distinctWebhookIds"));
    assertEquals(1, stats.getLong("repeated"));
  }

  @Test
  void aBadSignatureIs401AndCounted() throws Exception {
    String body = event("wamid.bench.r.1", "x");
    assertEquals(401, forward("evt_1", body, sign("evt_1", "1796170000", body + " ")).statusCode());
    assertEquals(401, forward("evt_1", body, "v1,not base64!").statusCode());
    assertEquals(2, stats().getLong("badSignatures"));
    assertEquals(0, stats().getLong("events"));
  }
}
