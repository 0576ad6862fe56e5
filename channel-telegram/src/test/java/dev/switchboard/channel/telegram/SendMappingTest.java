package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.FakeBotApi.await;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the sender asks the Bot API for each kind of message, and the id it reports. */
class SendMappingTest extends BotApiTest {
  private static final long ADA = 73104289L;

  private TelegramSender sender;

  @BeforeEach
  void fresh() {
    sender = new TelegramSender(api.context(client));
  }

  private SendOutcome send(OutboundMessage message) {
    return await(sender.send(message));
  }

  static OutboundMessage message(MessageType type, String to, String text, String extrasJson) {
    return new OutboundMessage("tok-1", to, type, text, null, null, null, null, null, null, null, null, extrasJson);
  }

  @Test
  void aTextBecomesSendMessageAndReportsChatAndMessageId() {
    SendOutcome outcome = send(OutboundMessage.text("tok-1", String.valueOf(ADA), "Hello Ada"));

    FakeBotApi.Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("sendMessage");
    assertThat(request.path()).isEqualTo("/bot" + FakeBotApi.TOKEN + "/sendMessage");
    assertThat(request.body()).isEqualTo(new JsonObject().put("chat_id", ADA).put("text", "Hello Ada"));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @Test
  void extrasAndReplyBecomeTheirBotApiParameters() {
    OutboundMessage reply = new OutboundMessage("tok-1", "-1001987654321", MessageType.TEXT, "<b>Noted</b>",
        null, null, null, null, null, null, "-1001987654321:4711", null,
        "{\"parseMode\":\"HTML\",\"threadId\":\"42\",\"businessConnectionId\":\"bc-7\",\"disableNotification\":true}");

    SendOutcome outcome = send(reply);

    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject()
        .put("chat_id", -1001987654321L).put("message_thread_id", 42L).put("business_connection_id", "bc-7")
        .put("disable_notification", true).put("text", "<b>Noted</b>").put("parse_mode", "HTML")
        .put("reply_parameters", new JsonObject().put("message_id", 4711L).put("allow_sending_without_reply", true)));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent("-1001987654321:1000"));
  }

  @Test
  void aChannelUsernameIsPassedAsIsAndTheIdUsesTheNumericChat() {
    SendOutcome outcome = send(OutboundMessage.text("tok-1", "@switchboard_news", "Release 1.0 is out"));

    assertThat(api.onlyRequest().body().getValue("chat_id")).isEqualTo("@switchboard_news");
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(FakeBotApi.CHANNEL_ID + ":1000"));
  }

  @Test
  void aLongTextIsSentInOrderedPartsWithReplyFirstAndKeyboardLast() {
    String first = "Intro. " + "a".repeat(4000);
    String second = "Details. " + "b".repeat(4080); // with the outro over the limit
    String third = "Outro.";
    OutboundMessage longText = new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.TEXT,
        first + "\n\n" + second + "\n\n" + third, null, null, null, null,
        "{\"type\":\"buttons\",\"buttons\":[{\"id\":\"ok\",\"title\":\"OK\"}]}", null, ADA + ":55", null,
        "{\"parseMode\":\"MarkdownV2\"}");

    SendOutcome outcome = send(longText);

    List<FakeBotApi.Request> requests = api.requests();
    assertThat(requests).extracting(FakeBotApi.Request::method).containsOnly("sendMessage");
    assertThat(requests).extracting(r -> r.body().getString("text")).containsExactly(first, second, third);
    assertThat(requests).extracting(r -> r.body().getString("parse_mode")).containsOnly("MarkdownV2");
    assertThat(requests).extracting(r -> r.body().containsKey("reply_parameters")).containsExactly(true, false, false);
    assertThat(requests).extracting(r -> r.body().containsKey("reply_markup")).containsExactly(false, false, true);
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @ParameterizedTest
  @CsvSource({
      "IMAGE, sendPhoto, photo",
      "DOCUMENT, sendDocument, document",
      "AUDIO, sendAudio, audio",
      "VOICE, sendVoice, voice",
      "VIDEO, sendVideo, video"})
  void mediaIsSentByFileIdWithTheTextAsCaption(MessageType type, String method, String field) {
    MediaRef media = new MediaRef("BQACAgIAAxkBAAIBZ2YF7Z", "https://cdn.example.com/ignored.bin", null, null,
        null, null, null, false, false);
    OutboundMessage message = new OutboundMessage("tok-1", String.valueOf(ADA), type, "*here* it is", media,
        null, null, null, null, null, null, null, "{\"parseMode\":\"MarkdownV2\"}");

    SendOutcome outcome = send(message);

    FakeBotApi.Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo(method);
    assertThat(request.body()).isEqualTo(new JsonObject().put("chat_id", ADA).put(field, "BQACAgIAAxkBAAIBZ2YF7Z")
        .put("caption", "*here* it is").put("parse_mode", "MarkdownV2"));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @Test
  void mediaWithoutFileIdIsSentByUrl() {
    MediaRef media = new MediaRef(null, "https://cdn.example.com/invoice-42.pdf", "application/pdf", null,
        "invoice-42.pdf", null, null, false, false);
    send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.DOCUMENT, null, media, null, null, null,
        null, null, null, null, null));

    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("chat_id", ADA)
        .put("document", "https://cdn.example.com/invoice-42.pdf"));
  }

  @Test
  void aCaptionOverTheLimitIsRefusedWithoutCallingTelegram() {
    MediaRef media = new MediaRef("AgACAgQAAxkDAAIBQ2Z", null, null, null, null, null, null, false, false);
    SendOutcome outcome = send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.IMAGE,
        "c".repeat(1025), media, null, null, null, null, null, null, null, null));

    assertThat(outcome).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(((SendOutcome.PermanentFailure) outcome).detail()).contains("1025").contains("1024");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void aLocationBecomesSendLocation() {
    SendOutcome outcome = send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.LOCATION, null, null,
        new Location(51.5007, -0.1246, null, null, null), null, null, null, null, null, null, null));

    assertThat(api.onlyRequest().method()).isEqualTo("sendLocation");
    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("chat_id", ADA)
        .put("latitude", 51.5007).put("longitude", -0.1246));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @Test
  void theFirstContactBecomesSendContact() {
    String vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nTEL;TYPE=CELL:+15551234567\nEND:VCARD";
    SendOutcome outcome = send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.CONTACTS, null, null,
        null, List.of(new SharedContact("Grace Hopper", List.of("+15551234567", "+15557654321"), List.of(), null,
        vcard), new SharedContact("Alan Turing", List.of("+441234"), List.of(), null, null)), null, null, null,
        null, null, null));

    assertThat(api.onlyRequest().method()).isEqualTo("sendContact");
    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("chat_id", ADA)
        .put("phone_number", "+15551234567").put("first_name", "Grace Hopper").put("vcard", vcard));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @Test
  void aReactionSetsTheEmojiOnTheTargetMessageAndReportsTheTarget() {
    SendOutcome outcome = send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.REACTION, null,
        null, null, null, null, null, new Reaction(ADA + ":321", "👍"), null, null, null));

    assertThat(api.onlyRequest().method()).isEqualTo("setMessageReaction");
    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("chat_id", ADA).put("message_id", 321L)
        .put("reaction", new JsonArray().add(new JsonObject().put("type", "emoji").put("emoji", "👍"))));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(ADA + ":321"));
  }

  @Test
  void anEmptyEmojiRemovesTheReaction() {
    send(new OutboundMessage("tok-1", String.valueOf(ADA), MessageType.REACTION, null, null, null, null, null,
        null, new Reaction(ADA + ":321", ""), null, null, null));

    assertThat(api.onlyRequest().body().getJsonArray("reaction")).isEmpty();
  }

  @Test
  void anEditChangesTheTargetMessagesText() {
    SendOutcome sent = send(OutboundMessage.text("tok-1", String.valueOf(ADA), "Price: 10 EUR"));
    String id = ((SendOutcome.Sent) sent).platformMessageId();

    SendOutcome edited = send(new OutboundMessage("tok-2", String.valueOf(ADA), MessageType.EDIT, "Price: 12 EUR",
        null, null, null, null, null, null, null, id, null));

    FakeBotApi.Request edit = api.requests().get(1);
    assertThat(edit.method()).isEqualTo("editMessageText");
    assertThat(edit.body()).isEqualTo(new JsonObject().put("chat_id", ADA).put("message_id", 1000L)
        .put("text", "Price: 12 EUR"));
    assertThat(edited).isEqualTo(new SendOutcome.Sent(id));
  }

  @Test
  void anEditThatChangesNothingIsReportedAsSent() {
    String id = ((SendOutcome.Sent) send(OutboundMessage.text("tok-1", String.valueOf(ADA), "Same"))).platformMessageId();

    SendOutcome outcome = send(new OutboundMessage("tok-2", String.valueOf(ADA), MessageType.EDIT, "Same", null,
        null, null, null, null, null, null, id, null));

    assertThat(outcome).isEqualTo(new SendOutcome.Sent(id));
  }

  @Test
  void anEditLongerThanOneMessageIsRefused() {
    SendOutcome outcome = send(new OutboundMessage("tok-2", String.valueOf(ADA), MessageType.EDIT, "e".repeat(4097),
        null, null, null, null, null, null, null, ADA + ":5", null));

    assertThat(outcome).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void typingBecomesSendChatActionReportedUnderTheSendToken() {
    SendOutcome outcome = send(message(MessageType.SYSTEM, String.valueOf(ADA), null,
        "{\"action\":\"typing\",\"threadId\":7}"));

    assertThat(api.onlyRequest().method()).isEqualTo("sendChatAction");
    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject().put("chat_id", ADA).put("action", "typing")
        .put("message_thread_id", 7L));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent("tok-1"));
  }

  @Test
  void answerCallbackBecomesAnswerCallbackQuery() {
    SendOutcome outcome = send(message(MessageType.SYSTEM, String.valueOf(ADA), "Saved!",
        "{\"action\":\"answerCallback\",\"callbackQueryId\":\"4382bfdwdsb323b2d9\"}"));

    assertThat(api.onlyRequest().method()).isEqualTo("answerCallbackQuery");
    assertThat(api.onlyRequest().body()).isEqualTo(new JsonObject()
        .put("callback_query_id", "4382bfdwdsb323b2d9").put("text", "Saved!"));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent("tok-1"));
  }

  @Test
  void typesTelegramCannotSendAreRefusedWithoutCallingIt() {
    for (MessageType type : List.of(MessageType.TEMPLATE, MessageType.POLL, MessageType.ORDER, MessageType.REVOKE)) {
      SendOutcome outcome = send(message(type, String.valueOf(ADA), "x", null));
      assertThat(outcome).as(type.label()).isInstanceOf(SendOutcome.PermanentFailure.class)
          .extracting("code").isEqualTo("unsupported_type");
    }
    SendOutcome unknownAction = send(message(MessageType.SYSTEM, String.valueOf(ADA), null, "{\"action\":\"dance\"}"));
    assertThat(unknownAction).extracting("code").isEqualTo("unsupported_type");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void aRecipientThatIsNoChatIdIsRefused() {
    SendOutcome outcome = send(OutboundMessage.text("tok-1", "+49 170 1234567", "hi"));

    assertThat(outcome).extracting("code").isEqualTo("invalid_recipient");
    assertThat(api.requests()).isEmpty();
  }
}
