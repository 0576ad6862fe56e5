package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SendRequestParserTest {
  private static JsonObject base() {
    return new JsonObject().put("channel", "whatsapp").put("to", "+14155550123");
  }

  private static void refused(JsonObject body, String field) {
    assertThatThrownBy(() -> SendRequestParser.parse(body))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.getMessage()).startsWith(field);
        });
  }

  @Test
  void aTextSendIsReadWithItsKeyAndReplyTarget() {
    SendCommand c = SendRequestParser.parse(base().put("text", "hi").put("previewUrl", true)
        .put("idempotencyKey", "order-1").put("replyTo", Ids.MESSAGE.format(42)));
    assertThat(c.type()).isEqualTo(MessageType.TEXT);
    assertThat(c.text()).isEqualTo("hi");
    assertThat(c.content().getBoolean("previewUrl")).isTrue();
    assertThat(c.referencedId()).isEqualTo(42L);
    assertThat(c.idempotencyKey()).isEqualTo("order-1");
    assertThat(c.channel()).isEqualTo("whatsapp");
  }

  @Test
  void theSameRequestLaidOutDifferentlyHashesTheSame() {
    String a = SendRequestParser.parse(new JsonObject("{\"channel\":\"whatsapp\",\"to\":\"1\",\"text\":\"x\"}")).requestHash();
    String b = SendRequestParser.parse(new JsonObject("{\"text\":\"x\",\"to\":\"1\",\"channel\":\"whatsapp\"}")).requestHash();
    String c = SendRequestParser.parse(new JsonObject("{\"text\":\"y\",\"to\":\"1\",\"channel\":\"whatsapp\"}")).requestHash();
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void everyContentKindIsRead() {
    assertThat(SendRequestParser.parse(base().put("media", new JsonObject().put("kind", "document")
        .put("url", "https://files.example.com/a.pdf").put("filename", "a.pdf").put("caption", "invoice"))).type())
        .isEqualTo(MessageType.DOCUMENT);
    assertThat(SendRequestParser.parse(base().put("media", new JsonObject().put("kind", "voice")
        .put("platformMediaId", "1013859600285441"))).type()).isEqualTo(MessageType.VOICE);
    assertThat(SendRequestParser.parse(base().put("template", new JsonObject().put("name", "hello_world")
        .put("language", new JsonObject().put("code", "en_US")))).content().getJsonObject("template")
        .getJsonObject("language").getString("code")).isEqualTo("en_US");
    SendCommand buttons = SendRequestParser.parse(base().put("interactive", new JsonObject().put("body", "Pick one")
        .put("buttons", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "yes").put("title", "Yes")))));
    assertThat(buttons.content().getJsonObject("interactive").getString("type")).isEqualTo("buttons");
    assertThat(buttons.text()).isEqualTo("Pick one");
    SendCommand reaction = SendRequestParser.parse(base().put("reaction", new JsonObject()
        .put("messageId", Ids.MESSAGE.format(7)).put("emoji", "👍")));
    assertThat(reaction.type()).isEqualTo(MessageType.REACTION);
    assertThat(reaction.referencedId()).isEqualTo(7L);
    assertThat(SendRequestParser.parse(base().put("location", new JsonObject().put("latitude", 52.52)
        .put("longitude", 13.405).put("name", "Office"))).type()).isEqualTo(MessageType.LOCATION);
    assertThat(SendRequestParser.parse(base().put("contacts", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("name", "Ada").put("phones", new io.vertx.core.json.JsonArray().add("+44 20 7946 0958")))))
        .type()).isEqualTo(MessageType.CONTACTS);
  }

  @Test
  void aConversationCanStandForChannelAndRecipient() {
    SendCommand c = SendRequestParser.parse(new JsonObject().put("conversationId", Ids.CONVERSATION.format(9)).put("text", "x"));
    assertThat(c.conversationId()).isEqualTo(9L);
    assertThat(c.channel()).isNull();
    refused(new JsonObject().put("conversationId", Ids.CONVERSATION.format(9)).put("to", "1").put("text", "x"), "to");
    refused(new JsonObject().put("conversationId", "conv_!").put("text", "x"), "conversationId");
  }

  @Test
  void eachMistakeNamesItsField() {
    refused(base(), "text");
    refused(base().put("text", "a").put("location", new JsonObject()), "location, text");
    refused(new JsonObject().put("to", "1").put("text", "a"), "channel");
    refused(base().put("text", ""), "text");
    refused(base().put("text", 5), "text");
    refused(base().put("text", "a\u0000b"), "text");
    refused(base().put("text", "x".repeat(SendRequestParser.MAX_TEXT + 1)), "text");
    refused(base().put("text", "a").put("idempotencyKey", "k".repeat(201)), "idempotencyKey");
    refused(base().put("text", "a").put("idempotencyKey", "  "), "idempotencyKey");
    refused(base().put("text", "a").put("previewUrl", "yes"), "previewUrl");
    refused(base().put("text", "a").put("unknown", 1), "unknown");
    refused(base().put("media", new JsonObject().put("kind", "gif").put("url", "https://x.example/a")), "media.kind");
    refused(base().put("media", new JsonObject().put("kind", "image").put("url", "ftp://x.example/a")), "media.url");
    refused(base().put("media", new JsonObject().put("kind", "image").put("url", "https://user:pw@x.example/a")), "media.url");
    refused(base().put("media", new JsonObject().put("kind", "image")), "media.url");
    refused(base().put("media", new JsonObject().put("kind", "image").put("url", "https://x.example/a")
        .put("platformMediaId", "1")), "media.url");
    refused(base().put("template", new JsonObject().put("name", "Hello World").put("language", "en")), "template.name");
    refused(base().put("template", new JsonObject().put("name", "hello")), "template.language");
    refused(base().put("template", new JsonObject().put("name", "hello").put("language", "en")
        .put("components", new io.vertx.core.json.JsonArray().add("body"))), "template.components[0]");
    refused(base().put("interactive", new JsonObject().put("body", "b")), "interactive.buttons");
    refused(base().put("interactive", new JsonObject().put("body", "b").put("buttons", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", "x")))), "interactive.buttons[0].title");
    refused(base().put("reaction", new JsonObject().put("messageId", "wamid.X")), "reaction.messageId");
    refused(base().put("reaction", new JsonObject().put("messageId", Ids.MESSAGE.format(1))).put("replyTo",
        Ids.MESSAGE.format(2)), "replyTo");
    refused(base().put("location", new JsonObject().put("latitude", 10).put("longitude", 181)), "location.longitude");
    refused(base().put("location", new JsonObject().put("latitude", "north").put("longitude", 1)), "location.latitude");
    refused(base().put("contacts", new io.vertx.core.json.JsonArray()), "contacts");
    refused(base().put("contacts", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "A")
        .put("phones", new io.vertx.core.json.JsonArray().add("call me")))), "contacts[0].phones[0]");
    refused(base().put("text", "a").put("replyTo", "42"), "replyTo");
  }
}
