package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.RECEIVED_AT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.decode;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.eventOf;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.fixture;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.DecodeResult.Reason;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Authentic but hostile bodies: the decoder answers, never throws, and still acknowledges. */
class UpdateHostilePayloadTest {

  private static final List<String> FIXTURES = List.of("guide-text.json", "guide-reply.json",
      "guide-edited.json", "guide-audio.json", "guide-document.json", "guide-callback-inline.json",
      "callback-query-keyboard.json", "photo-caption.json", "sticker-animated.json",
      "anonymous-admin-forward.json", "migrate-to.json", "migrate-from.json", "venue.json",
      "contact.json", "poll.json", "location.json", "reaction.json",
      "reaction-removed-actor-chat.json", "my-chat-member-blocked.json",
      "my-chat-member-group-added.json", "chat-member-channel.json", "new-chat-members.json",
      "pinned-message.json", "business-message.json", "external-reply.json", "forward-origin.json",
      "channel-post.json", "topic-message.json", "reaction-count.json");

  private static String message(String fields) {
    return "{\"update_id\":1,\"message\":{\"message_id\":2,\"date\":1700000000," + fields + "}}";
  }

  @Test
  void idsKeepEveryDigitUpTo64Bits() {
    InboundMessage m = (InboundMessage) eventOf(message(
        "\"chat\":{\"id\":-1009007199254740993,\"type\":\"supergroup\"},"
            + "\"from\":{\"id\":9223372036854775807,\"first_name\":\"Max\"},\"text\":\"x\""));

    assertThat(m.chatId()).isEqualTo("-1009007199254740993");
    assertThat(m.contact().platformUserId()).isEqualTo("9223372036854775807");
  }

  @Test
  void idsBeyond64BitsOrOfAnotherTypeAreNotIds() {
    for (String id : new String[] {"123456789012345678901234567890", "\"1111111\"", "1.0",
        "-1e30", "null", "[1]", "{\"id\":1}", "true"}) {
      InboundMessage m = (InboundMessage) eventOf(message("\"chat\":{\"id\":" + id + "},\"text\":\"x\""));
      assertThat(m.undecodable()).as(id).isEqualTo("message: chat id missing");
      assertThat(m.chatId()).isNull();
    }
  }

  @Test
  void stringsWhereNumbersBelongReadAsAbsent() {
    InboundMessage m = (InboundMessage) eventOf("{\"update_id\":1,\"message\":{\"message_id\":2,"
        + "\"date\":\"yesterday\",\"chat\":{\"id\":5},\"from\":{\"id\":5,\"first_name\":7},"
        + "\"message_thread_id\":\"9\",\"document\":{\"file_id\":\"F\",\"file_size\":\"big\","
        + "\"file_name\":12}}}");

    assertThat(m.occurredAt()).isEqualTo(RECEIVED_AT);
    assertThat(m.type()).isEqualTo(MessageType.DOCUMENT);
    assertThat(m.media().id()).isEqualTo("F");
    assertThat(m.media().sizeBytes()).isNull();
    assertThat(m.media().fileName()).isNull();
    assertThat(m.contact().displayName()).isNull();
    assertThat(m.extrasJson()).isNull(); // no thread id, no chat type, no file_unique_id
  }

  @Test
  void nullsAndWrongContainersDoNotThrow() {
    InboundMessage photo = (InboundMessage) eventOf(message(
        "\"chat\":{\"id\":5},\"from\":null,\"photo\":[null,\"x\",7]"));
    assertThat(photo.type()).isEqualTo(MessageType.IMAGE);
    assertThat(photo.media()).isNull();
    assertThat(photo.contact().platformUserId()).isEqualTo("5"); // no from: the chat

    InboundMessage empty = (InboundMessage) eventOf(message("\"chat\":{\"id\":5},\"text\":null"));
    assertThat(empty.type()).isEqualTo(MessageType.UNSUPPORTED);

    InboundMessage sticker = (InboundMessage) eventOf(message("\"chat\":{\"id\":5},\"sticker\":\"s\""));
    assertThat(sticker.type()).isEqualTo(MessageType.STICKER);
    assertThat(sticker.media()).isNull();

    InboundMessage button = (InboundMessage) eventOf("{\"update_id\":1,\"callback_query\":{\"id\":\"q\","
        + "\"from\":{\"id\":3},\"data\":\"d\",\"message\":{\"message_id\":4,\"chat\":{\"id\":3},"
        + "\"reply_markup\":{\"inline_keyboard\":[\"row\",[null,{\"text\":\"T\",\"callback_data\":7}],"
        + "[{\"text\":\"Hit\",\"callback_data\":\"d\"}]]}}}}");
    assertThat(button.interactive().title()).isEqualTo("Hit");
  }

