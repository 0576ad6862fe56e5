package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageContentTest {

  private static InboundMessage.Builder message(MessageType type) {
    return InboundMessage.builder()
        .idempotencyKey("wamid.1")
        .accountRef("106540352242922")
        .platformMessageId("wamid.1")
        .chatId("5511999990000")
        .contact(new ContactRef("5511999990000", "5511999990000", "Ana", null))
        .type(type)
        .occurredAt(Instant.parse("2025-01-02T03:04:05Z"))
        .rawJson("{}");
  }

  private static JsonObject content(InboundMessage m) {
    String json = MessageContent.toJson(m);
    assertThat(json).isNotNull();
    return new JsonObject(json);
  }

  @Test
  void plainTextHasNoContent() {
    assertThat(MessageContent.toJson(message(MessageType.TEXT).text("hello").build())).isNull();
  }

  @Test
  void blankExtrasAloneIsNoContent() {
    assertThat(MessageContent.toJson(message(MessageType.TEXT).text("hi").extrasJson("  ").build())).isNull();
  }

  @Test
  void fullMedia() {
    JsonObject o = content(message(MessageType.VOICE).media(new MediaRef("media-1", "https://cdn/x.ogg",
        "audio/ogg; codecs=opus", "c2hhMjU2", "note.ogg", "listen", 12345L, true, false)).build());

    assertThat(o.fieldNames()).containsExactly("media");
    assertThat(o.getJsonObject("media")).isEqualTo(new JsonObject()
        .put("id", "media-1").put("url", "https://cdn/x.ogg").put("mimeType", "audio/ogg; codecs=opus")
        .put("sha256", "c2hhMjU2").put("fileName", "note.ogg").put("caption", "listen")
        .put("sizeBytes", 12345L).put("voice", true));
  }

  @Test
  void mediaOmitsNullsAndFalseFlags() {
    JsonObject o = content(message(MessageType.STICKER)
        .media(new MediaRef("file-9", null, null, null, null, null, null, false, true)).build());

    assertThat(o.getJsonObject("media")).isEqualTo(new JsonObject().put("id", "file-9").put("animated", true));
    assertThat(o.encode()).doesNotContain("null").doesNotContain("voice");
  }

  @Test
  void location() {
    JsonObject full = content(message(MessageType.VENUE)
        .location(new Location(-23.55, -46.63, "Cafe", "Rua A, 1", "https://maps/x")).build());
    assertThat(full.getJsonObject("location")).isEqualTo(new JsonObject().put("latitude", -23.55)
        .put("longitude", -46.63).put("name", "Cafe").put("address", "Rua A, 1").put("url", "https://maps/x"));

    JsonObject bare = content(message(MessageType.LOCATION).location(new Location(0, 0, null, null, null)).build());
    assertThat(bare.getJsonObject("location")).isEqualTo(new JsonObject().put("latitude", 0.0).put("longitude", 0.0));
  }

  @Test
  void contacts() {
    JsonObject o = content(message(MessageType.CONTACTS).contacts(List.of(
        new SharedContact("Bob", List.of("+1 555 0100", "5550101"), List.of("bob@example.com"), "15550100",
            "BEGIN:VCARD\nEND:VCARD"),
        new SharedContact("Eve", null, null, null, null))).build());

    JsonArray contacts = o.getJsonArray("contacts");
    assertThat(contacts).hasSize(2);
    assertThat(contacts.getJsonObject(0)).isEqualTo(new JsonObject().put("name", "Bob")
        .put("phones", new JsonArray().add("+1 555 0100").add("5550101"))
        .put("emails", new JsonArray().add("bob@example.com"))
        .put("platformUserId", "15550100").put("vcard", "BEGIN:VCARD\nEND:VCARD"));
    assertThat(contacts.getJsonObject(1).fieldNames()).containsExactlyInAnyOrder("name", "phones", "emails");
    assertThat(contacts.getJsonObject(1).getJsonArray("phones")).isEmpty();
  }

  @Test
  void interactive() {
    JsonObject o = content(message(MessageType.INTERACTIVE)
        .interactive(new InteractiveReply("list_reply", "row-2", "Tuesday", null, null)).build());

    assertThat(o.getJsonObject("interactive"))
        .isEqualTo(new JsonObject().put("kind", "list_reply").put("id", "row-2").put("title", "Tuesday"));

    JsonObject flow = content(message(MessageType.INTERACTIVE).interactive(
        new InteractiveReply("nfm_reply", null, "Sent", "desc", "{\"a\":1}")).build());
    assertThat(flow.getJsonObject("interactive").getString("responseJson")).isEqualTo("{\"a\":1}");
    assertThat(flow.getJsonObject("interactive").getString("description")).isEqualTo("desc");
    assertThat(flow.getJsonObject("interactive").containsKey("id")).isFalse();
  }

  @Test
  void reactionAndRemovedReaction() {
    JsonObject o = content(message(MessageType.REACTION).reaction(new Reaction("wamid.0", "👍")).build());
    assertThat(o.getJsonObject("reaction")).isEqualTo(new JsonObject().put("messageId", "wamid.0").put("emoji", "👍"));

    JsonObject removed = content(message(MessageType.REACTION).reaction(new Reaction("wamid.0", null)).build());
    assertThat(removed.getJsonObject("reaction").getString("emoji")).isEmpty();
  }

  @Test
  void extrasAreEmbeddedAsAnObject() {
    JsonObject o = content(message(MessageType.ORDER)
        .extrasJson("{\"order\":{\"catalogId\":\"c1\",\"items\":[{\"qty\":2}]}}").build());

    assertThat(o.getJsonObject("extras").getJsonObject("order").getString("catalogId")).isEqualTo("c1");
    assertThat(o.getJsonObject("extras").getJsonObject("order").getJsonArray("items").getJsonObject(0)
        .getInteger("qty")).isEqualTo(2);
  }

  @Test
  void severalPartsTogether() {
    JsonObject o = content(message(MessageType.IMAGE)
        .media(new MediaRef("m", null, "image/jpeg", null, null, "look", null, false, false))
        .location(new Location(1.5, 2.5, null, null, null))
        .reaction(new Reaction("x", "❤"))
        .extrasJson("{\"referral\":{\"source\":\"ad\"}}")
        .build());

    assertThat(o.fieldNames()).containsExactlyInAnyOrder("media", "location", "reaction", "extras");
    assertThat(o.getJsonObject("media").getString("caption")).isEqualTo("look");
  }
}
