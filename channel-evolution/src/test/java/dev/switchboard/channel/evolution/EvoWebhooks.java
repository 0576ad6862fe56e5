package dev.switchboard.channel.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: fixtures and calling the decoder the way the plugin does. */
final class EvoWebhooks {

  /** The API key every fixture carries (the captures' keys were replaced by it). */
  static final String KEY = "B6D711FCDE4D4FD5936544120E713976";
  static final Instant RECEIVED_AT = Instant.parse("2026-07-01T12:00:00Z");

  private EvoWebhooks() {
  }

  static byte[] fixture(String name) {
    try (InputStream in = EvoWebhooks.class.getResourceAsStream("/payloads/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject json(String name) {
    return new JsonObject(new String(fixture(name), StandardCharsets.UTF_8));
  }

  /** The instance a fixture names. */
  static String instanceOf(String name) {
    return json(name).getString("instance");
  }

  static WebhookRequest request(String method, byte[] body, String headerKey) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    if (headerKey != null) {
      headers.put("apikey", headerKey);
    }
    return new WebhookRequest(method, headers, Map.of(), body, RECEIVED_AT);
  }

  static DecodeResult decode(byte[] body, String headerKey, String instance) {
    return EvolutionWebhookDecoder.decode(request("POST", body, headerKey), instance, KEY);
  }

  static DecodeResult decode(JsonObject body, String instance) {
    return decode(body.encode().getBytes(StandardCharsets.UTF_8), null, instance);
  }

  /** The events of an accepted call (the fixture's envelope carries the key; no header). */
  static List<InboundEvent> events(String name) {
    return events(json(name));
  }

  static List<InboundEvent> events(JsonObject body) {
    DecodeResult result = decode(body.encode().getBytes(StandardCharsets.UTF_8), KEY,
        body.getValue("instance") instanceof String s ? s : "xpayment");
    assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
    return ((DecodeResult.Accepted) result).events();
  }

  /** The single event of an accepted call, of the given type. */
  static <T extends InboundEvent> T only(String name, Class<T> type) {
    return only(json(name), type);
  }

  static <T extends InboundEvent> T only(JsonObject body, Class<T> type) {
    List<InboundEvent> events = events(body);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).isInstanceOf(type);
    return type.cast(events.get(0));
  }

  static JsonObject extras(String extrasJson) {
    assertThat(extrasJson).isNotNull();
    return new JsonObject(extrasJson);
  }
}
