package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.FakeBotApi.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The canonical interactive model as Telegram keyboards, as sent to the Bot API. */
class InteractiveSendTest extends BotApiTest {
  private static final String ADA = "73104289";

  private TelegramSender sender;

  @BeforeEach
  void fresh() {
    sender = new TelegramSender(api.context(client));
  }

  private SendOutcome sendWith(MessageType type, String interactiveJson) {
    return await(sender.send(new OutboundMessage("tok-1", ADA, type, "Pick one", null, null, null, null,
        interactiveJson, null, null, null, null)));
  }

  private JsonObject sentMarkup() {
    return api.onlyRequest().body().getJsonObject("reply_markup");
  }

  private static JsonObject callback(String text, String data) {
    return new JsonObject().put("text", text).put("callback_data", data);
  }

  @Test
  void buttonsBecomeAnInlineKeyboardOneButtonPerRow() {
    SendOutcome outcome = sendWith(MessageType.INTERACTIVE, """
        {"type":"buttons","buttons":[{"id":"yes","title":"Yes"},{"id":"no","title":"No"},
         {"title":"Our site","url":"https://example.com/help"}]}""");

    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
    assertThat(api.onlyRequest().body().getString("text")).isEqualTo("Pick one");
    assertThat(sentMarkup()).isEqualTo(new JsonObject().put("inline_keyboard", new JsonArray()
        .add(new JsonArray().add(callback("Yes", "yes")))
        .add(new JsonArray().add(callback("No", "no")))
        .add(new JsonArray().add(new JsonObject().put("text", "Our site").put("url", "https://example.com/help")))));
  }

  @Test
  void aListBecomesAnInlineKeyboardOfAllItsRows() {
    sendWith(MessageType.TEXT, """
        {"type":"list","button":"Choose","sections":[
          {"title":"Pizza","rows":[{"id":"p-marg","title":"Margherita","description":"tomato, basil"},
                                   {"id":"p-diav","title":"Diavola"}]},
          {"title":"Drinks","rows":[{"id":"d-water","title":"Water"}]}]}""");

    assertThat(sentMarkup()).isEqualTo(new JsonObject().put("inline_keyboard", new JsonArray()
        .add(new JsonArray().add(callback("Margherita", "p-marg")))
        .add(new JsonArray().add(callback("Diavola", "p-diav")))
        .add(new JsonArray().add(callback("Water", "d-water")))));
  }

  @Test
  void aKeyboardBecomesAReplyKeyboard() {
    sendWith(MessageType.TEXT, "{\"type\":\"keyboard\",\"rows\":[[\"Yes\",\"No\"],[\"Later\"]],"
        + "\"oneTime\":true,\"resize\":true}");

    assertThat(sentMarkup()).isEqualTo(new JsonObject()
        .put("keyboard", new JsonArray()
            .add(new JsonArray().add(new JsonObject().put("text", "Yes")).add(new JsonObject().put("text", "No")))
            .add(new JsonArray().add(new JsonObject().put("text", "Later"))))
        .put("one_time_keyboard", true).put("resize_keyboard", true));
  }

  @Test
  void removeKeyboardBecomesReplyKeyboardRemove() {
    sendWith(MessageType.TEXT, "{\"type\":\"remove_keyboard\"}");

    assertThat(sentMarkup()).isEqualTo(new JsonObject().put("remove_keyboard", true));
  }

  @Test
  void aButtonIdOfSixtyFourBytesIsSentAndOneByteMoreIsRefused() {
    String fits = "ü".repeat(32); // 2 bytes each in UTF-8: 64 bytes
    String tooLong = "ü".repeat(32) + "x"; // 65 bytes, but only 33 characters
    assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(64);

    SendOutcome ok = sendWith(MessageType.TEXT,
        new JsonObject().put("type", "buttons").put("buttons", new JsonArray()
            .add(new JsonObject().put("id", fits).put("title", "Fits"))).encode());
    assertThat(ok).isInstanceOf(SendOutcome.Sent.class);
    assertThat(sentMarkup().getJsonArray("inline_keyboard").getJsonArray(0).getJsonObject(0)
        .getString("callback_data")).isEqualTo(fits);

    api.reset();
    SendOutcome refused = sendWith(MessageType.TEXT,
        new JsonObject().put("type", "buttons").put("buttons", new JsonArray()
            .add(new JsonObject().put("id", tooLong).put("title", "Too long"))).encode());
    assertThat(refused).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(((SendOutcome.PermanentFailure) refused).detail()).contains("65 bytes").contains("64");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void malformedInteractiveContentIsRefusedBeforeCalling() {
    for (String bad : new String[] {"not json", "{\"type\":\"carousel\"}", "{\"type\":\"buttons\",\"buttons\":[]}",
        "{\"type\":\"buttons\",\"buttons\":[{\"title\":\"No id, no url\"}]}",
        "{\"type\":\"keyboard\",\"rows\":[[]]}"}) {
      assertThat(sendWith(MessageType.TEXT, bad)).as(bad).isInstanceOf(SendOutcome.PermanentFailure.class)
          .extracting("code").isEqualTo("invalid_message");
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void anEditKeepsInlineButtonsButRefusesAReplyKeyboard() {
    String id = ((SendOutcome.Sent) await(sender.send(OutboundMessage.text("tok-1", ADA, "Vote")))).platformMessageId();
    String buttons = "{\"type\":\"buttons\",\"buttons\":[{\"id\":\"v1\",\"title\":\"Voted\"}]}";

    SendOutcome edited = await(sender.send(new OutboundMessage("tok-2", ADA, MessageType.EDIT, "Thanks", null, null,
        null, null, buttons, null, null, id, null)));
    SendOutcome refused = await(sender.send(new OutboundMessage("tok-3", ADA, MessageType.EDIT, "Thanks!", null,
        null, null, null, "{\"type\":\"keyboard\",\"rows\":[[\"A\"]]}", null, null, id, null)));

    assertThat(edited).isEqualTo(new SendOutcome.Sent(id));
    assertThat(api.requests().get(1).body().getJsonObject("reply_markup").getJsonArray("inline_keyboard")).hasSize(1);
    assertThat(refused).extracting("code").isEqualTo("invalid_message");
    assertThat(api.requests()).hasSize(2);
  }
}
