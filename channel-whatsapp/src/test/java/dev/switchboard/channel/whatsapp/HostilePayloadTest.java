package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.APP_SECRET;
import static dev.switchboard.channel.whatsapp.Webhooks.META_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.RECEIVED_AT;
import static dev.switchboard.channel.whatsapp.Webhooks.decodeFixture;
import static dev.switchboard.channel.whatsapp.Webhooks.decodeSigned;
import static dev.switchboard.channel.whatsapp.Webhooks.epoch;
import static dev.switchboard.channel.whatsapp.Webhooks.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.DecodeResult.Reason;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Authentic (correctly signed) calls with shapes Meta never sends: never an exception. */
class HostilePayloadTest {

  private static final String WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";

  private static void assertMalformed(DecodeResult result, String messagePart) {
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(r.message()).contains(messagePart).doesNotContain(APP_SECRET);
    });
  }

  private static DecodeResult decodeJson(JsonObject body) {
    return decodeSigned(body.encode().getBytes(StandardCharsets.UTF_8), META_PHONE);
  }

  private static JsonObject envelope(JsonArray messages) {
    return new JsonObject().put("object", "whatsapp_business_account").put("entry",
        new JsonArray().add(new JsonObject().put("id", "102290129340398").put("changes",
            new JsonArray().add(new JsonObject().put("field", "messages").put("value",
                new JsonObject().put("messaging_product", "whatsapp")
                    .put("metadata", new JsonObject().put("phone_number_id", META_PHONE))
                    .put("messages", messages))))));
  }

  private static JsonObject textMessage(String id, String body) {
    return new JsonObject().put("from", "16505551234").put("id", id)
        .put("timestamp", "1739321024").put("type", "text")
        .put("text", new JsonObject().put("body", body));
  }

  @Test
  void entryThatIsAStringIsMalformed() {
    assertMalformed(decodeFixture("hostile-entry-string.json", META_PHONE), "entry");
  }

  @Test
  void missingEntryIsMalformed() {
    assertMalformed(decodeFixture("hostile-no-entry.json", META_PHONE), "entry");
  }

  @Test
  void missingOrNonStringObjectIsMalformed() {
    assertMalformed(decodeJson(new JsonObject().put("entry", new JsonArray())), "object");
    assertMalformed(decodeJson(new JsonObject().put("object", 5).put("entry", new JsonArray())),
        "object");
  }

  @Test
  void messagesThatIsAnObjectIsMalformed() {
    DecodeResult result = decodeFixture("hostile-messages-object.json", META_PHONE);

    assertMalformed(result, "entry[0].changes[0].value.messages is not an array");
    assertThat(((DecodeResult.Rejected) result).message()).doesNotContain("16505551234");
  }

  @Test
  void envelopeElementsOfTheWrongTypeAreMalformed() {
    JsonObject base = new JsonObject().put("object", "whatsapp_business_account");
    assertMalformed(decodeJson(base.copy().put("entry", new JsonArray().add("x"))), "entry[0]");
    assertMalformed(decodeJson(base.copy().put("entry",
        new JsonArray().add(new JsonObject().put("changes", "x")))), "changes");
    assertMalformed(decodeJson(base.copy().put("entry", new JsonArray().add(
        new JsonObject().put("changes", new JsonArray().add(7))))), "changes[0]");
    assertMalformed(decodeJson(base.copy().put("entry", new JsonArray().add(
        new JsonObject().put("changes", new JsonArray().add(new JsonObject().put("value",
            new JsonObject())))))), "field");
    assertMalformed(decodeJson(base.copy().put("entry", new JsonArray().add(
        new JsonObject().put("changes", new JsonArray().add(new JsonObject()
            .put("field", "messages").put("value", "x")))))), "value");
    assertMalformed(decodeJson(envelope(new JsonArray().add("not a message"))), "messages[0]");
  }

  @Test
  void emptyEntryAndChangesAreAcceptedWithNoEvents() {
    JsonObject body = new JsonObject().put("object", "whatsapp_business_account")
        .put("entry", new JsonArray().add(new JsonObject().put("id", "1")));

    assertThat(decodeJson(body)).isEqualTo(DecodeResult.accepted(List.of()));
  }

  @Test
  void garbageTimestampsFallBackToTheReceiveTime() {
    List<InboundEvent> events = events("hostile-timestamp-garbage.json", META_PHONE);

    assertThat(events).extracting(InboundEvent::occurredAt)
        .containsExactly(RECEIVED_AT, RECEIVED_AT, RECEIVED_AT, epoch(1739321024L));
    assertThat(events).extracting(e -> ((InboundMessage) e).text())
        .containsExactly("a", "b", "c", "d");
  }

  @Test
  void wrongTypedFieldsInsideMessagesReadAsAbsent() {
    List<InboundEvent> events = events("hostile-wrong-types.json", META_PHONE);

    assertThat(events).hasSize(11);
    InboundMessage w1 = (InboundMessage) events.get(0);
    assertThat(w1.type()).isEqualTo(MessageType.TEXT);
    assertThat(w1.text()).isNull();
    assertThat(w1.contact().displayName()).isNull(); // profile was not an object

    InboundMessage w2 = (InboundMessage) events.get(1);
    assertThat(w2.text()).isNull();
    assertThat(w2.replyToMessageId()).isNull();

    InboundMessage w3 = (InboundMessage) events.get(2);
    assertThat(w3.type()).isEqualTo(MessageType.IMAGE);
    assertThat(w3.media()).isNull();

    InboundMessage w4 = (InboundMessage) events.get(3);
    assertThat(w4.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(w4.interactive().kind()).isNull();

    InboundMessage w5 = (InboundMessage) events.get(4);
    assertThat(w5.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(w5.errors()).hasSize(1);

    InboundMessage w6 = (InboundMessage) events.get(5);
    assertThat(w6.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(w6.contacts()).singleElement().satisfies(c -> {
      assertThat(c.name()).isNull();
      assertThat(c.phones()).isEmpty();
      assertThat(c.emails()).isEmpty();
    });

    InboundMessage w7 = (InboundMessage) events.get(6);
    assertThat(w7.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(w7.errors()).singleElement().satisfies(e -> {
      assertThat(e.code()).isEqualTo("abc");
      assertThat(e.details()).isNull();
    });

    // a numeric "from" is not a phone number we can trust, and W9 names nobody: both belong to the
    // change's only contact entry
    InboundMessage w8 = (InboundMessage) events.get(7);
    assertThat(w8.undecodable()).isNull();
    assertThat(w8.contact().platformUserId()).isEqualTo("16505551234");
    assertThat(w8.text()).isEqualTo("numeric from");
    InboundMessage w9 = (InboundMessage) events.get(8);
    assertThat(w9.undecodable()).isNull();
    assertThat(w9.contact().platformUserId()).isEqualTo("16505551234");
    assertThat(w9.text()).isEqualTo("nobody sent this");

    // no id: still a message, UNSUPPORTED and flagged, keyed by a hash of the item
    InboundMessage w10 = (InboundMessage) events.get(9);
    assertThat(w10.undecodable()).isEqualTo("message without id");
    assertThat(w10.eventType()).isEqualTo("message:undecodable");
    assertThat(w10.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(w10.idempotencyKey()).startsWith("undecodable:").isEqualTo(w10.platformMessageId());
    assertThat(w10.contact().platformUserId()).isEqualTo("16505551234");
    assertThat(w10.chatId()).isEqualTo("16505551234");
    assertThat(w10.accountRef()).isEqualTo(META_PHONE);
    assertThat(w10.occurredAt()).isEqualTo(epoch(1739321024L));
    assertThat(new JsonObject(w10.rawJson()).getJsonObject("text").getString("body")).isEqualTo("no id");

    InboundMessage w11 = (InboundMessage) events.get(10);
    assertThat(w11.type()).isEqualTo(MessageType.EDIT);
    assertThat(w11.relatedMessageId()).isNull();
    assertThat(w11.occurredAt()).isEqualTo(RECEIVED_AT);
  }

  @Test
  void aMessageThatNamesNobodyAmongSeveralContactsIsStoredWithoutASender() {
    JsonObject body = envelope(new JsonArray().add(new JsonObject().put("id", WAMID)
        .put("timestamp", "1739321024").put("type", "text").put("text", new JsonObject().put("body", "who?"))));
    body.getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0).getJsonObject("value")
        .put("contacts", new JsonArray()
            .add(new JsonObject().put("wa_id", "16505551234").put("user_id", "US.13491208655302741918"))
            .add(new JsonObject().put("user_id", "US.11815799212886844830")));

    InboundMessage m = (InboundMessage) ((DecodeResult.Accepted) decodeJson(body)).events().get(0);

    assertThat(m.undecodable()).isEqualTo("message without a user id");
    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.platformMessageId()).isEqualTo(WAMID);
    assertThat(m.idempotencyKey()).isEqualTo(WAMID);
    assertThat(m.contact()).isNull();
    assertThat(m.chatId()).isNull();
    assertThat(m.occurredAt()).isEqualTo(epoch(1739321024L));
    assertThat(new JsonObject(m.rawJson()).getJsonObject("text").getString("body")).isEqualTo("who?");
  }

  @Test
  void anEchoWithoutItsIdIsStoredAsAnUndecodableOutboundMessage() {
    JsonObject body = new JsonObject(new String(Webhooks.fixture("smb-message-echo.json"), StandardCharsets.UTF_8));
    JsonObject value = body.getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0)
        .getJsonObject("value");
    value.getJsonArray("message_echoes").getJsonObject(0).remove("id");

    InboundMessage m = (InboundMessage) ((DecodeResult.Accepted) decodeJson(body)).events().get(0);

    assertThat(m.undecodable()).isEqualTo("message without id");
    assertThat(m.direction()).isEqualTo(dev.switchboard.plugin.model.Direction.OUTBOUND);
    assertThat(m.author()).isEqualTo(dev.switchboard.plugin.model.Author.BUSINESS_HUMAN);
    assertThat(m.contact().platformUserId()).isEqualTo("16505551234");
    assertThat(m.chatId()).isEqualTo("16505551234");
    assertThat(m.platformMessageId()).startsWith("undecodable:");
  }

  @Test
  void wrongTypedStatusFields() {
    List<InboundEvent> events = events("hostile-change-shapes.json", META_PHONE);

    assertThat(events).hasSize(3);
    assertThat(events.get(0)).isInstanceOfSatisfying(StatusUpdate.class, s -> {
      assertThat(s.platformMessageId()).isEqualTo("5");
      assertThat(s.recipientId()).isNull();
      assertThat(s.errors()).isEmpty();
      assertThat(new JsonObject(s.extrasJson()).getString("pricing")).isEqualTo("free");
    });
    assertThat(events.get(1)).isInstanceOfSatisfying(PlatformNotice.class,
        n -> assertThat(n.detail()).isEqualTo("status"));
    assertThat(events.get(2)).isInstanceOfSatisfying(PlatformNotice.class,
        n -> assertThat(n.detail()).isEqualTo("status:null"));
  }

  @Test
  void hugeTextIsDecodedWhole() {
    String huge = "x".repeat(2_900_000);
    List<InboundEvent> events = ((DecodeResult.Accepted) decodeJson(
        envelope(new JsonArray().add(textMessage(WAMID, huge))))).events();

    assertThat(((InboundMessage) events.get(0)).text()).hasSize(2_900_000);
  }

  @Test
  void longPlatformValuesAreClippedInNoticeDetails() {
    String field = "f".repeat(10_000) + "\n";
    JsonObject body = new JsonObject().put("object", "whatsapp_business_account").put("entry",
        new JsonArray().add(new JsonObject().put("changes", new JsonArray().add(
            new JsonObject().put("field", field).put("value", new JsonObject())))));

    PlatformNotice n = (PlatformNotice) ((DecodeResult.Accepted) decodeJson(body)).events().get(0);
    assertThat(n.detail()).hasSize(64).doesNotContain("\n");
  }

  @Test
  void deeplyNestedJsonNeverThrows() {
    String deep = "{\"object\":\"whatsapp_business_account\",\"entry\":"
        + "[".repeat(5000) + "]".repeat(5000) + "}";

    DecodeResult result = decodeSigned(deep.getBytes(StandardCharsets.UTF_8), META_PHONE);

    assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
  }

  @Test
  void randomSignedBytesNeverThrow() {
    Random random = new Random(42);
    byte[] valid = Webhooks.fixture("batched.json");
    for (int i = 0; i < 500; i++) {
      byte[] body = valid.clone();
      for (int k = 0; k < 1 + random.nextInt(8); k++) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      DecodeResult result = decodeSigned(body, META_PHONE);
      assertThat(result).isNotNull();
    }
  }

  @Test
  void structurallyMutatedPayloadsAreAcceptedOrMalformedButNeverCrash() {
    Random random = new Random(7);
    for (String fixture : List.of("batched.json", "webhook-errors.json",
        "contacts-full-card.json", "interactive-nfm-reply.json", "edit-caption.json",
        "status-sent-pmp.json", "location.json", "system-identity-changed.json",
        "smb-message-echo.json", "status-failed.json", "referral.json")) {
      String original = new String(Webhooks.fixture(fixture), StandardCharsets.UTF_8);
      String phone = new JsonObject(original).getJsonArray("entry").getJsonObject(0)
          .getJsonArray("changes").getJsonObject(0).getJsonObject("value")
          .getJsonObject("metadata").getString("phone_number_id");
      for (int i = 0; i < 200; i++) {
        JsonObject root = new JsonObject(original);
        mutate(root, random);
        DecodeResult result =
            decodeSigned(root.encode().getBytes(StandardCharsets.UTF_8), phone);
        if (result instanceof DecodeResult.Rejected r) {
          assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(r.message()).as("the last-resort catch must not be needed")
              .isNotEqualTo("unexpected payload shape");
        } else {
          assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
        }
      }
    }
  }

  /** Replaces about one value in twelve, anywhere in the tree, with a value of a random JSON type. */
  private static void mutate(Object node, Random random) {
    if (node instanceof JsonObject o) {
      for (String key : new java.util.ArrayList<>(o.fieldNames())) {
        if (random.nextInt(12) == 0) {
          o.put(key, randomValue(random));
        } else {
          mutate(o.getValue(key), random);
        }
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        if (random.nextInt(12) == 0) {
          a.set(i, randomValue(random));
        } else {
          mutate(a.getValue(i), random);
        }
      }
    }
  }

  private static Object randomValue(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> "s" + random.nextInt(10);
      case 1 -> random.nextInt();
      case 2 -> random.nextDouble() * 1e6;
      case 3 -> random.nextBoolean();
      case 4 -> new JsonObject().put("k", "v");
      case 5 -> new JsonArray().add(1).add("x");
      case 6 -> "";
      default -> null;
    };
  }

  @Test
  void thousandEventsInAThreeMegabyteBodyDecodeQuickly() {
    JsonArray messages = new JsonArray();
    String text = "y".repeat(2_900);
    for (int i = 0; i < 1000; i++) {
      messages.add(textMessage("wamid.PERF" + i, text));
    }
    byte[] body = envelope(messages).encode().getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(2_900_000);

    decodeSigned(body, META_PHONE); // warm-up
    long start = System.nanoTime();
    DecodeResult result = decodeSigned(body, META_PHONE);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(((DecodeResult.Accepted) result).events()).hasSize(1000);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void concurrentCallsGiveTheSameResult() throws Exception {
    byte[] body = Webhooks.fixture("batched.json");
    DecodeResult expected = decodeSigned(body, META_PHONE);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<DecodeResult>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> decodeSigned(body, META_PHONE)));
      }
      for (Future<DecodeResult> f : results) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
