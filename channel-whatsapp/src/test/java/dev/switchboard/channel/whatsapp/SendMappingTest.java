package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.FakeGraphApi.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the sender posts to the Graph API for each kind of message (values from the examples in
 * Meta's Cloud API message reference), and the id it reports.
 */
class SendMappingTest extends GraphApiTest {
  /** The user of Meta's examples. */
  static final String PABLO = "16505551234";
  static final String INBOUND_WAMID = "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=";

  private WhatsAppSender sender;

  @BeforeEach
  void fresh() {
    sender = new WhatsAppSender(api.context(client));
  }

  private SendOutcome send(OutboundMessage message) {
    return await(sender.send(message));
  }

  static OutboundMessage message(MessageType type, String text, MediaRef media, String extrasJson) {
    return new OutboundMessage("tok-1", "+" + PABLO, type, text, media, null, null, null, null, null, null, null,
        extrasJson);
  }

  /** The part every message body starts with. */
  static JsonObject to(String digits) {
    return new JsonObject().put("messaging_product", "whatsapp").put("recipient_type", "individual").put("to", digits);
  }

  @Test
  void aTextIsPostedToTheNumbersMessagesEdgeWithTheBearerTokenAndReportsTheWamid() {
    SendOutcome outcome = send(OutboundMessage.text("tok-1", "+16505551234", "Hello Pablo"));

    FakeGraphApi.Request request = api.onlyRequest();
    assertThat(request.path()).isEqualTo("/v23.0/106540352242922/messages");
    assertThat(request.authorization()).isEqualTo("Bearer " + FakeGraphApi.TOKEN);
    assertThat(request.contentType()).isEqualTo("application/json");
    assertThat(request.body()).isEqualTo(to(PABLO).put("type", "text")
        .put("text", new JsonObject().put("preview_url", false).put("body", "Hello Pablo")));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(FakeGraphApi.wamid(1)));
  }

  @Test
  void previewUrlAndAReplyBecomePreviewUrlAndContext() {
    OutboundMessage reply = new OutboundMessage("tok-1", PABLO, MessageType.TEXT,
        "You're welcome, Pablo! https://www.luckyshrub.com", null, null, null, null, null, null, INBOUND_WAMID, null,
        "{\"previewUrl\": true}");

    send(reply);

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO)
        .put("context", new JsonObject().put("message_id", INBOUND_WAMID))
        .put("type", "text")
        .put("text", new JsonObject().put("preview_url", true).put("body", "You're welcome, Pablo! https://www.luckyshrub.com")));
  }

  @Test
  void aBusinessScopedUserIdIsAddressedAsRecipient() {
    SendOutcome outcome = send(OutboundMessage.text("tok-1", "US.13491208655302741918", "Hello"));

    JsonObject body = api.onlyRequest().body();
    assertThat(body.getString("recipient")).isEqualTo("US.13491208655302741918");
    assertThat(body.containsKey("to")).isFalse();
    assertThat(body.getString("recipient_type")).isEqualTo("individual");
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void aParentBusinessScopedUserIdIsARecipientToo() {
    send(OutboundMessage.text("tok-1", "US.ENT.11815799212886844830", "Hello"));

    assertThat(api.onlyRequest().body().getString("recipient")).isEqualTo("US.ENT.11815799212886844830");
  }

  static Stream<Arguments> media() {
    return Stream.of(
        Arguments.of(MessageType.IMAGE, "The best succulent ever?",
            new MediaRef(null, "https://www.luckyshrub.com/assets/succulents/aloe.png", null, null, null, null, null, false, false),
            "image", new JsonObject().put("link", "https://www.luckyshrub.com/assets/succulents/aloe.png")
                .put("caption", "The best succulent ever?")),
        Arguments.of(MessageType.VIDEO, null,
            new MediaRef("1166846181421424", "https://ignored.example/v.mp4", null, null, null, "A succulent eclipse!", null,
                false, false),
            "video", new JsonObject().put("id", "1166846181421424").put("caption", "A succulent eclipse!")),
        Arguments.of(MessageType.DOCUMENT, "Lucky Shrub Invoice",
            new MediaRef(null, "https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf", null, null,
                "lucky-shrub-invoice.pdf", null, null, false, false),
            "document", new JsonObject().put("link", "https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf")
                .put("caption", "Lucky Shrub Invoice").put("filename", "lucky-shrub-invoice.pdf")),
        Arguments.of(MessageType.AUDIO, "no caption on audio",
            new MediaRef("1013859600285441", null, null, null, null, null, null, false, false),
            "audio", new JsonObject().put("id", "1013859600285441")),
        Arguments.of(MessageType.VOICE, null,
            new MediaRef("1013859600285441", null, "audio/ogg", null, null, null, null, true, false),
            "audio", new JsonObject().put("id", "1013859600285441").put("voice", true)),
        Arguments.of(MessageType.STICKER, null,
            new MediaRef("798882015472548", null, null, null, null, null, null, false, false),
            "sticker", new JsonObject().put("id", "798882015472548")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("media")
  void mediaGoesByIdOrLinkWithCaptionAndFilenameWhereWhatsAppShowsThem(MessageType type, String text, MediaRef media,
                                                                      String field, JsonObject expected) {
    SendOutcome outcome = send(message(type, text, media, null));

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", field).put(field, expected));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(FakeGraphApi.wamid(1)));
  }

  @Test
  void aTemplateWithALanguageCodeGetsTheLanguageObject() {
    send(template("{\"name\": \"hello_world\", \"language\": \"en_US\"}"));

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "template").put("template",
        new JsonObject().put("name", "hello_world").put("language", new JsonObject().put("code", "en_US"))));
  }

  @Test
  void aTemplatesComponentsAndLanguagePolicyGoAsGiven() {
    JsonObject components = new JsonObject().put("components", new JsonArray()
        .add(new JsonObject().put("type", "header").put("parameters", new JsonArray().add(new JsonObject()
            .put("type", "image").put("image", new JsonObject().put("id", "2764113297235849")))))
        .add(new JsonObject().put("type", "body").put("parameters", new JsonArray()
            .add(new JsonObject().put("type", "text").put("parameter_name", "customer_name").put("text", "Pablo"))
            .add(new JsonObject().put("type", "text").put("parameter_name", "order_id").put("text", "860198-230332")))));
    JsonObject template = new JsonObject().put("name", "order_delivery_update")
        .put("language", new JsonObject().put("policy", "deterministic").put("code", "en_US"))
        .put("components", components.getJsonArray("components"));

    send(template(template.encode()));

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "template").put("template", template));
  }

  @Test
  void aTemplateIsSentEvenWhenTheWindowIsClosed() {
    api.windowClosed(PABLO);

    assertThat(send(template("{\"name\": \"hello_world\", \"language\": \"en_US\"}")))
        .isEqualTo(new SendOutcome.Sent(FakeGraphApi.wamid(1)));
  }

  static OutboundMessage template(String templateJson) {
    return new OutboundMessage("tok-1", PABLO, MessageType.TEMPLATE, null, null, null, null, templateJson, null, null,
        null, null, null);
  }

  @Test
  void aReactionNamesTheMessageAndTheEmoji() {
    send(reaction("\uD83D\uDE00"));

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "reaction")
        .put("reaction", new JsonObject().put("message_id", INBOUND_WAMID).put("emoji", "\uD83D\uDE00")));
  }

  @Test
  void anEmptyEmojiRemovesTheReactionAndAReactionCarriesNoContext() {
    OutboundMessage removal = new OutboundMessage("tok-1", PABLO, MessageType.REACTION, null, null, null, null, null,
        null, new Reaction(INBOUND_WAMID, ""), INBOUND_WAMID, null, null);

    send(removal);

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "reaction")
        .put("reaction", new JsonObject().put("message_id", INBOUND_WAMID).put("emoji", "")));
  }

  private static OutboundMessage reaction(String emoji) {
    return new OutboundMessage("tok-1", PABLO, MessageType.REACTION, null, null, null, null, null, null,
        new Reaction(INBOUND_WAMID, emoji), null, null, null);
  }

  @Test
  void aVenueIsALocationWithNameAndAddress() {
    OutboundMessage venue = new OutboundMessage("tok-1", PABLO, MessageType.VENUE, null, null,
        new Location(37.44216251868683, -122.16153582049394, "Philz Coffee", "101 Forest Ave, Palo Alto, CA 94301", null),
        null, null, null, null, null, null, null);

    send(venue);

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "location").put("location", new JsonObject()
        .put("latitude", 37.44216251868683).put("longitude", -122.16153582049394)
        .put("name", "Philz Coffee").put("address", "101 Forest Ave, Palo Alto, CA 94301")));
  }

  @Test
  void aBareLocationHasOnlyItsCoordinates() {
    send(new OutboundMessage("tok-1", PABLO, MessageType.LOCATION, null, null,
        new Location(-33.8688, 151.2093, null, " ", null), null, null, null, null, null, null, null));

    assertThat(api.onlyRequest().body().getJsonObject("location"))
        .isEqualTo(new JsonObject().put("latitude", -33.8688).put("longitude", 151.2093));
  }

  @Test
  void contactsGoInMetasContactShape() {
    OutboundMessage cards = new OutboundMessage("tok-1", PABLO, MessageType.CONTACTS, null, null, null, List.of(
        new SharedContact("Barbara J. Johnson", List.of("+1 (940) 555-1234"), List.of("bjohnson@luckyshrub.com"),
            "19405551234", null),
        new SharedContact(null, List.of(), List.of(), "16315551181", null)), null, null, null, null, null, null);

    send(cards);

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "contacts").put("contacts", new JsonArray()
        .add(new JsonObject()
            .put("name", new JsonObject().put("formatted_name", "Barbara J. Johnson").put("first_name", "Barbara J. Johnson"))
            .put("phones", new JsonArray().add(new JsonObject().put("phone", "+1 (940) 555-1234").put("wa_id", "19405551234")))
            .put("emails", new JsonArray().add(new JsonObject().put("email", "bjohnson@luckyshrub.com"))))
        .add(new JsonObject()
            .put("name", new JsonObject().put("formatted_name", "+16315551181").put("first_name", "+16315551181"))
            .put("phones", new JsonArray().add(new JsonObject().put("phone", "+16315551181").put("wa_id", "16315551181"))))));
  }

  @Test
  void typingMarksTheTargetReadWithTheTypingIndicatorAndReportsTheSendToken() {
    OutboundMessage typing = new OutboundMessage("tok-typing", PABLO, MessageType.SYSTEM, null, null, null, null, null,
        null, null, "wamid.other", INBOUND_WAMID, "{\"action\": \"typing\"}");

    SendOutcome outcome = send(typing);

    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("messaging_product", "whatsapp")
        .put("status", "read").put("message_id", INBOUND_WAMID)
        .put("typing_indicator", new JsonObject().put("type", "text")));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent("tok-typing"));
  }

  @Test
  void markReadFallsBackToTheReplyToMessageAndHasNoTypingIndicator() {
    OutboundMessage read = new OutboundMessage("tok-read", PABLO, MessageType.SYSTEM, null, null, null, null, null,
        null, null, INBOUND_WAMID, null, "{\"action\": \"markRead\"}");

    SendOutcome outcome = send(read);

    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("messaging_product", "whatsapp")
        .put("status", "read").put("message_id", INBOUND_WAMID));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent("tok-read"));
  }

  @Test
  void aTextOfExactlyTheLimitIsSent() {
    String text = "a".repeat(SendMapper.TEXT_LIMIT);

    send(OutboundMessage.text("tok-1", PABLO, text));

    assertThat(api.onlyRequest().body().getJsonObject("text").getString("body")).isEqualTo(text);
  }

  static Stream<Arguments> refused() {
    MediaRef nothing = new MediaRef(" ", null, null, null, null, null, null, false, false);
    MediaRef notHttp = new MediaRef(null, "ftp://files.example/a.png", null, null, null, null, null, false, false);
    MediaRef image = new MediaRef("1479537139650973", null, null, null, null, null, null, false, false);
    return Stream.of(
        Arguments.of("an edit", new OutboundMessage("tok-1", PABLO, MessageType.EDIT, "new text", null, null, null, null,
            null, null, null, INBOUND_WAMID, null), "unsupported_content", "cannot edit"),
        Arguments.of("a revoke", message(MessageType.REVOKE, null, null, null), "unsupported_content", "revoke"),
        Arguments.of("a poll", message(MessageType.POLL, "Which day?", null, null), "unsupported_content", "poll"),
        Arguments.of("an animation", message(MessageType.ANIMATION, null, image, null), "unsupported_content",
            "animation"),
        Arguments.of("a callback answer", message(MessageType.SYSTEM, "Done",
            null, "{\"action\": \"answerCallback\", \"callbackQueryId\": \"9001\"}"), "unsupported_content",
            "answerCallback"),
        Arguments.of("a keyboard", interactive("{\"type\": \"keyboard\", \"rows\": [[\"Yes\", \"No\"]]}"),
            "unsupported_content", "keyboard"),
        Arguments.of("remove_keyboard", interactive("{\"type\": \"remove_keyboard\"}"), "unsupported_content",
            "remove_keyboard"),
        Arguments.of("buttons on an image", new OutboundMessage("tok-1", PABLO, MessageType.IMAGE, "Pick", image, null,
            null, null, "{\"type\": \"buttons\", \"buttons\": [{\"id\": \"a\", \"title\": \"A\"}]}", null, null, null,
            null), "unsupported_content", "text body only"),
        Arguments.of("a text over 4096", OutboundMessage.text("tok-1", PABLO, "a".repeat(4097)), "invalid_message",
            "4096"),
        Arguments.of("an empty text", OutboundMessage.text("tok-1", PABLO, " "), "invalid_message", "empty"),
        Arguments.of("a caption over 1024", message(MessageType.IMAGE, "c".repeat(1025), image, null),
            "invalid_message", "1024"),
        Arguments.of("media without id or url", message(MessageType.IMAGE, null, nothing, null), "invalid_message",
            "media.id"),
        Arguments.of("media at a non-http URL", message(MessageType.IMAGE, null, notHttp, null), "invalid_message",
            "http(s)"),
        Arguments.of("a template without a name", template("{\"language\": \"en_US\"}"), "invalid_message", "name"),
        Arguments.of("a template without a language", template("{\"name\": \"hello_world\"}"), "invalid_message",
            "language"),
        Arguments.of("a template that is not JSON", template("hello_world"), "invalid_message", "templateJson"),
        Arguments.of("a reaction without a target", new OutboundMessage("tok-1", PABLO, MessageType.REACTION, null,
            null, null, null, null, null, new Reaction(" ", "\uD83D\uDE00"), null, null, null), "invalid_message",
            "targetMessageId"),
        Arguments.of("typing without a message to mark read", message(MessageType.SYSTEM, null, null,
            "{\"action\": \"typing\"}"), "invalid_message", "targetMessageId"),
        Arguments.of("extras that are not an object", message(MessageType.TEXT, "hi", null, "[1]"), "invalid_message",
            "extrasJson"),
        Arguments.of("a previewUrl that is not a boolean", message(MessageType.TEXT, "hi", null,
            "{\"previewUrl\": \"yes\"}"), "invalid_message", "previewUrl"),
        Arguments.of("a recipient that is no number", OutboundMessage.text("tok-1", "pablo@example.com", "hi"),
            "invalid_recipient", "E.164"),
        Arguments.of("a number that is too short", OutboundMessage.text("tok-1", "+12345", "hi"), "invalid_recipient",
            "E.164"),
        Arguments.of("contacts without any", new OutboundMessage("tok-1", PABLO, MessageType.CONTACTS, null, null, null,
            List.of(), null, null, null, null, null, null), "invalid_message", "contacts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void whatWhatsAppCannotTakeIsRefusedWithoutACall(String what, OutboundMessage message, String code, String hint) {
    SendOutcome outcome = send(message);

    assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo(code);
      assertThat(failure.detail()).contains(hint);
      assertThat(failure.recipientUnreachable()).isFalse();
      assertThat(failure.accountUnusable()).isFalse();
    });
    assertThat(api.requests()).isEmpty();
  }

  static OutboundMessage interactive(String interactiveJson) {
    return new OutboundMessage("tok-1", PABLO, MessageType.INTERACTIVE, "Choose", null, null, null, null,
        interactiveJson, null, null, null, null);
  }
}
