package dev.switchboard.channel.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Test helpers: fixtures, signing with javax.crypto.Mac, and calling the plugin like the gateway does. */
final class Webhooks {

  static final String APP_SECRET = "d41d8cd98f00b204e9800998ecf8427e";
  static final String VERIFY_TOKEN = "s3cr3t-verify-token";
  static final Instant RECEIVED_AT = Instant.parse("2026-03-01T12:00:00Z");

  /** phone_number_id of the pywa fixtures. */
  static final String PYWA_PHONE = "1122334455667";
  /** phone_number_id of the examples in Meta's current webhook reference. */
  static final String META_PHONE = "106540352242922";
  /** phone_number_id of Meta's legacy payload examples. */
  static final String LEGACY_PHONE = "27681414235104944";
  /** phone_number_id of the App Dashboard test sample. */
  static final String DASHBOARD_PHONE = "123456123";

  static final WhatsAppChannelPlugin PLUGIN = new WhatsAppChannelPlugin();

  private Webhooks() {
  }

  static byte[] fixture(String name) {
    try (InputStream in = Webhooks.class.getResourceAsStream("/payloads/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String signature(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static AccountConfig account(String phoneNumberId) {
    return new AccountConfig(Map.of(
        WhatsAppChannelPlugin.PHONE_NUMBER_ID, phoneNumberId,
        WhatsAppChannelPlugin.APP_SECRET, APP_SECRET,
        WhatsAppChannelPlugin.VERIFY_TOKEN, VERIFY_TOKEN));
  }

  static WebhookRequest post(byte[] body, String signatureHeader) {
    Map<String, String> headers = signatureHeader == null
        ? Map.of("content-type", "application/json")
        : Map.of("content-type", "application/json", "x-hub-signature-256", signatureHeader);
    return new WebhookRequest("POST", headers, Map.of(), body, RECEIVED_AT);
  }

  static WebhookRequest signedPost(byte[] body) {
    return post(body, signature(body, APP_SECRET));
  }

  static DecodeResult decodeSigned(byte[] body, String phoneNumberId) {
    return PLUGIN.decodeWebhook(signedPost(body), account(phoneNumberId));
  }

  static DecodeResult decodeFixture(String name, String phoneNumberId) {
    return decodeSigned(fixture(name), phoneNumberId);
  }

  /** The events of an accepted call (fails the test when the call was not accepted). */
  static List<InboundEvent> events(String name, String phoneNumberId) {
    DecodeResult result = decodeFixture(name, phoneNumberId);
    assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
    return ((DecodeResult.Accepted) result).events();
  }

  /** The events of an accepted call made of {@code body} (signed here). */
  static List<InboundEvent> decodeBody(String body, String phoneNumberId) {
    DecodeResult result = decodeSigned(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), phoneNumberId);
    assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
    return ((DecodeResult.Accepted) result).events();
  }

  /** The single event of an accepted call, which must be a message. */
  static InboundMessage onlyMessage(String name, String phoneNumberId) {
    List<InboundEvent> events = events(name, phoneNumberId);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).isInstanceOf(InboundMessage.class);
    return (InboundMessage) events.get(0);
  }

  static Instant epoch(long seconds) {
    return Instant.ofEpochSecond(seconds);
  }
}
