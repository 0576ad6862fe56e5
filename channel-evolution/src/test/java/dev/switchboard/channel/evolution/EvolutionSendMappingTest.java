package dev.switchboard.channel.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each outbound type becomes exactly the Evolution 2.3 call it should, and the sent id is key.id. */
class EvolutionSendMappingTest {

  private static final String CUSTOMER = "5511956291095";
  private static final String INSTANCE_TOKEN = "instance-token-0F3A";

  private static Vertx vertx;
  private static HttpClient http;
  private FakeEvolutionApi evolution;
  private EvolutionSender sender;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await();
  }

  @BeforeEach
  void evolution() throws Exception {
    evolution = FakeEvolutionApi.start(vertx).instance("acme-main", INSTANCE_TOKEN).onWhatsApp(CUSTOMER);
    sender = new EvolutionSender(evolution.context(vertx, http, "acme-main", INSTANCE_TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    evolution.close();
  }

  @Test
  void textIsSendTextWithTheInstanceKeyAndTheSentIdIsKeyId() throws Exception {
    SendOutcome outcome = send(OutboundMessage.text("t1", CUSTOMER, "Olá, tudo bem?"));

    FakeEvolutionApi.Recorded call = evolution.lastRequest();
    assertThat(call.method()).isEqualTo(HttpMethod.POST);
    assertThat(call.path()).isEqualTo("/message/sendText/acme-main");
    assertThat(call.apikey()).isEqualTo(INSTANCE_TOKEN);
    assertThat(call.body()).isEqualTo(new JsonObject().put("number", CUSTOMER).put("text", "Olá, tudo bem?"));
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
    assertThat(((SendOutcome.Sent) outcome).platformMessageId()).startsWith("3EB0").isEqualTo(evolution.lastKeyId());
  }

  @Test
  void aReplyQuotesTheMessageIdAndTheDelayIsPassedThrough() throws Exception {
    send(message(MessageType.TEXT, CUSTOMER, "Sure!", null, null, List.of(), null, "3EB0A3734AAE662297E335",
        "{\"delay\": 1200}"));

    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("text", "Sure!")
        .put("quoted", new JsonObject().put("key", new JsonObject().put("id", "3EB0A3734AAE662297E335")))
        .put("delay", 1200));
  }

  @Test
  void aJidRecipientIsPassedAsTheNumber() throws Exception {
    send(OutboundMessage.text("t1", CUSTOMER + "@s.whatsapp.net", "hi"));

    assertThat(evolution.lastRequest().body().getString("number")).isEqualTo(CUSTOMER + "@s.whatsapp.net");
  }

  @Test
  void imageIsSendMediaWithUrlMimetypeCaptionAndFileName() throws Exception {
    MediaRef photo = new MediaRef(null, "https://cdn.acme.example/menu.jpg", "image/jpeg", null, "menu.jpg",
        null, null, false, false);
    SendOutcome outcome = send(message(MessageType.IMAGE, CUSTOMER, "Today's menu", photo, null, List.of(), null,
        null, null));

    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendMedia/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("mediatype", "image").put("media", "https://cdn.acme.example/menu.jpg")
        .put("mimetype", "image/jpeg").put("caption", "Today's menu").put("fileName", "menu.jpg"));
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void videoAndDocumentNameTheirMediatypeAndFallBackToTheMediaId() throws Exception {
    MediaRef clip = new MediaRef("https://cdn.acme.example/clip.mp4", null, "video/mp4", null, null, null, null,
        false, false);
    send(message(MessageType.VIDEO, CUSTOMER, null, clip, null, List.of(), null, null, null));
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("mediatype", "video").put("media", "https://cdn.acme.example/clip.mp4")
        .put("mimetype", "video/mp4"));

    MediaRef invoice = new MediaRef(null, "https://cdn.acme.example/inv-42.pdf", "application/pdf", null,
        "invoice-42.pdf", "Invoice 42", null, false, false);
    send(message(MessageType.DOCUMENT, CUSTOMER, null, invoice, null, List.of(), null, null, null));
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("mediatype", "document").put("media", "https://cdn.acme.example/inv-42.pdf")
        .put("mimetype", "application/pdf").put("caption", "Invoice 42").put("fileName", "invoice-42.pdf"));
  }

  @Test
  void audioIsSendMediaWithoutCaptionAndVoiceIsSendWhatsAppAudio() throws Exception {
    MediaRef song = new MediaRef(null, "https://cdn.acme.example/jingle.mp3", "audio/mpeg", null, null, null,
        null, false, false);
    send(message(MessageType.AUDIO, CUSTOMER, "ignored caption", song, null, List.of(), null, null, null));
    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendMedia/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("mediatype", "audio").put("media", "https://cdn.acme.example/jingle.mp3")
        .put("mimetype", "audio/mpeg"));

    MediaRef note = new MediaRef(null, "https://cdn.acme.example/note.ogg", "audio/ogg", null, null, null, null,
        true, false);
    SendOutcome outcome = send(message(MessageType.VOICE, CUSTOMER, null, note, null, List.of(), null, null,
        "{\"delay\": 3000}"));
    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendWhatsAppAudio/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("audio", "https://cdn.acme.example/note.ogg").put("delay", 3000));
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void reactionAddressesTheTargetKeyWithTheRecipientAsJid() throws Exception {
    SendOutcome outcome = send(new OutboundMessage("r1", CUSTOMER, MessageType.REACTION, null, null, null, null,
        null, null, new Reaction("3EB0A3734AAE662297E335", "👍"), null, null, null));

    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendReaction/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("key", new JsonObject().put("remoteJid", CUSTOMER + "@s.whatsapp.net").put("fromMe", false)
            .put("id", "3EB0A3734AAE662297E335"))
        .put("reaction", "👍"));
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void reactionToOurOwnMessageInAGroupKeepsTheJidAndRemovalSendsAnEmptyEmoji() throws Exception {
    String group = "120363025246125486@g.us";
    send(new OutboundMessage("r2", group, MessageType.REACTION, null, null, null, null, null, null,
        new Reaction("BAE5F5A632EAE722", ""), null, null, "{\"targetFromMe\": true}"));

    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("key", new JsonObject().put("remoteJid", group).put("fromMe", true).put("id", "BAE5F5A632EAE722"))
        .put("reaction", ""));
  }

  @Test
  void locationIsSendLocationWithEmptyNameAndAddressWhenMissing() throws Exception {
    send(message(MessageType.LOCATION, CUSTOMER, null, null, new Location(-23.5505, -46.6333, null, null, null),
        List.of(), null, null, null));
    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendLocation/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("latitude", -23.5505).put("longitude", -46.6333)
        .put("name", "").put("address", ""));

    send(message(MessageType.VENUE, CUSTOMER, null, null,
        new Location(-23.5614, -46.6559, "MASP", "Av. Paulista, 1578", null), List.of(), null, null, null));
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER).put("latitude", -23.5614).put("longitude", -46.6559)
        .put("name", "MASP").put("address", "Av. Paulista, 1578"));
  }

  @Test
  void contactsAreSendContactCards() throws Exception {
    List<SharedContact> cards = List.of(
        new SharedContact("Maria Souza", List.of("+55 11 91234-5678"), List.of("maria@acme.example"),
            "5511912345678@s.whatsapp.net", null),
        new SharedContact("Support line", List.of("5511933334444"), List.of(), null, null));
    SendOutcome outcome = send(message(MessageType.CONTACTS, CUSTOMER, null, null, null, cards, null, null, null));

    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendContact/acme-main");
    assertThat(evolution.lastRequest().body()).isEqualTo(new JsonObject()
        .put("number", CUSTOMER)
        .put("contact", new JsonArray()
            .add(new JsonObject().put("fullName", "Maria Souza").put("wuid", "5511912345678")
                .put("phoneNumber", "+55 11 91234-5678").put("email", "maria@acme.example"))
            .add(new JsonObject().put("fullName", "Support line").put("wuid", "5511933334444")
                .put("phoneNumber", "5511933334444"))));
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void theInstanceNameIsUrlEncodedInThePath() throws Exception {
    evolution.instance("Acme Main/2", "other-token");
    EvolutionSender spaced = new EvolutionSender(evolution.context(vertx, http, "Acme Main/2", "other-token"));

    SendOutcome outcome = spaced.send(OutboundMessage.text("t1", CUSTOMER, "hi")).await(5, TimeUnit.SECONDS);

    assertThat(evolution.lastRequest().path()).isEqualTo("/message/sendText/Acme%20Main%2F2");
    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
  }

  @ParameterizedTest
  @EnumSource(value = MessageType.class, names = {"STICKER", "ANIMATION", "VIDEO_NOTE", "POLL", "DICE",
      "INTERACTIVE", "BUTTON", "ORDER", "TEMPLATE", "SYSTEM", "EDIT", "REVOKE", "UNSUPPORTED"})
  void otherTypesAreRefusedWithoutACall(MessageType type) throws Exception {
    MediaRef media = new MediaRef(null, "https://cdn.acme.example/x", null, null, null, null, null, false, false);
    SendOutcome outcome = send(message(type, CUSTOMER, "x", media, null, List.of(), null, null, null));

    assertThat(outcome).isEqualTo(new SendOutcome.PermanentFailure("unsupported_type",
        "the Evolution channel cannot send " + type.label() + " messages"));
    assertThat(evolution.requests()).isEmpty();
  }

  @Test
  void incompleteMessagesAreRefusedWithoutACall() throws Exception {
    assertThat(send(OutboundMessage.text("t1", CUSTOMER, "  ")))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_message", "a text message needs text"));
    assertThat(send(message(MessageType.IMAGE, CUSTOMER, "caption", null, null, List.of(), null, null, null)))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_message", "a media message needs media.url or media.id"));
    assertThat(send(new OutboundMessage("r", CUSTOMER, MessageType.REACTION, null, null, null, null, null, null,
        null, null, null, null)))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_message", "a reaction needs reaction.targetMessageId"));
    assertThat(send(message(MessageType.CONTACTS, CUSTOMER, null, null, null,
        List.of(new SharedContact("Nobody", List.of(), List.of(), null, null)), null, null, null)))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_message", "every shared contact needs a phone number"));
    assertThat(evolution.requests()).isEmpty();
  }

  @Test
  void badExtrasAreRefusedWithoutACall() throws Exception {
    assertThat(send(message(MessageType.TEXT, CUSTOMER, "hi", null, null, List.of(), null, null, "[1]")))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_extras", "extrasJson is not a JSON object"));
    assertThat(send(message(MessageType.TEXT, CUSTOMER, "hi", null, null, List.of(), null, null,
        "{\"delay\": \"soon\"}")))
        .isEqualTo(new SendOutcome.PermanentFailure("invalid_extras",
            "extras.delay must be a whole number of milliseconds"));
    assertThat(evolution.requests()).isEmpty();
  }

  private SendOutcome send(OutboundMessage message) throws Exception {
    return sender.send(message).await(5, TimeUnit.SECONDS);
  }

  private static OutboundMessage message(MessageType type, String to, String text, MediaRef media, Location location,
                                         List<SharedContact> contacts, String templateJson, String replyTo,
                                         String extrasJson) {
    return new OutboundMessage("token-" + type.label(), to, type, text, media, location, contacts, templateJson,
        null, null, replyTo, null, extrasJson);
  }
}
