package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.RECEIVED_AT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.epoch;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.eventOf;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A message-like update the decoder cannot fully read is still a message: UNSUPPORTED, flagged,
 * with the whole update as raw JSON and whatever ids, chat and sender could be read.
 */
class UpdateUndecodableMessageTest {

  private static InboundMessage undecodable(String json, String reason) {
    InboundMessage m = (InboundMessage) eventOf(json);
    assertThat(m.undecodable()).isEqualTo(reason);
    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.eventType()).isEqualTo("message:undecodable");
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.author()).isEqualTo(Author.CONTACT);
    assertThat(m.accountRef()).isEqualTo(BOT);
    assertThat(m.editedAt()).isNull();
    assertThat(new JsonObject(m.rawJson())).isEqualTo(new JsonObject(json));
    return m;
  }

  @Test
  void aMessageWithoutItsChatKeepsItsSender() {
    // the webhook guide's text sample without its chat
    JsonObject update = new JsonObject(new String(fixture("guide-text.json"), StandardCharsets.UTF_8));
    update.getJsonObject("message").remove("chat");

    InboundMessage m = undecodable(update.encode(), "message: chat id missing");

    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":10000");
    assertThat(m.platformMessageId()).isEqualTo("undecodable:" + BOT + ":10000");
    assertThat(m.chatId()).isNull();
    assertThat(m.contact().platformUserId()).isEqualTo("1111111");
    assertThat(m.contact().displayName()).isEqualTo("Test Firstname Test Lastname");
    assertThat(m.occurredAt()).isEqualTo(epoch(1441645532));
  }

  @Test
  void aMessageWhoseSenderHasNoIdKeepsItsChatAndPlatformId() {
    InboundMessage m = undecodable("{\"update_id\":1,\"message\":{\"message_id\":2,\"chat\":{\"id\":1},"
        + "\"from\":{\"first_name\":\"no id\"},\"date\":1700000000,\"text\":\"hi\"}}", "message: sender missing");

    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":1");
    assertThat(m.platformMessageId()).isEqualTo("1:2");
    assertThat(m.chatId()).isEqualTo("1");
    assertThat(m.contact()).isNull();
    assertThat(m.occurredAt()).isEqualTo(epoch(1700000000));
  }

  @Test
  void otherUnreadableMessageShapes() {
    InboundMessage noId = undecodable("{\"update_id\":1,\"message\":{\"chat\":{\"id\":1},\"date\":1}}",
        "message: message_id missing");
    assertThat(noId.chatId()).isEqualTo("1");
    assertThat(noId.platformMessageId()).isEqualTo("undecodable:" + BOT + ":1");

    InboundMessage notAnObject = undecodable("{\"update_id\":1,\"edited_message\":\"gone\"}",
        "edited_message: not an object");
    assertThat(notAnObject.chatId()).isNull();
    assertThat(notAnObject.contact()).isNull();
    assertThat(notAnObject.occurredAt()).isEqualTo(RECEIVED_AT);

    undecodable("{\"update_id\":1,\"message\":{\"message_id\":2,\"chat\":{\"id\":1},"
        + "\"migrate_to_chat_id\":\"-100\"}}", "message: migrate_to_chat_id is not an id");
    undecodable("{\"update_id\":2,\"x_future\":{},\"message\":{\"message_id\":0,\"chat\":{\"id\":3}}}",
        "message: scheduled message (message_id 0)");
  }

  @Test
  void aMessageWithoutUpdateIdIsKeyedByTheHashOfTheBody() throws Exception {
    String body = "{\"message\":{\"message_id\":1,\"chat\":{\"id\":1},\"date\":1,\"text\":\"hi\"}}";
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(body.getBytes(StandardCharsets.UTF_8)));

    InboundMessage m = undecodable(body, "update_id missing");

    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":sha256:" + hex);
    assertThat(m.platformMessageId()).isEqualTo("1:1");
    assertThat(m.chatId()).isEqualTo("1");
    assertThat(m.contact().platformUserId()).as("a message without from is the chat's").isEqualTo("1");
  }

  @Test
  void aNonNumericUpdateIdIsMissing() {
    for (String id : new String[] {"\"10000\"", "1.5", "null", "true", "{}", "1e3",
        "99999999999999999999999"}) {
      InboundMessage m = (InboundMessage) eventOf("{\"update_id\":" + id + ",\"message\":{}}");
      assertThat(m.undecodable()).as(id).isEqualTo("update_id missing");
      assertThat(m.idempotencyKey()).contains(":sha256:");
    }
  }
}
