package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.FakeGraphApi.await;
import static dev.switchboard.channel.whatsapp.SendMappingTest.PABLO;
import static dev.switchboard.channel.whatsapp.SendMappingTest.to;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonical interactive model as the Cloud API's reply buttons, CTA URL button and list
 * (bodies as in Meta's interactive message examples), and what WhatsApp cannot show.
 */
class InteractiveSendTest extends GraphApiTest {
  private static final String WORKSHOP = "Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. "
      + "Use the buttons if you need to reschedule. Thank you!";

  private WhatsAppSender sender;

  @BeforeEach
  void fresh() {
    sender = new WhatsAppSender(api.context(client));
  }

  private SendOutcome send(String text, JsonObject interactive) {
    return await(sender.send(new OutboundMessage("tok-1", PABLO, MessageType.INTERACTIVE, text, null, null, null,
        null, interactive.encode(), null, null, null, null)));
  }

  private static JsonObject buttons(JsonObject... buttons) {
    JsonArray all = new JsonArray();
    for (JsonObject button : buttons) {
      all.add(button);
    }
    return new JsonObject().put("type", "buttons").put("buttons", all);
  }

  private static JsonObject button(String id, String title) {
    return new JsonObject().put("id", id).put("title", title);
  }

  @Test
  void buttonsWithIdsAreReplyButtons() {
    SendOutcome outcome = send(WORKSHOP, buttons(button("change-button", "Change"), button("cancel-button", "Cancel")));

    assertThat(api.onlyRequest().body()).isEqualTo(to(PABLO).put("type", "interactive").put("interactive",
        new JsonObject().put("type", "button")
            .put("body", new JsonObject().put("text", WORKSHOP))
            .put("action", new JsonObject().put("buttons", new JsonArray()
                .add(new JsonObject().put("type", "reply")
                    .put("reply", new JsonObject().put("id", "change-button").put("title", "Change")))
                .add(new JsonObject().put("type", "reply")
                    .put("reply", new JsonObject().put("id", "cancel-button").put("title", "Cancel")))))));
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(FakeGraphApi.wamid(1)));
  }

  @Test
  void aTextMessageWithButtonsIsSentAsInteractiveToo() {
    await(sender.send(new OutboundMessage("tok-1", PABLO, MessageType.TEXT, WORKSHOP, null, null, null, null,
        buttons(button("change-button", "Change")).encode(), null, null, null, null)));

    assertThat(api.onlyRequest().body().getString("type")).isEqualTo("interactive");
    assertThat(api.onlyRequest().body().getJsonObject("interactive").getString("type")).isEqualTo("button");
  }

  @Test
  void aSingleUrlButtonIsACallToActionUrlButton() {
    String url = "https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4";

    send("Tap the button below to see available dates.",
        buttons(new JsonObject().put("title", "See Dates").put("url", url)));

    assertThat(api.onlyRequest().body().getJsonObject("interactive")).isEqualTo(new JsonObject()
        .put("type", "cta_url")
        .put("body", new JsonObject().put("text", "Tap the button below to see available dates."))
        .put("action", new JsonObject().put("name", "cta_url")
            .put("parameters", new JsonObject().put("display_text", "See Dates").put("url", url))));
  }

  @Test
  void aListKeepsItsSectionsRowsAndDescriptions() {
    JsonObject list = new JsonObject().put("type", "list").put("button", "Shipping Options").put("sections",
        new JsonArray()
            .add(new JsonObject().put("title", "I want it ASAP!").put("rows", new JsonArray()
                .add(new JsonObject().put("id", "priority_express").put("title", "Priority Mail Express")
                    .put("description", "Next Day to 2 Days"))
                .add(new JsonObject().put("id", "priority_mail").put("title", "Priority Mail")
                    .put("description", "1\u20133 Days"))))
            .add(new JsonObject().put("title", "I can wait a bit").put("rows", new JsonArray()
                .add(new JsonObject().put("id", "usps_ground_advantage").put("title", "USPS Ground Advantage")
                    .put("description", "2\u20135 Days"))
                .add(new JsonObject().put("id", "media_mail").put("title", "Media Mail")))));

    send("Which shipping option do you prefer?", list);

    JsonArray expectedSections = list.getJsonArray("sections").copy();
    assertThat(api.onlyRequest().body().getJsonObject("interactive")).isEqualTo(new JsonObject()
        .put("type", "list")
        .put("body", new JsonObject().put("text", "Which shipping option do you prefer?"))
        .put("action", new JsonObject().put("button", "Shipping Options").put("sections", expectedSections)));
  }

  @Test
  void aOneSectionListNeedsNoSectionTitle() {
    send("Pick one", new JsonObject().put("type", "list").put("button", "Options").put("sections", new JsonArray()
        .add(new JsonObject().put("rows", new JsonArray().add(new JsonObject().put("id", "a").put("title", "A"))))));

    assertThat(api.onlyRequest().body().getJsonObject("interactive").getJsonObject("action"))
        .isEqualTo(new JsonObject().put("button", "Options").put("sections", new JsonArray()
            .add(new JsonObject().put("rows", new JsonArray().add(new JsonObject().put("id", "a").put("title", "A"))))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "four reply buttons | {'type':'buttons','buttons':[{'id':'1','title':'A'},{'id':'2','title':'B'},{'id':'3','title':'C'},{'id':'4','title':'D'}]} | invalid_message | at most 3",
      "a 21-character title | {'type':'buttons','buttons':[{'id':'1','title':'Reschedule my visits!'}]} | invalid_message | at most 20",
      "a button without id or url | {'type':'buttons','buttons':[{'title':'Yes'}]} | invalid_message | needs an id or a url",
      "duplicate button ids | {'type':'buttons','buttons':[{'id':'x','title':'Yes'},{'id':'x','title':'No'}]} | invalid_message | unique",
      "a URL button beside reply buttons | {'type':'buttons','buttons':[{'id':'1','title':'Yes'},{'title':'Site','url':'https://luckyshrub.com'}]} | unsupported_content | alone",
      "two URL buttons | {'type':'buttons','buttons':[{'title':'A','url':'https://a.example'},{'title':'B','url':'https://b.example'}]} | unsupported_content | alone",
      "a URL button to a non-http URL | {'type':'buttons','buttons':[{'title':'Call','url':'tel:+16505551234'}]} | invalid_message | http(s)",
      "no buttons | {'type':'buttons','buttons':[]} | invalid_message | no buttons",
      "a list without a button label | {'type':'list','sections':[{'rows':[{'id':'a','title':'A'}]}]} | invalid_message | button label",
      "a list button label over 20 | {'type':'list','button':'Choose your shipping!','sections':[{'rows':[{'id':'a','title':'A'}]}]} | invalid_message | at most 20",
      "sections without titles | {'type':'list','button':'Go','sections':[{'rows':[{'id':'a','title':'A'}]},{'rows':[{'id':'b','title':'B'}]}]} | invalid_message | needs a title",
      "a row description over 72 | {'type':'list','button':'Go','sections':[{'rows':[{'id':'a','title':'A','description':'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}]}]} | invalid_message | at most 72",
      "duplicate row ids | {'type':'list','button':'Go','sections':[{'title':'S1','rows':[{'id':'a','title':'A'}]},{'title':'S2','rows':[{'id':'a','title':'B'}]}]} | invalid_message | unique",
      "an empty list | {'type':'list','button':'Go','sections':[{'rows':[]}]} | invalid_message | 1 to 10 rows",
      "an unknown type | {'type':'carousel'} | invalid_message | carousel",
  })
  void whatWhatsAppCannotShowIsRefusedWithoutACall(String what, String json, String code, String hint) {
    SendOutcome outcome = send("Choose", new JsonObject(json.replace('\'', '"')));

    assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo(code);
      assertThat(failure.detail()).contains(hint);
    });
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void elevenRowsAreMoreThanAListTakes() {
    JsonArray rows = new JsonArray();
    IntStream.range(0, 11).forEach(i -> rows.add(new JsonObject().put("id", "r" + i).put("title", "Row " + i)));

    SendOutcome outcome = send("Pick", new JsonObject().put("type", "list").put("button", "Rows")
        .put("sections", new JsonArray().add(new JsonObject().put("rows", rows))));

    assertThat(outcome).extracting("code", "detail")
        .containsExactly("invalid_message", "a list needs 1 to 10 rows in all, not 11");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void buttonsNeedABodyOfAtMost1024Characters() {
    JsonObject yes = buttons(button("yes", "Yes"));

    assertThat(send(null, yes)).extracting("code").isEqualTo("invalid_message");
    assertThat(send("b".repeat(1025), yes)).extracting("detail").asString().contains("at most 1024");
    assertThat(send("b".repeat(1024), yes)).isInstanceOf(SendOutcome.Sent.class);
    assertThat(api.requests()).hasSize(1);
  }
}
