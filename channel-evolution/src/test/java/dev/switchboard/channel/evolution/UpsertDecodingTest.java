package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.RECEIVED_AT;
import static dev.switchboard.channel.evolution.EvoWebhooks.events;
import static dev.switchboard.channel.evolution.EvoWebhooks.extras;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static dev.switchboard.channel.evolution.EvoWebhooks.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** messages.upsert and send.message: keys, direction, identities, timestamps, replies. */
class UpsertDecodingTest {

  @Test
  void lidAddressedMessageIsKeyedByThePhoneNumberTheAltReveals() {
    InboundMessage m = only("upsert-text-lid.json", InboundMessage.class);

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("Teste envio de mensagem");
    assertThat(m.idempotencyKey()).isEqualTo("5588921729550:ACF74C317ABADED4BE7EDC7E41BE13EE:false");
    assertThat(m.platformMessageId()).isEqualTo("ACF74C317ABADED4BE7EDC7E41BE13EE");
    assertThat(m.accountRef()).isEqualTo("5588921729550");
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.author()).isEqualTo(Author.CONTACT);
    assertThat(m.eventType()).isEqualTo("message");
    assertThat(m.contact()).isEqualTo(new ContactRef("558893074699@s.whatsapp.net", "558893074699",
        "Gleidiane Limaverde", null));
    assertThat(m.contact().e164()).isEqualTo("+558893074699");
    assertThat(m.chatId()).isEqualTo("558893074699@s.whatsapp.net");
    assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochSecond(1763326182L));
    JsonObject extras = extras(m.extrasJson());
    assertThat(extras.getString("lid")).isEqualTo("76201477542116@lid");
    assertThat(extras.getString("pn")).isEqualTo("558893074699@s.whatsapp.net");
    assertThat(extras.getString("source")).isEqualTo("android");
    assertThat(extras.getString("instanceId")).isEqualTo("99910a55-8bbd-440a-9e14-9d5833a63c5e");
    assertThat(extras.getString("messageType")).isEqualTo("conversation");
  }

  @Test
  void theSameChatAddressedByPhoneOrByLidIsOneChat() {
    JsonObject byPhone = json("upsert-text-lid.json");
    JsonObject key = byPhone.getJsonObject("data").getJsonObject("key");
    key.put("remoteJid", "558893074699@s.whatsapp.net").put("remoteJidAlt", "76201477542116@lid");
    JsonObject senderPn = json("upsert-text-lid.json");
    senderPn.getJsonObject("data").getJsonObject("key").remove("remoteJidAlt");
    senderPn.getJsonObject("data").getJsonObject("key").put("senderPn", "558893074699@s.whatsapp.net");

    InboundMessage lid = only("upsert-text-lid.json", InboundMessage.class);
    assertThat(only(byPhone, InboundMessage.class).chatId()).isEqualTo(lid.chatId());
    assertThat(only(senderPn, InboundMessage.class).contact()).isEqualTo(lid.contact());
  }

  @Test
  void aLidWithoutAnyPhoneFormIsTheIdentity() {
    JsonObject body = json("upsert-text-lid.json");
    body.getJsonObject("data").getJsonObject("key").remove("remoteJidAlt");

    InboundMessage m = only(body, InboundMessage.class);

    assertThat(m.contact().platformUserId()).isEqualTo("76201477542116@lid");
    assertThat(m.contact().phone()).isNull();
    assertThat(m.chatId()).isEqualTo("76201477542116@lid");
    assertThat(extras(m.extrasJson()).containsKey("lid")).isFalse();
  }

  @Test
  void deviceSuffixesDoNotSplitAContact() {
    JsonObject body = json("upsert-text-lid.json");
    body.getJsonObject("data").getJsonObject("key").put("remoteJid", "558893074699:17@s.whatsapp.net");

    assertThat(only(body, InboundMessage.class).chatId()).isEqualTo("558893074699@s.whatsapp.net");
  }

  @Test
  void sendMessageIsAnApiEchoOfTheSameMessageAsTheUpsertButItsOwnEvent() {
    InboundMessage echo = only("send-message.json", InboundMessage.class);

    assertThat(echo.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(echo.author()).isEqualTo(Author.BUSINESS_API);
    assertThat(echo.eventType()).isEqualTo("message:echo");
    assertThat(echo.idempotencyKey()).isEqualTo("xpayment:3EB063FA228F78C7FAE3CE:true:api");
    assertThat(echo.text()).isEqualTo("[snapshot] webhook capture - text");
    // the contact is the recipient; the business's own "Você" is not their name
    assertThat(echo.contact()).isEqualTo(new ContactRef("77000000000@s.whatsapp.net", "77000000000", null, null));
    assertThat(echo.occurredAt()).isEqualTo(Instant.ofEpochSecond(1781372023L));

    InboundMessage upsert = only(json("send-message.json").put("event", "messages.upsert"),
        InboundMessage.class);
    // one message (one id, stored once), two events: an echo after the upsert must still reach
    // the inbox to correct the author
    assertThat(upsert.platformMessageId()).isEqualTo(echo.platformMessageId());
    assertThat(upsert.idempotencyKey()).isEqualTo("xpayment:3EB063FA228F78C7FAE3CE:true");
    assertThat(upsert.author()).isEqualTo(Author.BUSINESS_HUMAN);
  }

  @Test
  void aSendMessageWithoutFromMeIsStillFromTheBusiness() {
    JsonObject body = json("send-message.json");
    body.getJsonObject("data").getJsonObject("key").remove("fromMe");

    assertThat(only(body, InboundMessage.class).idempotencyKey())
        .isEqualTo("xpayment:3EB063FA228F78C7FAE3CE:true:api");
  }

  @Test
  void aMessageTypedOnThePhoneIsAHumanOnTheBusinessSide() {
    InboundMessage m = only("upsert-fromme-phone.json", InboundMessage.class);

    assertThat(m.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(m.author()).isEqualTo(Author.BUSINESS_HUMAN);
    assertThat(m.idempotencyKey()).isEqualTo("xpayment:3A1A81920314253647E2:true");
    assertThat(m.contact().displayName()).isNull();
    assertThat(m.chatId()).isEqualTo("77000000000@s.whatsapp.net");
    assertThat(extras(m.extrasJson()).getString("status")).isEqualTo("SERVER_ACK");
  }

  @Test
  void oneEightShapeWithOwnerFromAnIphone() {
    InboundMessage m = only("v1-upsert-fromme-ios.json", InboundMessage.class);

    assertThat(m.accountRef()).isEqualTo("whatsapp_instance_sergio");
    assertThat(m.idempotencyKey()).isEqualTo("whatsapp_instance_sergio:3AA64AC482E95FF0798F:true");
    assertThat(m.author()).isEqualTo(Author.BUSINESS_HUMAN);
    assertThat(m.text()).isEqualTo("Salvei 2");
    assertThat(m.chatId()).isEqualTo("553175564133@s.whatsapp.net");
    assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochSecond(1700835590L));
    assertThat(extras(m.extrasJson()).getString("source")).isEqualTo("ios");
  }

  @Test
  void oneEightExtendedTextReplyPointsAtTheQuotedMessage() {
    InboundMessage m = only("v1-upsert-quoted-reply.json", InboundMessage.class);

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("é assim que começa");
    assertThat(m.replyToMessageId()).isEqualTo("2F0C1BF027EBAFBAB650D16D3C685EE1");
    assertThat(m.forwarded()).isZero();
    assertThat(m.media()).isNull(); // the quoted document is not this message's media
  }

  @Test
  void twoTwoStyleTopLevelContextInfoCarriesTheReply() {
    InboundMessage m = only("upsert-reply-top-context.json", InboundMessage.class);

    assertThat(m.text()).isEqualTo("Pode ser às 15h");
    assertThat(m.replyToMessageId()).isEqualTo("3EB063FA228F78C7FAE3CE");
  }

  @Test
  void groupMessageIsFromTheParticipantInTheGroupChat() {
    InboundMessage m = only("upsert-group-lid.json", InboundMessage.class);

    assertThat(m.chatId()).isEqualTo("120363407291306248@g.us");
    assertThat(m.contact()).isEqualTo(new ContactRef("558388046720@s.whatsapp.net", "558388046720",
        "Álefe Lins", null));
    assertThat(m.text()).isEqualTo("Olá 👋");
    assertThat(m.idempotencyKey()).isEqualTo("ia:3ACE4B3AE37AE3151E1C:false");
    JsonObject extras = extras(m.extrasJson());
    assertThat(extras.getString("group")).isEqualTo("120363407291306248@g.us");
    assertThat(extras.getString("lid")).isEqualTo("260970953867397@lid");
    assertThat(extras.getString("pn")).isEqualTo("558388046720@s.whatsapp.net");
  }

  @Test
  void groupParticipantWithoutAltStaysALid() {
    JsonObject body = json("upsert-group-lid.json");
    body.getJsonObject("data").getJsonObject("key").remove("participantAlt");

    assertThat(only(body, InboundMessage.class).contact().platformUserId())
        .isEqualTo("260970953867397@lid");
  }

  @Test
  void theBusinessesOwnGroupMessageHasTheGroupAsContact() {
    JsonObject body = json("upsert-group-lid.json");
    body.getJsonObject("data").getJsonObject("key").put("fromMe", true);

    InboundMessage m = only(body, InboundMessage.class);

    assertThat(m.contact()).isEqualTo(new ContactRef("120363407291306248@g.us", null, null, null));
    assertThat(m.chatId()).isEqualTo("120363407291306248@g.us");
    assertThat(m.author()).isEqualTo(Author.BUSINESS_HUMAN);
  }

  @Test
  void statusStoriesBroadcastsAndChannelsAreUnhandled() {
    PlatformNotice story = only("status-broadcast.json", PlatformNotice.class);

    assertThat(story.kind()).isEqualTo(Kind.UNHANDLED);
    assertThat(story.detail()).isEqualTo("status@broadcast");
    assertThat(story.idempotencyKey()).isEqualTo("xpayment:3A2B920314253647F3A4:false");

    JsonObject list = json("status-broadcast.json");
    list.getJsonObject("data").getJsonObject("key").put("remoteJid", "1781459400@broadcast");
    assertThat(only(list, PlatformNotice.class).detail()).isEqualTo("broadcast");
    JsonObject channel = json("status-broadcast.json");
    channel.getJsonObject("data").getJsonObject("key").put("remoteJid", "120363144038483540@newsletter");
    assertThat(only(channel, PlatformNotice.class).detail()).isEqualTo("newsletter");
  }

  @Test
  void timestampsAsStringsLongsAndMillisecondsAllMeanTheSameInstant() {
    Instant expected = Instant.ofEpochSecond(1763326182L);
    for (Object ts : List.of("1763326182", new JsonObject().put("low", 1763326182).put("high", 0)
        .put("unsigned", true), 1763326182000L, 1763326182.0)) {
      JsonObject body = json("upsert-text-lid.json");
      body.getJsonObject("data").put("messageTimestamp", ts);
      assertThat(only(body, InboundMessage.class).occurredAt()).as(ts.toString()).isEqualTo(expected);
    }
  }

  @Test
  void anUnusableTimestampFallsBackToTheReceiveTimeNeverToDateTime() {
    for (Object ts : new Object[] {null, "yesterday", -5, new JsonObject().put("low", "x")}) {
      JsonObject body = json("upsert-text-lid.json");
      body.getJsonObject("data").put("messageTimestamp", ts);
      assertThat(only(body, InboundMessage.class).occurredAt()).isEqualTo(RECEIVED_AT);
    }
  }

  @Test
  void dataAsAnArrayOrAsBaileysMessagesListDecodesEachMessage() {
    JsonObject first = json("upsert-text-lid.json").getJsonObject("data");
    JsonObject second = json("upsert-image-caption.json").getJsonObject("data");
    JsonObject asArray = json("upsert-text-lid.json").put("data", new JsonArray().add(first).add(second));
    JsonObject asMessages = json("upsert-text-lid.json").put("data",
        new JsonObject().put("messages", new JsonArray().add(first).add(second)).put("type", "notify"));

    for (JsonObject body : List.of(asArray, asMessages)) {
      List<InboundEvent> events = events(body);
      assertThat(events).hasSize(2).allMatch(InboundMessage.class::isInstance);
      assertThat(events).extracting(InboundEvent::idempotencyKey).containsExactly(
          "5588921729550:ACF74C317ABADED4BE7EDC7E41BE13EE:false",
          "5588921729550:3A565F258A63FBA13770:false");
    }
  }

  @Test
  void anUpsertWithoutKeyIdIsAnUndecodableMessageAndTheRestOfTheCallIsKept() {
    JsonObject broken = json("upsert-text-lid.json").getJsonObject("data").copy();
    broken.getJsonObject("key").remove("id");
    JsonObject good = json("upsert-image-caption.json").getJsonObject("data");
    JsonObject body = json("upsert-text-lid.json").put("data", new JsonArray().add(broken).add(good));

    List<InboundEvent> events = events(body);

    assertThat(events.get(0)).isInstanceOfSatisfying(InboundMessage.class, m -> {
      assertThat(m.undecodable()).isEqualTo("messages.upsert: key.id is missing");
      assertThat(m.eventType()).isEqualTo("message:undecodable");
      assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
      assertThat(m.idempotencyKey()).startsWith("5588921729550:undecodable:").isEqualTo(m.platformMessageId());
      assertThat(m.chatId()).isEqualTo("558893074699@s.whatsapp.net");
      assertThat(m.contact().displayName()).isEqualTo("Gleidiane Limaverde");
      assertThat(m.direction()).isEqualTo(Direction.INBOUND);
      assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochSecond(1763326182L));
      assertThat(new JsonObject(m.rawJson()).getJsonObject("message").getString("conversation"))
          .isEqualTo("Teste envio de mensagem");
    });
    assertThat(events.get(1)).isInstanceOfSatisfying(InboundMessage.class, m -> assertThat(m.undecodable()).isNull());
  }

  @Test
  void anUpsertWithoutRemoteJidIsAnUndecodableMessageWithoutAChat() {
    JsonObject noChat = json("upsert-text-lid.json");
    noChat.getJsonObject("data").getJsonObject("key").remove("remoteJid");

    InboundMessage m = only(noChat, InboundMessage.class);

    assertThat(m.undecodable()).isEqualTo("messages.upsert: key.remoteJid is missing or not a JID");
    assertThat(m.idempotencyKey()).isEqualTo("5588921729550:ACF74C317ABADED4BE7EDC7E41BE13EE:false");
    assertThat(m.platformMessageId()).isEqualTo("ACF74C317ABADED4BE7EDC7E41BE13EE");
    assertThat(m.chatId()).isNull();
    assertThat(m.contact()).isNull();
  }

  @Test
  void anUnreadableSendMessageEchoIsAnUndecodableApiSend() {
    JsonObject body = json("send-message.json");
    body.getJsonObject("data").getJsonObject("key").put("remoteJid", 42);

    InboundMessage m = only(body, InboundMessage.class);

    assertThat(m.undecodable()).startsWith("send.message: ");
    assertThat(m.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(m.author()).isEqualTo(Author.BUSINESS_API);
    assertThat(m.idempotencyKey()).endsWith(":true:api");
  }

  @Test
  void upsertDataThatIsNoObjectIsAnUndecodableNotice() {
    JsonObject stringData = json("upsert-text-lid.json").put("data", "hello");
    JsonObject noData = json("upsert-text-lid.json");
    noData.remove("data");

    for (JsonObject body : List.of(stringData, noData)) {
      assertThat(only(body, PlatformNotice.class).kind()).isEqualTo(Kind.UNDECODABLE);
    }
  }
}
