package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.KEY;
import static dev.switchboard.channel.evolution.EvoWebhooks.RECEIVED_AT;
import static dev.switchboard.channel.evolution.EvoWebhooks.decode;
import static dev.switchboard.channel.evolution.EvoWebhooks.events;
import static dev.switchboard.channel.evolution.EvoWebhooks.fixture;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static dev.switchboard.channel.evolution.EvoWebhooks.only;
import static dev.switchboard.channel.evolution.EvoWebhooks.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.DecodeResult.Reason;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Method, authenticity, envelope shape and event routing. */
class EnvelopeDecodingTest {

  private static final String SEND = "send-message.json";

  private static void assertRejected(DecodeResult result, Reason reason) {
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(reason);
      assertThat(r.message()).doesNotContain(KEY);
    });
  }

  private static byte[] bytes(JsonObject o) {
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void envelopeKeyAloneAuthenticates() {
    DecodeResult result = decode(fixture(SEND), null, "xpayment");

    assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
    assertThat(((DecodeResult.Accepted) result).events()).hasSize(1);
  }

  @Test
  void headerKeyAloneAuthenticatesWhenTheEnvelopeKeyIsNull() {
    JsonObject body = json(SEND).putNull("apikey");

    assertThat(decode(bytes(body), KEY, "xpayment")).isInstanceOf(DecodeResult.Accepted.class);
    assertRejected(decode(bytes(body), null, "xpayment"), Reason.UNAUTHENTIC);
  }

  @Test
  void headerKeyAuthenticatesEvenWhenTheEnvelopeCarriesAnotherKey() {
    JsonObject body = json(SEND).put("apikey", "the-global-key");

    assertThat(decode(bytes(body), KEY, "xpayment")).isInstanceOf(DecodeResult.Accepted.class);
  }

  @Test
  void wrongKeyIsUnauthentic() {
    JsonObject body = json(SEND).put("apikey", KEY.toLowerCase());

    assertRejected(decode(bytes(body), "not-the-key", "xpayment"), Reason.UNAUTHENTIC);
  }

  @Test
  void missingKeyIsUnauthentic() {
    JsonObject body = json(SEND);
    body.remove("apikey");

    assertRejected(decode(bytes(body), null, "xpayment"), Reason.UNAUTHENTIC);
  }

  @Test
  void wrongInstanceIsUnauthenticEvenWithTheRightKey() {
    DecodeResult result = decode(fixture(SEND), KEY, "another-instance");

    assertRejected(result, Reason.UNAUTHENTIC);
    // same answer as a wrong key: the caller learns nothing about which part failed
    JsonObject keyless = json(SEND).putNull("apikey");
    assertThat(((DecodeResult.Rejected) result).message())
        .isEqualTo(((DecodeResult.Rejected) decode(bytes(keyless), "x", "xpayment")).message());
  }

  @Test
  void anUnconfiguredKeyNeverAuthenticates() {
    DecodeResult result = EvolutionWebhookDecoder.decode(
        request("POST", fixture(SEND), ""), "xpayment", "");

    assertRejected(result, Reason.UNAUTHENTIC);
  }

  @Test
  void theOneEightOwnerNamesTheInstanceWhenTheEnvelopeDoesNot() {
    JsonObject body = json("v1-upsert-fromme-ios.json");
    body.remove("instance");

    assertThat(decode(bytes(body), null, "whatsapp_instance_sergio"))
        .isInstanceOf(DecodeResult.Accepted.class);
    assertRejected(decode(bytes(body), null, "xpayment"), Reason.UNAUTHENTIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", ""})
  void onlyPostIsAccepted(String method) {
    assertRejected(EvolutionWebhookDecoder.decode(request(method, fixture(SEND), KEY), "xpayment", KEY),
        Reason.METHOD_NOT_ALLOWED);
  }

  @Test
  void lowerCasePostIsPost() {
    assertThat(EvolutionWebhookDecoder.decode(request("post", fixture(SEND), KEY), "xpayment", KEY))
        .isInstanceOf(DecodeResult.Accepted.class);
  }

  @Test
  void garbageWithTheRightHeaderKeyIsMalformed() {
    byte[] garbage = "{\"event\": \"messages.upsert\", ".getBytes(StandardCharsets.UTF_8);

    assertRejected(decode(garbage, KEY, "xpayment"), Reason.MALFORMED);
    assertRejected(decode(new byte[0], KEY, "xpayment"), Reason.MALFORMED);
    assertRejected(decode("[1,2]".getBytes(StandardCharsets.UTF_8), KEY, "xpayment"), Reason.MALFORMED);
    assertRejected(decode("\"text\"".getBytes(StandardCharsets.UTF_8), KEY, "xpayment"), Reason.MALFORMED);
  }

  @Test
  void garbageWithoutTheRightHeaderKeyIsUnauthentic() {
    byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);

    assertRejected(decode(garbage, null, "xpayment"), Reason.UNAUTHENTIC);
    assertRejected(decode(garbage, "wrong", "xpayment"), Reason.UNAUTHENTIC);
  }

  @Test
  void anAuthenticBodyWithoutEventIsMalformed() {
    JsonObject body = json(SEND);
    body.remove("event");

    assertRejected(decode(bytes(body), null, "xpayment"), Reason.MALFORMED);
    assertRejected(decode(bytes(json(SEND).put("event", 42)), null, "xpayment"), Reason.MALFORMED);
  }

  @Test
  void upperSnakeEventNamesAreTheSameEvents() {
    InboundMessage dotted = only(SEND, InboundMessage.class);
    InboundMessage upper = only(json(SEND).put("event", "SEND_MESSAGE"), InboundMessage.class);

    assertThat(upper.idempotencyKey()).isEqualTo(dotted.idempotencyKey());
    assertThat(upper.author()).isEqualTo(dotted.author());
  }

  @Test
  void anUnknownEventIsOneUnhandledNoticeNamedAfterIt() {
    List<InboundEvent> events = events("chats-upsert.json");

    assertThat(events).singleElement().isInstanceOfSatisfying(PlatformNotice.class, n -> {
      assertThat(n.kind()).isEqualTo(Kind.UNHANDLED);
      assertThat(n.detail()).isEqualTo("chats.upsert");
      assertThat(n.accountRef()).isEqualTo("xpayment");
      assertThat(n.idempotencyKey()).startsWith("xpayment:notice:").hasSize("xpayment:notice:".length() + 64);
      assertThat(n.occurredAt()).isEqualTo(RECEIVED_AT);
      assertThat(new JsonArray(n.rawJson())).isEqualTo(json("chats-upsert.json").getJsonArray("data"));
    });
  }

  @Test
  void upperSnakeUnknownEventsAreNamedInDottedForm() {
    PlatformNotice n = only(json("chats-upsert.json").put("event", "PRESENCE_UPDATE"),
        PlatformNotice.class);

    assertThat(n.detail()).isEqualTo("presence.update");
  }

  @Test
  void unhandledNoticeKeysAreStableAcrossRetriesAndDifferBetweenDeliveries() {
    String first = only("chats-upsert.json", PlatformNotice.class).idempotencyKey();
    String retry = only("chats-upsert.json", PlatformNotice.class).idempotencyKey();
    String later = only(json("chats-upsert.json").put("date_time", "2026-06-13T14:40:00.000Z"),
        PlatformNotice.class).idempotencyKey();

    assertThat(retry).isEqualTo(first);
    assertThat(later).isNotEqualTo(first);
  }

  @Test
  void theKeyNeverReachesRawJsonOrExtrasEvenWhenAnEventCarriesIt() {
    JsonObject body = json("chats-upsert.json").put("event", "instance.create")
        .put("data", new JsonObject().put("instanceName", "xpayment")
            .put("hash", new JsonObject().put("apikey", KEY)));
    JsonObject upsert = json("upsert-text-lid.json");
    upsert.getJsonObject("data").put("pushName", "key is " + KEY);

    for (InboundEvent e : events(body)) {
      assertThat(e.rawJson()).doesNotContain(KEY).contains("[redacted]");
    }
    InboundMessage m = only(upsert, InboundMessage.class);
    assertThat(m.rawJson()).doesNotContain(KEY);
    assertThat(m.extrasJson()).doesNotContain(KEY);
    for (String name : List.of(SEND, "upsert-text-lid.json", "messages-update.json",
        "qrcode-updated.json", "v1-connection-connecting.json")) {
      for (InboundEvent e : events(name)) {
        assertThat(e.rawJson()).as(name).doesNotContain(KEY).doesNotContain("\"apikey\"");
      }
    }
  }

  @Test
  void rawJsonIsTheDataItemNotTheEnvelope() {
    InboundMessage m = only(SEND, InboundMessage.class);

    assertThat(new JsonObject(m.rawJson())).isEqualTo(json(SEND).getJsonObject("data"));
  }
}
