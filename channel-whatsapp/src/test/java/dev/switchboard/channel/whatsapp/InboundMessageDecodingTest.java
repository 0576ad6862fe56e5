package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.DASHBOARD_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.LEGACY_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.META_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.PYWA_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.epoch;
import static dev.switchboard.channel.whatsapp.Webhooks.onlyMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** One test per message type, on the payloads Meta documents (see payloads/README.md). */
class InboundMessageDecodingTest {

  private static final String META_WAMID =
      "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";
  private static final String META_CONTEXT_WAMID =
      "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=";
  private static final ContactRef PYWA_USER =
      new ContactRef("972987654321", "972987654321", "Test Name", null);
  /** The business-scoped user id of the App Dashboard's v25 samples (and pywa's newer fixtures). */
  private static final String BSUID = "US.13491208655302741918";
  private static final ContactRef META_USER =
      new ContactRef("16505551234", "16505551234", "Sheena Nelson", null);

  private static JsonObject extras(InboundMessage m) {
    assertThat(m.extrasJson()).isNotNull();
    return new JsonObject(m.extrasJson());
  }

  private static void assertPlainInbound(InboundMessage m) {
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.author()).isEqualTo(Author.CONTACT);
    assertThat(m.eventType()).isEqualTo("message");
    assertThat(m.idempotencyKey()).isEqualTo(m.platformMessageId());
    assertThat(m.chatId()).isEqualTo(m.contact().platformUserId());
  }

  @Test
  void text() {
    InboundMessage m = onlyMessage("text.json", LEGACY_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("Hello this is an answer");
    assertThat(m.platformMessageId()).isEqualTo("wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W");
    assertThat(m.idempotencyKey()).isEqualTo("wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W");
    assertThat(m.accountRef()).isEqualTo(LEGACY_PHONE);
    assertThat(m.contact()).isEqualTo(
        new ContactRef("16315551234", "16315551234", "Kerry Fisher", null));
    assertThat(m.contact().e164()).isEqualTo("+16315551234");
    assertThat(m.chatId()).isEqualTo("16315551234");
    assertThat(m.occurredAt()).isEqualTo(epoch(1603059201L));
    assertThat(m.media()).isNull();
    assertThat(m.replyToMessageId()).isNull();
    assertThat(m.forwarded()).isZero();
    assertThat(m.errors()).isEmpty();
    assertThat(m.extrasJson()).isNull();
    assertThat(new JsonObject(m.rawJson())).isEqualTo(new JsonObject()
        .put("from", "16315551234").put("id", "wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W")
        .put("timestamp", "1603059201")
        .put("text", new JsonObject().put("body", "Hello this is an answer"))
        .put("type", "text"));
  }

  @Test
  void senderWithPhoneAndBusinessScopedIdIsKeyedByThePhoneAndCarriesTheOtherId() {
    InboundMessage m = onlyMessage("text-dashboard-sample.json", DASHBOARD_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("this is a text message");
    assertThat(m.platformMessageId()).isEqualTo("ABGGFlA5Fpa");
    assertThat(m.contact()).isEqualTo(
        new ContactRef("16315551181", "16315551181", "test user name", "@testusername", BSUID));
    assertThat(m.chatId()).isEqualTo("16315551181");
    assertThat(m.occurredAt()).isEqualTo(epoch(1504902988L));
  }

  @Test
  void senderNamedOnlyByFromUserIdIsKeyedByTheBusinessScopedId() {
    InboundMessage m = onlyMessage("text-business-scoped-user.json", DASHBOARD_PHONE);

    assertPlainInbound(m);
    assertThat(m.contact()).isEqualTo(new ContactRef(BSUID, null, "test user name", "@testusername"));
    assertThat(m.contact().e164()).isNull();
    assertThat(m.chatId()).isEqualTo(BSUID);
    assertThat(m.text()).isEqualTo("this is a text message");
  }

  @Test
  void senderNamedOnlyByTheChangesContactUserIdIsThatContact() {
    // a reply to a "request contact info" template: no from, no from_user_id, one contact entry
    InboundMessage m = onlyMessage("contact-request-business-scoped.json", DASHBOARD_PHONE);

    assertPlainInbound(m);
    assertThat(m.undecodable()).isNull();
    assertThat(m.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(m.platformMessageId()).isEqualTo("ABGGFlA5Fpc");
    assertThat(m.contact()).isEqualTo(new ContactRef(BSUID, null, "test user name", "@testusername"));
    assertThat(m.chatId()).isEqualTo(BSUID);
    assertThat(m.contacts()).singleElement().satisfies(card -> {
      assertThat(card.phones()).containsExactly("+1 631-555-1181");
      assertThat(card.vcard()).startsWith("BEGIN:VCARD").contains("waid=16315551181");
    });
  }

  @Test
  void severalContactsAreMatchedToTheirMessagesByUserIdAndWaId() {
    var events = Webhooks.events("contacts-several-business-scoped.json", DASHBOARD_PHONE);

    assertThat(events).hasSize(2);
    InboundMessage hidden = (InboundMessage) events.get(0);
    assertThat(hidden.contact()).isEqualTo(new ContactRef(BSUID, null, "test user name", "@testusername"));
    assertThat(hidden.chatId()).isEqualTo(BSUID);
    InboundMessage withPhone = (InboundMessage) events.get(1);
    assertThat(withPhone.contact()).isEqualTo(new ContactRef("16315551234", "16315551234", "Kerry Fisher",
        null, "US.10293847561029384756"));
    assertThat(withPhone.chatId()).isEqualTo("16315551234");
  }

  @Test
  void imageWithCaption() {
    InboundMessage m = onlyMessage("image-caption.json", LEGACY_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.IMAGE);
    assertThat(m.text()).isEqualTo("This is a caption");
    assertThat(m.media()).isEqualTo(new MediaRef("2754859441498128", null, "image/jpeg",
        "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3", null,
        "This is a caption", null, false, false));
    assertThat(m.platformMessageId()).isEqualTo("wamid.id");
  }

  @Test
  void videoForwarded() {
    InboundMessage m = onlyMessage("video.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.VIDEO);
    assertThat(m.text()).isEqualTo("caption");
    assertThat(m.media().id()).isEqualTo("765756756");
    assertThat(m.media().mimeType()).isEqualTo("video/mp4");
    assertThat(m.media().sha256()).isEqualTo("Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc=");
    assertThat(m.media().caption()).isEqualTo("caption");
    assertThat(m.forwarded()).isEqualTo(1);
    assertThat(m.contact()).isEqualTo(PYWA_USER);
    assertThat(m.occurredAt()).isEqualTo(epoch(1697044362L));
  }

  @Test
  void audioThatIsNotAVoiceNote() {
    InboundMessage m = onlyMessage("audio.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.AUDIO);
    assertThat(m.text()).isNull();
    assertThat(m.media()).isEqualTo(new MediaRef("1234567890987654321", null,
        "audio/ogg; codecs=opus", "E3dxS/PdYZE7ppA3pQ4mpCFaXBJ8pX4SRN/dsfvds/iPGA=", null, null,
        null, false, false));
  }

  @Test
  void voiceNote() {
    InboundMessage m = onlyMessage("voice.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.VOICE);
    assertThat(m.media().voice()).isTrue();
    assertThat(m.media().mimeType()).isEqualTo("audio/ogg; codecs=opus");
    assertThat(m.media().id()).isEqualTo("1234567890987654321");
    assertThat(m.forwarded()).isZero();
    assertThat(m.occurredAt()).isEqualTo(epoch(1697043473L));
  }

  @Test
  void documentWithFilename() {
    InboundMessage m = onlyMessage("document.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.DOCUMENT);
    assertThat(m.text()).isEqualTo("caption");
    assertThat(m.media().fileName()).isEqualTo("filename.pdf");
    assertThat(m.media().mimeType()).isEqualTo("application/pdf");
    assertThat(m.media().id()).isEqualTo("1234567890987654321");
    assertThat(m.forwarded()).isEqualTo(1);
  }

  @Test
  void animatedSticker() {
    InboundMessage m = onlyMessage("sticker-animated.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.STICKER);
    assertThat(m.text()).isNull();
    assertThat(m.media().animated()).isTrue();
    assertThat(m.media().voice()).isFalse();
    assertThat(m.media().mimeType()).isEqualTo("image/webp");
  }

  @Test
  void location() {
    InboundMessage m = onlyMessage("location.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.LOCATION);
    assertThat(m.location().latitude()).isCloseTo(37.4611978, within(1e-9));
    assertThat(m.location().longitude()).isCloseTo(-122.2164385, within(1e-9));
    assertThat(m.location().name()).isEqualTo("Facebook HQ");
    assertThat(m.location().address()).isEqualTo("1 Hacker Way, Menlo Park, CA 94025");
    assertThat(m.location().url()).isEqualTo("https://maps.google.com/?cid=2000000000000000000");
    assertThat(m.errors()).isEmpty();
  }

  @Test
  void locationOutOfRangeIsUnsupportedWithAnError() {
    InboundMessage m = onlyMessage("location-out-of-range.json", META_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.location()).isNull();
    assertThat(m.errors()).extracting(PlatformError::code).containsExactly("invalid_location");
    assertThat(m.platformMessageId()).isEqualTo(META_WAMID);
  }

  @Test
  void contacts() {
    InboundMessage m = onlyMessage("contacts.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(m.text()).isNull();
    assertThat(m.contacts()).containsExactly(
        new SharedContact("Chandler Bing", java.util.List.of("+1 555-555-5555"),
            java.util.List.of(), "972987654321", null),
        new SharedContact("Monica", java.util.List.of("+1 666-666-6666"), java.util.List.of(),
            "972987654321", null),
        new SharedContact("Rachel Green", java.util.List.of("+1 777-777-7777"),
            java.util.List.of(), "972987654321", null));
  }

  @Test
  void contactCardWithEmailsAndSeveralPhones() {
    InboundMessage m = onlyMessage("contacts-full-card.json", META_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(m.contacts()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("Barbara J. Johnson");
      assertThat(c.phones()).containsExactly("+1 (940) 555-1234", "+1 (650) 555-1234");
      assertThat(c.emails()).containsExactly("bjohnson@whatsapp.com", "bjohnson@gmail.com");
      assertThat(c.platformUserId()).isEqualTo("19405551234");
      assertThat(c.vcard()).isNull();
    });
  }

  @Test
  void interactiveButtonReply() {
    InboundMessage m = onlyMessage("interactive-button-reply.json", META_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive()).isEqualTo(
        new InteractiveReply("button_reply", "cancel-button", "Cancel", null, null));
    assertThat(m.text()).isEqualTo("Cancel");
    assertThat(m.replyToMessageId()).isEqualTo(META_CONTEXT_WAMID);
    assertThat(m.contact()).isEqualTo(META_USER);
    assertThat(m.accountRef()).isEqualTo(META_PHONE);
    assertThat(m.occurredAt()).isEqualTo(epoch(1739321024L));
  }

  @Test
  void interactiveListReply() {
    InboundMessage m = onlyMessage("interactive-list-reply.json", META_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive()).isEqualTo(new InteractiveReply("list_reply", "priority_express",
        "Priority Mail Express", "Next Day to 2 Days", null));
    assertThat(m.text()).isEqualTo("Priority Mail Express");
    assertThat(m.replyToMessageId()).isEqualTo(META_CONTEXT_WAMID);
  }

  @Test
  void interactiveFlowCompletion() {
    InboundMessage m = onlyMessage("interactive-nfm-reply.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive().kind()).isEqualTo("nfm_reply");
    assertThat(m.interactive().title()).isEqualTo("Sent");
    assertThat(m.interactive().id()).isNull();
    assertThat(new JsonObject(m.interactive().responseJson()).getString("flow_token"))
        .isEqualTo("AQAAAAACS5FpgQ_cAAAAAD0QI3s.");
    assertThat(m.text()).isEqualTo("Sent");
    assertThat(m.replyToMessageId()).isEqualTo("wamid.gvwegfretge==");
    assertThat(m.platformMessageId()).isEqualTo("wamid.wegrchytvwcggt==");
  }

  @Test
  void templateQuickReplyButton() {
    InboundMessage m = onlyMessage("template-button.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.BUTTON);
    assertThat(m.interactive()).isEqualTo(
        new InteractiveReply("template_button", "callback_data", "title", null, null));
    assertThat(m.text()).isEqualTo("title");
    assertThat(m.replyToMessageId()).isEqualTo("wamid.xyzxyz==");
    assertThat(m.platformMessageId()).isEqualTo("wamid.xsidjw");
    assertThat(m.contact()).isEqualTo(new ContactRef("972987654321", "972987654321", "Test Name", null, BSUID));
  }

  @Test
  void reaction() {
    InboundMessage m = onlyMessage("reaction.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.REACTION);
    assertThat(m.reaction()).isEqualTo(new Reaction("wamid.yzxyzx=", "\uD83D\uDE2E"));
    assertThat(m.reaction().removed()).isFalse();
    assertThat(m.text()).isNull();
  }

  @Test
  void reactionRemoved() {
    InboundMessage m = onlyMessage("reaction-removed.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.REACTION);
    assertThat(m.reaction().targetMessageId()).isEqualTo("wamid.yzxyzx=");
    assertThat(m.reaction().removed()).isTrue();
    assertThat(m.reaction().emoji()).isEmpty();
  }

  @Test
  void order() {
    InboundMessage m = onlyMessage("order.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.ORDER);
    assertThat(m.text()).isNull(); // order.text is "" in this payload
    JsonObject order = extras(m).getJsonObject("order");
    assertThat(order.getString("catalog_id")).isEqualTo("354160437058781");
    assertThat(order.getJsonArray("product_items")).hasSize(3);
    assertThat(order.getJsonArray("product_items").getJsonObject(0)
        .getString("product_retailer_id")).isEqualTo("HAMBURGER");
  }

  @Test
  void systemUserChangedNumber() {
    InboundMessage m = onlyMessage("system-user-changed-number.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.text()).isEqualTo("User A changed from 972987654321 to 972912345678");
    assertThat(m.contact()).isEqualTo(new ContactRef("972987654321", "972987654321", null, null));
    JsonObject system = extras(m).getJsonObject("system");
    assertThat(system.getString("type")).isEqualTo("user_changed_number");
    assertThat(system.getString("wa_id")).isEqualTo("972912345678");
    assertThat(m.occurredAt()).isEqualTo(epoch(1753851315L));
  }

  @Test
  void systemIdentityChangedKeepsTheIdentity() {
    InboundMessage m = onlyMessage("system-identity-changed.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.text()).isEqualTo("User identity changed");
    assertThat(m.contact().displayName()).isEqualTo("User A");
    JsonObject extras = extras(m);
    assertThat(extras.getJsonObject("system").getString("type"))
        .isEqualTo("customer_identity_changed");
    assertThat(extras.getJsonObject("identity").getString("hash")).isEqualTo("xyzxyz");
    assertThat(extras.getJsonObject("identity").getBoolean("acknowledged")).isTrue();
  }

  @Test
  void systemUserChangedUserIdWithoutFromIsKeyedByThePreviousId() {
    InboundMessage m = onlyMessage("system-user-changed-user-id.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.contact().platformUserId()).isEqualTo("CO.1234567890");
    assertThat(m.contact().phone()).isNull();
    assertThat(extras(m).getJsonObject("system").getString("user_id"))
        .isEqualTo("MX.0987654321");
  }

  @Test
  void requestWelcome() {
    InboundMessage m = onlyMessage("request-welcome.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.text()).isNull();
    assertThat(extras(m)).isEqualTo(
        new JsonObject().put("system", new JsonObject().put("type", "request_welcome")));
  }

  @Test
  void unsupportedCarriesError131051() {
    InboundMessage m = onlyMessage("unsupported.json", META_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.text()).isNull();
    assertThat(m.errors()).containsExactly(new PlatformError("131051", "Message type unknown",
        "Message type unknown", "Message type is currently not supported."));
    assertThat(extras(m).getJsonObject("unsupported").getString("type"))
        .isEqualTo("poll_update");
    assertThat(m.platformMessageId()).isEqualTo(META_WAMID);
  }

  @Test
  void unknownFutureTypeIsUnsupportedWithoutAnError() {
    InboundMessage m = onlyMessage("unknown-type.json", META_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.errors()).isEmpty();
    assertThat(extras(m)).isEqualTo(new JsonObject().put("unknownType", "poll_creation"));
  }

  @Test
  void editOfACaptionedImage() {
    InboundMessage m = onlyMessage("edit-caption.json", PYWA_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.EDIT);
    assertThat(m.relatedMessageId()).isEqualTo("wamid.zzzzzz");
    assertThat(m.platformMessageId()).isEqualTo("wamid.yyyyyy");
    assertThat(m.text()).isEqualTo("caption");
    assertThat(m.media()).isEqualTo(new MediaRef("65463453", null, "image/jpeg", "4654+8g=", null,
        "caption", null, false, false));
  }

  @Test
  void editOfAText() {
    InboundMessage m = onlyMessage("edit-text.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.EDIT);
    assertThat(m.relatedMessageId()).isEqualTo("wamid.zzzzzz");
    assertThat(m.text()).isEqualTo("Text was edited");
    assertThat(m.media()).isNull();
  }

  @Test
  void revoke() {
    InboundMessage m = onlyMessage("revoke.json", META_PHONE);

    assertPlainInbound(m);
    assertThat(m.type()).isEqualTo(MessageType.REVOKE);
    assertThat(m.relatedMessageId()).isEqualTo(META_CONTEXT_WAMID);
    assertThat(m.text()).isNull();
    assertThat(m.contact()).isEqualTo(META_USER);
  }

  @Test
  void replyQuotesTheContextMessage() {
    InboundMessage m = onlyMessage("reply-context.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("replied text");
    assertThat(m.replyToMessageId()).isEqualTo("wamid.xyzxyz==");
    assertThat(m.forwarded()).isZero();
  }

  @Test
  void forwardedReplyKeepsBothTheQuotedMessageAndTheFlag() {
    InboundMessage m = onlyMessage("reply-forwarded.json", PYWA_PHONE);

    assertThat(m.text()).isEqualTo("forwarded reply");
    assertThat(m.replyToMessageId()).isEqualTo("wamid.xyzxyz==");
    assertThat(m.forwarded()).isEqualTo(1);
  }

  @Test
  void forwarded() {
    InboundMessage m = onlyMessage("forwarded.json", PYWA_PHONE);

    assertThat(m.text()).isEqualTo("forwarded text");
    assertThat(m.forwarded()).isEqualTo(1);
    assertThat(m.replyToMessageId()).isNull();
  }

  @Test
  void frequentlyForwarded() {
    InboundMessage m = onlyMessage("frequently-forwarded.json", PYWA_PHONE);

    assertThat(m.text()).isEqualTo("text forwarded many times");
    assertThat(m.forwarded()).isEqualTo(2);
    assertThat(m.replyToMessageId()).isNull();
  }

  @Test
  void clickToWhatsAppReferral() {
    InboundMessage m = onlyMessage("referral.json", PYWA_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("BODY");
    JsonObject referral = extras(m).getJsonObject("referral");
    assertThat(referral.getString("source_id")).isEqualTo("ADID");
    assertThat(referral.getString("ctwa_clid")).isEqualTo("CTWA_CLID");
    assertThat(referral.getString("headline")).isEqualTo("AD_TITLE");
    assertThat(m.platformMessageId()).isEqualTo("wamid.ID");
  }

  @Test
  void productInquiryKeepsTheReferredProductAndTheQuote() {
    InboundMessage m = onlyMessage("product-inquiry.json", META_PHONE);

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("Does it come in another color?");
    assertThat(m.replyToMessageId()).isEqualTo(META_CONTEXT_WAMID);
    assertThat(extras(m)).isEqualTo(new JsonObject().put("referredProduct", new JsonObject()
        .put("catalog_id", "194836987003835").put("product_retailer_id", "di9ozbzfi4")));
  }

  @Test
  void interactiveWithoutBodyIsKeptAsInteractive() {
    // Meta's "unsupported webhook payload" case: an interactive message whose body was dropped
    var events = Webhooks.events("webhook-errors.json", PYWA_PHONE);
    InboundMessage m = (InboundMessage) events.get(0);

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.interactive()).isNull();
    assertThat(m.text()).isNull();
    assertThat(m.replyToMessageId()).isEqualTo("wamid.gvwegfretge==");
  }

  @Test
  void rawJsonIsOnlyThisMessage() {
    InboundMessage m = onlyMessage("reaction.json", PYWA_PHONE);

    JsonObject raw = new JsonObject(m.rawJson());
    assertThat(raw.getString("id")).isEqualTo("wamid.xyzxyz");
    assertThat(raw.containsKey("entry")).isFalse();
    assertThat(raw.getJsonObject("reaction").getString("emoji")).isEqualTo("\uD83D\uDE2E");
  }
}
