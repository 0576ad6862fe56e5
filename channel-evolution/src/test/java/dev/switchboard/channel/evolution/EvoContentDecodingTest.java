package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.extras;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static dev.switchboard.channel.evolution.EvoWebhooks.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** One test per content kind of a Baileys message object. */
class EvoContentDecodingTest {

  private static InboundMessage message(String name) {
    return only(name, InboundMessage.class);
  }

  @Test
  void imageWithCaptionAndInlineBase64() {
    InboundMessage m = message("upsert-image-caption.json");

    assertThat(m.type()).isEqualTo(MessageType.IMAGE);
    assertThat(m.text()).isEqualTo("This is for test. Media + text");
    MediaRef media = m.media();
    assertThat(media.url()).startsWith("https://mmg.whatsapp.net/o1/v/t24/f2/m233/AQPYiv5Y");
    assertThat(media.mimeType()).isEqualTo("image/jpeg");
    assertThat(media.caption()).isEqualTo("This is for test. Media + text");
    assertThat(media.sizeBytes()).isEqualTo(297_167L);
    assertThat(Base64.getDecoder().decode(media.sha256())).hasSize(32).startsWith(0xF2, 0x72, 0x9C);
    assertThat(media.voice()).isFalse();
    // the inline file stays out of every field, including rawJson
    assertThat(m.rawJson()).doesNotContain("/9j/4AAQ").doesNotContain("\"base64\"");
    assertThat(m.extrasJson()).doesNotContain("/9j/4AAQ");
    assertThat(extras(m.extrasJson()).getString("base64")).isEqualTo("omitted");
    assertThat(new JsonObject(m.rawJson()).getJsonObject("message").getJsonObject("imageMessage")
        .getString("caption")).isEqualTo("This is for test. Media + text");
  }

  @Test
  void anS3MediaUrlWinsOverTheEncryptedCdnUrl() {
    JsonObject body = json("upsert-image-caption.json");
    body.getJsonObject("data").getJsonObject("message").put("mediaUrl", "https://s3.example.com/evo/a.jpg");

    assertThat(only(body, InboundMessage.class).media().url()).isEqualTo("https://s3.example.com/evo/a.jpg");
  }

  @Test
  void pushToTalkAudioIsAVoiceNote() {
    InboundMessage m = message("upsert-audio-ptt.json");

    assertThat(m.type()).isEqualTo(MessageType.VOICE);
    assertThat(m.media().voice()).isTrue();
    assertThat(m.media().mimeType()).isEqualTo("audio/ogg; codecs=opus");
    assertThat(m.media().sizeBytes()).isEqualTo(14_731L);
    assertThat(m.media().sha256()).isEqualTo("Kw3Qv1F7o5W2X6dyk3kC8n1X8Bq2mN0d6XUJmK6x5gA=");

    JsonObject music = json("upsert-audio-ptt.json");
    music.getJsonObject("data").getJsonObject("message").getJsonObject("audioMessage").put("ptt", false);
    assertThat(only(music, InboundMessage.class).type()).isEqualTo(MessageType.AUDIO);
  }

  @Test
  void videoForwardedManyTimesIsFrequentlyForwarded() {
    InboundMessage m = message("upsert-video-forwarded.json");

    assertThat(m.type()).isEqualTo(MessageType.VIDEO);
    assertThat(m.text()).isEqualTo("olha isso");
    assertThat(m.media().sizeBytes()).isEqualTo(1_572_864L);
    assertThat(m.forwarded()).isEqualTo(2);

    JsonObject once = json("upsert-video-forwarded.json");
    once.getJsonObject("data").getJsonObject("message").getJsonObject("videoMessage")
        .getJsonObject("contextInfo").put("forwardingScore", 1);
    assertThat(only(once, InboundMessage.class).forwarded()).isEqualTo(1);
  }

