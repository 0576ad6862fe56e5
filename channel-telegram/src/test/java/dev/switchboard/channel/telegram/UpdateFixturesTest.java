package dev.switchboard.channel.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Test support shared by the decoder tests (it holds no tests): fixtures from
 * {@code src/test/resources/payloads} and calls made the way the gateway makes them.
 */
final class UpdateFixturesTest {

  static final String SECRET = "wH-s3cr3t_token_42";
  static final String BOT = "7172552019";
  static final Instant RECEIVED_AT = Instant.parse("2026-03-01T12:00:00Z");

  private UpdateFixturesTest() {
  }

  static byte[] fixture(String name) {
    try (InputStream in = UpdateFixturesTest.class.getResourceAsStream("/payloads/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A POST as the gateway hands it over; {@code secretHeader} null sends no secret header. */
  static WebhookRequest post(byte[] body, String secretHeader) {
    Map<String, String> headers = secretHeader == null
        ? Map.of("content-type", "application/json")
        : Map.of("content-type", "application/json",
            "x-telegram-bot-api-secret-token", secretHeader);
    return new WebhookRequest("POST", headers, Map.of(), body, RECEIVED_AT);
  }

  static DecodeResult decode(byte[] body) {
    return TelegramWebhookDecoder.decode(post(body, SECRET), SECRET, BOT);
  }

  static DecodeResult decode(String json) {
    return decode(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The single event of an accepted call (fails the test otherwise). */
  static InboundEvent only(DecodeResult result) {
    assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
    List<InboundEvent> events = ((DecodeResult.Accepted) result).events();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  static InboundEvent event(String fixture) {
    return only(decode(fixture(fixture)));
  }

  static InboundEvent eventOf(String json) {
    return only(decode(json));
  }

  /** The single event of a fixture, which must be a message. */
  static InboundMessage message(String fixture) {
    InboundEvent event = event(fixture);
    assertThat(event).isInstanceOf(InboundMessage.class);
    return (InboundMessage) event;
  }

  static JsonObject extras(InboundMessage m) {
    assertThat(m.extrasJson()).isNotNull();
    return new JsonObject(m.extrasJson());
  }

  static Instant epoch(long seconds) {
    return Instant.ofEpochSecond(seconds);
  }
}
