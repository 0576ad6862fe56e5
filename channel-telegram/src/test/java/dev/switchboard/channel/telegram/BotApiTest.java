package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.FakeBotApi.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that talk to a {@link FakeBotApi}: one Vert.x, HTTP client and fake Bot API per
 * test class, the fake's recorded calls and scripted answers cleared before each test.
 */
abstract class BotApiTest {
  static Vertx vertx;
  static HttpClient client;
  static FakeBotApi api;

  @BeforeAll
  static void startBotApi() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    api = FakeBotApi.start(vertx);
  }

  @AfterAll
  static void stopBotApi() {
    api.stop();
    await(vertx.close());
  }

  @BeforeEach
  void resetBotApi() {
    api.reset();
  }
}