  @Test
  void documentWithCaptionIsUnwrapped() {
    InboundMessage m = message("upsert-document.json");

    assertThat(m.type()).isEqualTo(MessageType.DOCUMENT);
    assertThat(m.media().fileName()).isEqualTo("Anna Bella project zip.zip");
    assertThat(m.media().mimeType()).isEqualTo("application/zip");
    assertThat(m.media().sizeBytes()).isEqualTo(1_372_777L);
    assertThat(m.text()).isEqualTo("segue o projeto");
  }

  @Test
  void animatedSticker() {
    InboundMessage m = message("upsert-sticker.json");

    assertThat(m.type()).isEqualTo(MessageType.STICKER);
    assertThat(m.media().animated()).isTrue();
    assertThat(m.media().mimeType()).isEqualTo("image/webp");
    assertThat(m.media().sha256()).isEqualTo(Base64.getEncoder().encodeToString(
        new byte[] {(byte) 185, (byte) 152, (byte) 142, 39}));
  }

  @Test
  void locationWithNameAndAddress() {
    InboundMessage m = message("upsert-location.json");

    assertThat(m.type()).isEqualTo(MessageType.LOCATION);
    assertThat(m.location().latitude()).isCloseTo(-23.5505199, within(1e-9));
    assertThat(m.location().longitude()).isCloseTo(-46.6333094, within(1e-9));
    assertThat(m.location().name()).isEqualTo("Praça da Sé");
    assertThat(m.location().address()).startsWith("Praça da Sé - Sé, São Paulo");
  }

