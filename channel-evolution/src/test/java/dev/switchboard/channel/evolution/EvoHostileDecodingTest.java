package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.KEY;
import static dev.switchboard.channel.evolution.EvoWebhooks.decode;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.model.InboundEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Authentic calls with shapes Evolution never sends: never an exception, never the key. */
class EvoHostileDecodingTest {

  private static final List<String> FIXTURES = List.of("upsert-text-lid.json",
      "upsert-image-caption.json", "send-message.json", "messages-update.json", "chats-upsert.json",
      "v1-upsert-quoted-reply.json", "v1-connection-connecting.json", "qrcode-updated.json",
      "upsert-group-lid.json", "upsert-reaction.json", "upsert-contact.json", "upsert-poll.json",
      "upsert-interactive-response.json", "upsert-edited-message.json", "messages-edited.json",
      "messages-delete.json", "messages-update-baileys.json", "status-broadcast.json",
      "upsert-location.json", "qrcode-limit.json");

  private static final Object[] HOSTILE = {null, "", " ", "💥", -1, 0, Long.MAX_VALUE, 1e308, -0.0,
      true, new JsonArray(), new JsonArray().add(new JsonObject()), new JsonObject(),
      new JsonObject().put("low", "x").put("high", new JsonObject()), "x".repeat(5000),
      "1".repeat(40), "status@broadcast", "a@b@c", "\u0000\n\t"};

  private static void assertNeverThrowsNorLeaks(JsonObject body, String instance) {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    assertThatCode(() -> {
      DecodeResult result = decode(bytes, KEY, instance);
      assertThat(result).isNotNull();
      if (result instanceof DecodeResult.Accepted accepted) {
        for (InboundEvent e : accepted.events()) {
          assertThat(e.idempotencyKey()).isNotBlank();
          assertThat(e.occurredAt()).isNotNull();
          assertThat(String.valueOf(e.rawJson())).doesNotContain(KEY);
        }
      } else {
        // the decoder's last-resort catch is never what answers: every path is handled
        assertThat(((DecodeResult.Rejected) result).message()).doesNotContain(KEY)
            .isNotEqualTo("unexpected payload shape");
      }
    }).as(body.encode().length() > 400 ? body.encode().substring(0, 400) : body.encode())
        .doesNotThrowAnyException();
  }

  /** Every field path of a JSON tree, as lists of keys/indexes. */
  private static void paths(Object node, List<Object> prefix, List<List<Object>> out) {
    if (node instanceof JsonObject o) {
      for (String k : o.fieldNames()) {
        if (k.chars().allMatch(Character::isDigit) && k.length() > 0 && !"0".equals(k)) {
          continue; // Baileys' index-keyed byte objects: one element stands for all
        }
        List<Object> p = new ArrayList<>(prefix);
        p.add(k);
        out.add(p);
        paths(o.getValue(k), p, out);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size() && i < 4; i++) {
        List<Object> p = new ArrayList<>(prefix);
        p.add(i);
        out.add(p);
        paths(a.getValue(i), p, out);
      }
    }
  }

  private static JsonObject replaced(JsonObject root, List<Object> path, Object value) {
    JsonObject copy = root.copy();
    Object node = copy;
    for (int i = 0; i < path.size() - 1; i++) {
      Object step = path.get(i);
      node = node instanceof JsonObject o ? o.getValue((String) step) : ((JsonArray) node).getValue((Integer) step);
    }
    Object last = path.get(path.size() - 1);
    if (node instanceof JsonObject o) {
      o.put((String) last, value);
    } else {
      ((JsonArray) node).set((Integer) last, value);
    }
    return copy;
  }

  @Test
  void everyFieldOfEveryFixtureReplacedByHostileValuesNeverThrows() {
    for (String name : FIXTURES) {
      JsonObject root = json(name);
      String instance = root.getString("instance");
      List<List<Object>> paths = new ArrayList<>();
      paths(root, List.of(), paths);
      for (List<Object> path : paths) {
        if (path.size() == 1 && ("instance".equals(path.get(0)) || "apikey".equals(path.get(0)))) {
          continue; // those only decide authenticity, covered elsewhere
        }
        for (Object hostile : HOSTILE) {
          assertNeverThrowsNorLeaks(replaced(root, path, hostile), instance);
        }
      }
    }
  }

  @Test
  void randomlyMangledBodiesAreAnsweredWithoutTheLastResort() {
    Random random = new Random(20260701L);
    for (String name : FIXTURES) {
      String text = json(name).encode();
      for (int round = 0; round < 40; round++) {
        StringBuilder b = new StringBuilder(text);
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
          int at = random.nextInt(b.length());
          b.setCharAt(at, "{}[]\":,0a\\ ".charAt(random.nextInt(11)));
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        DecodeResult result = decode(bytes, KEY, json(name).getString("instance"));
        if (result instanceof DecodeResult.Rejected r) {
          assertThat(r.message()).isNotEqualTo("unexpected payload shape");
        }
      }
    }
  }

  @Test
  void deeplyNestedAndHugeBodiesAreHandled() {
    String deep = "{\"event\":\"messages.upsert\",\"instance\":\"xpayment\",\"data\":"
        + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThat(decode(deep.getBytes(StandardCharsets.UTF_8), KEY, "xpayment"))
        .isInstanceOfSatisfying(DecodeResult.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(DecodeResult.Reason.MALFORMED));

    JsonObject many = json("chats-upsert.json");
    JsonArray data = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      data.add(new JsonObject().put("remoteJid", i + "@lid").put("name", "x".repeat(20)));
    }
    many.put("data", data);
    List<InboundEvent> events = EvoWebhooks.events(many);
    assertThat(events).singleElement().satisfies(e -> assertThat(e.rawJson()).contains("too large"));
  }
}