  @Test
  void coordinatesOutOfRangeAreUnsupportedWithAnError() {
    InboundMessage m = (InboundMessage) eventOf(message(
        "\"chat\":{\"id\":5},\"location\":{\"latitude\":137.0,\"longitude\":\"east\"}"));

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.location()).isNull();
    assertThat(m.errors()).extracting("code").containsExactly("invalid_location");
  }

  @Test
  void longNamesAreClippedInNoticeDetails() {
    String kind = "\\n" + "k".repeat(5_000); // starts with an (escaped) newline
    PlatformNotice n = (PlatformNotice) eventOf("{\"update_id\":1,\"" + kind + "\":{}}");

    assertThat(n.kind()).isEqualTo(PlatformNotice.Kind.UNHANDLED);
    assertThat(n.detail()).hasSize(64).startsWith("?k").doesNotContain("\n");
  }

  @Test
  void deepNestingInsideAMessageIsAcceptedAndBeyondTheParserLimitIsMalformed() {
    String nested = "[".repeat(900) + "]".repeat(900);
    InboundMessage m = (InboundMessage) eventOf(message(
        "\"chat\":{\"id\":5},\"text\":\"x\",\"entities\":" + nested));
    assertThat(m.text()).isEqualTo("x");

    String tooDeep = "{\"update_id\":1,\"message\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    DecodeResult result = decode(tooDeep);
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void aNumberLongerThanTheParserAllowsIsMalformedNotAnException() {
    DecodeResult result = decode("{\"update_id\":" + "9".repeat(5_000) + ",\"message\":{}}");

    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void hugeTextIsDecodedWhole() {
    String text = "y".repeat(3_000_000);
    InboundMessage m = (InboundMessage) eventOf(message("\"chat\":{\"id\":5},\"text\":\"" + text + "\""));

    assertThat(m.text()).hasSize(3_000_000);
  }

  @Test
  void randomlyMutatedFixturesAreAlwaysAcceptedWithOneEvent() {
    Random random = new Random(20260301);
    for (String fixture : FIXTURES) {
      String original = new String(fixture(fixture), StandardCharsets.UTF_8);
      for (int i = 0; i < 150; i++) {
        JsonObject root = new JsonObject(original);
        mutate(root, random);
        InboundEvent event = only(decode(root.encode()));
        assertThat(event.idempotencyKey()).startsWith(BOT + ":");
        assertThat(event.occurredAt()).isNotNull();
        if (event instanceof PlatformNotice n) {
          assertThat(n.detail()).as("the last-resort catch must not be needed")
              .doesNotEndWith(": unreadable").isNotEqualTo("unreadable update");
        }
      }
    }
  }

  @Test
  void randomlyCorruptedBytesNeverThrow() {
    Random random = new Random(7);
    byte[] valid = fixture("callback-query-keyboard.json");
    for (int i = 0; i < 500; i++) {
      byte[] body = valid.clone();
      for (int k = 0; k < 1 + random.nextInt(8); k++) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      DecodeResult result = decode(body);
      if (result instanceof DecodeResult.Rejected r) {
        assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
      } else {
        assertThat(((DecodeResult.Accepted) result).events()).hasSize(1);
      }
    }
  }

  @Test
  void concurrentCallsGiveTheSameResult() throws Exception {
    byte[] body = fixture("photo-caption.json");
    DecodeResult expected = decode(body);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<DecodeResult>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> decode(body)));
      }
      for (Future<DecodeResult> f : results) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Replaces about one value in ten, anywhere in the tree, with a value of a random JSON type. */
  private static void mutate(Object node, Random random) {
    if (node instanceof JsonObject o) {
      for (String key : new ArrayList<>(o.fieldNames())) {
        if (random.nextInt(10) == 0) {
          o.put(key, randomValue(random));
        } else {
          mutate(o.getValue(key), random);
        }
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        if (random.nextInt(10) == 0) {
          a.set(i, randomValue(random));
        } else {
          mutate(a.getValue(i), random);
        }
      }
    }
  }

  private static Object randomValue(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> "s" + random.nextInt(10);
      case 1 -> random.nextInt();
      case 2 -> random.nextDouble() * 1e6;
      case 3 -> random.nextBoolean();
      case 4 -> new JsonObject().put("id", random.nextLong());
      case 5 -> new JsonArray().add(1).add("x").addNull();
      case 6 -> "";
      case 7 -> new BigInteger("123456789012345678901234567890");
      case 8 -> Long.MIN_VALUE;
      default -> null;
    };
  }
}