  @Test
  void locationOutOfRangeIsUnsupportedWithAnError() {
    JsonObject body = json("upsert-location.json");
    body.getJsonObject("data").getJsonObject("message").getJsonObject("locationMessage")
        .put("degreesLatitude", 137.0);

    InboundMessage m = only(body, InboundMessage.class);

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.location()).isNull();
    assertThat(m.errors()).containsExactly(EvoContentDecoder.INVALID_LOCATION);
  }

  @Test
  void sharedContactCarriesPhonesAndTheWhatsAppId() {
    InboundMessage m = message("upsert-contact.json");

    assertThat(m.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(m.contacts()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("Maria Souza");
      assertThat(c.phones()).containsExactly("+55 11 98888-7777");
      assertThat(c.emails()).containsExactly("maria@example.com");
      assertThat(c.platformUserId()).isEqualTo("5511988887777");
      assertThat(c.vcard()).startsWith("BEGIN:VCARD");
    });
  }

  @Test
  void contactsArrayCarriesEveryCard() {
    InboundMessage m = message("upsert-contacts-array.json");

    assertThat(m.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(m.contacts()).extracting(SharedContact::name, SharedContact::platformUserId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Maria Souza", "5511988887777"),
            org.assertj.core.groups.Tuple.tuple("João", "5521977776666"));
  }

  @Test
  void reactionTargetsTheReactedMessageAndHasItsOwnId() {
    InboundMessage m = message("upsert-reaction.json");

    assertThat(m.type()).isEqualTo(MessageType.REACTION);
    assertThat(m.reaction()).isEqualTo(new Reaction("3EB063FA228F78C7FAE3CE", "👍"));
    assertThat(m.platformMessageId()).isEqualTo("3A5E6F70819203142536");
  }

  @Test
  void emptyReactionTextIsARemovedReaction() {
    JsonObject body = json("upsert-reaction.json");
    body.getJsonObject("data").getJsonObject("message").getJsonObject("reactionMessage").put("text", "");

    assertThat(only(body, InboundMessage.class).reaction().removed()).isTrue();
  }

  @Test
  void aReactionWithoutTargetIsAnUndecodableMessage() {
    JsonObject body = json("upsert-reaction.json");
    body.getJsonObject("data").getJsonObject("message").getJsonObject("reactionMessage").remove("key");

    InboundMessage m = only(body, InboundMessage.class);
    assertThat(m.undecodable()).startsWith("messages.upsert: ");
    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.reaction()).isNull();
  }

  @Test
  void pollCreation() {
    InboundMessage m = message("upsert-poll.json");

    assertThat(m.type()).isEqualTo(MessageType.POLL);
    assertThat(m.text()).isEqualTo("Qual horário prefere?");
    JsonObject poll = extras(m.extrasJson()).getJsonObject("poll");
    assertThat(poll.getJsonArray("options").getList()).containsExactly("Manhã", "Tarde", "Noite");
    assertThat(poll.getLong("selectableOptionsCount")).isEqualTo(1L);
  }

  @Test
  void buttonReply() {
    InboundMessage m = message("upsert-buttons-response.json");

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive()).isEqualTo(new InteractiveReply("button_reply", "btn-sim", "Sim", null, null));
    assertThat(m.text()).isEqualTo("Sim");
    assertThat(m.replyToMessageId()).isEqualTo("3EB063FA228F78C7FAE3CE");
  }

  @Test
  void listReply() {
    InboundMessage m = message("upsert-list-response.json");

    assertThat(m.interactive()).isEqualTo(new InteractiveReply("list_reply", "plan-pro", "Plano Pro",
        "R$ 99 por mês", null));
  }

  @Test
  void templateButtonReply() {
    assertThat(message("upsert-template-button.json").interactive())
        .isEqualTo(new InteractiveReply("template_button", "confirm", "Confirmar", null, null));
  }

  @Test
  void nativeFlowReplyTakesItsIdFromParamsJson() {
    InboundMessage m = message("upsert-interactive-response.json");

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive().kind()).isEqualTo("nfm_reply");
    assertThat(m.interactive().id()).isEqualTo("confirm-42");
    assertThat(m.interactive().title()).isEqualTo("Confirmar pedido");
    assertThat(m.interactive().responseJson()).isEqualTo("{\"id\":\"confirm-42\"}");
  }

  @Test
  void protocolRevokeNamesTheDeletedMessage() {
    InboundMessage m = message("upsert-protocol-revoke.json");

    assertThat(m.type()).isEqualTo(MessageType.REVOKE);
    assertThat(m.relatedMessageId()).isEqualTo("3A565F258A63FBA13770");
    assertThat(m.platformMessageId()).isEqualTo("3AB425364758697A819C");
  }

  @Test
  void editedMessageCarriesTheNewTextAndTheEditedId() {
    InboundMessage m = message("upsert-edited-message.json");

    assertThat(m.type()).isEqualTo(MessageType.EDIT);
    assertThat(m.relatedMessageId()).isEqualTo("3A99E9FE969F341B7D3D");
    assertThat(m.text()).isEqualTo("Check the read and delivered status");
  }

  @Test
  void ephemeralAndViewOnceWrappersAreUnwrapped() {
    InboundMessage ephemeral = message("upsert-ephemeral.json");
    InboundMessage viewOnce = message("upsert-view-once.json");

    assertThat(ephemeral.type()).isEqualTo(MessageType.TEXT);
    assertThat(ephemeral.text()).isEqualTo("mensagem temporária");
    assertThat(extras(ephemeral.extrasJson()).getBoolean("ephemeral")).isTrue();
    assertThat(viewOnce.type()).isEqualTo(MessageType.IMAGE);
    assertThat(viewOnce.text()).isEqualTo("só uma vez");
    assertThat(viewOnce.media().sizeBytes()).isEqualTo(48_213L);
    assertThat(extras(viewOnce.extrasJson()).getBoolean("viewOnce")).isTrue();
  }

  @Test
  void anUnknownKindIsUnsupportedAndNamed() {
    InboundMessage m = message("upsert-unknown-type.json");

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(extras(m.extrasJson()).getString("unknownType")).isEqualTo("eventMessage");
    assertThat(m.text()).isNull();
  }

  @Test
  void aMissingMessageObjectIsUnsupportedNotAnError() {
    JsonObject body = json("upsert-unknown-type.json");
    body.getJsonObject("data").remove("message");

    assertThat(only(body, InboundMessage.class).type()).isEqualTo(MessageType.UNSUPPORTED);
  }
}
