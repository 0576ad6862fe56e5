package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakePlatformTest {

  private Vertx vertx;
  private HttpClientAgent client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    vertx = Vertx.vertx();
    await(FakePlatform.start(vertx, new FakePlatform.Tally(1024), port, 2, 0));
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void telegramSendMessageAnswersAMessageAndCountsDuplicates() throws Exception {
    String text = SendPayload.text("r1", 7);
    Answer a = post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", "700000001").put("text", text));
    assertEquals(200, a.status());
    assertEquals(true, a.json().getBoolean("ok"));
    JsonObject result = a.json().getJsonObject("result");
    assertTrue(result.getLong("message_id") > 0);
    assertTrue(result.getLong("date") > 1_700_000_000L);
    assertEquals(new JsonObject().put("id", 700000001L).put("type", "private"), result.getJsonObject("chat"));
    assertEquals(text, result.getString("text"));
    Answer again = post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", 700000001L).put("text", text));
    assertTrue(again.json().getJsonObject("result").getLong("message_id") > result.getLong("message_id"));
    post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", 5).put("text", SendPayload.text("r1", 8)));
    post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", 5).put("text", SendPayload.text("r1", 5000)));
    post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", "@somechannel").put("text", "hello"));

    JsonObject stats = stats();
    assertEquals(5, stats.getLong("telegramSends"));
    assertEquals(2, stats.getLong("unique"));
    assertEquals(1, stats.getLong("duplicates"));
    assertEquals(1, stats.getLong("untracked")); // beyond --max-seq
    assertEquals(1, stats.getLong("untagged"));
    assertEquals(new JsonObject().put("unique", 2L).put("duplicates", 1L), stats.getJsonObject("runs").getJsonObject("r1"));
  }

  @Test
  void telegramOtherMethodsAndBadBodies() throws Exception {
    Answer other = post("/bot123456:ABC/sendChatAction", new JsonObject().put("chat_id", 1).put("action", "typing"));
    assertEquals(new JsonObject().put("ok", true).put("result", true), other.json());
    assertEquals(400, post("/bot123456:ABC/sendMessage", new JsonObject().put("chat_id", 1)).status());
    assertEquals(404, post("/nothing", new JsonObject()).status());
    JsonObject stats = stats();
    assertEquals(1, stats.getLong("otherCalls"));
    assertEquals(1, stats.getLong("badRequests"));
    assertEquals(1, stats.getLong("notFound"));
    assertEquals(0, stats.getLong("sends"));
  }

  @Test
  void whatsappMessagesAnswersAMessageId() throws Exception {
    Answer a = post("/v23.0/100000000000001/messages", new JsonObject().put("messaging_product", "whatsapp")
        .put("to", "15550001234").put("type", "text").put("text", new JsonObject().put("body", SendPayload.text("w", 1))));
    assertEquals(200, a.status());
    assertEquals("whatsapp", a.json().getString("messaging_product"));
    assertEquals(new JsonObject().put("input", "15550001234").put("wa_id", "15550001234"),
        a.json().getJsonArray("contacts").getJsonObject(0));
    assertTrue(a.json().getJsonArray("messages").getJsonObject(0).getString("id").startsWith("wamid."));
    assertEquals(1, stats().getJsonObject("runs").getJsonObject("w").getLong("unique"));
  }

  private record Answer(int status, JsonObject json) {
  }

  private Answer post(String path, JsonObject body) throws Exception {
    return await(onContext(() -> client.request(HttpMethod.POST, port, "127.0.0.1", path)
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), new JsonObject(b))))));
  }

  private JsonObject stats() throws Exception {
    return await(onContext(() -> client.request(HttpMethod.GET, port, "127.0.0.1", "/stats")
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(JsonObject::new))));
  }

  /**
   * Runs the exchange on a Vert.x context: composed from the test thread, the response can arrive
   * before its body handler is set, and the body is then lost.
   */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> exchange) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> exchange.get().onComplete(done));
    return done.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
