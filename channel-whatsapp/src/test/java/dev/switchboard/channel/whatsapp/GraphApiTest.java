package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.FakeGraphApi.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that talk to a {@link FakeGraphApi}: one Vert.x, HTTP client and fake Graph API
 * per test class, the fake's recorded requests, scripted answers and state cleared before each test.
 */
abstract class GraphApiTest {
  static Vertx vertx;
  static HttpClient client;
  static FakeGraphApi api;

  @BeforeAll
  static void startGraphApi() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    api = FakeGraphApi.start(vertx);
  }

  @AfterAll
  static void stopGraphApi() {
    api.stop();
    await(vertx.close());
  }

  @BeforeEach
  void resetGraphApi() {
    api.reset();
  }
}
