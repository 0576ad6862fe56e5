package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.RECEIVED_AT;
import static dev.switchboard.channel.evolution.EvoWebhooks.events;
import static dev.switchboard.channel.evolution.EvoWebhooks.extras;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static dev.switchboard.channel.evolution.EvoWebhooks.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** messages.update receipts in every shape, and deletions/edits reported outside upserts. */
class EvoStatusDecodingTest {

  private static JsonObject withStatus(Object status) {
    JsonObject body = json("messages-update.json");
    body.getJsonObject("data").put("status", status);
    return body;
  }

  @Test
  void twoThreeReceiptKeyedByKeyId() {
    StatusUpdate s = only("messages-update.json", StatusUpdate.class);

    assertThat(s.status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(s.platformMessageId()).isEqualTo("3EB06664456CEB540ACCEB31333296464363194A");
    assertThat(s.idempotencyKey())
        .isEqualTo("xpayment:status:3EB06664456CEB540ACCEB31333296464363194A:DELIVERY_ACK");
    assertThat(s.accountRef()).isEqualTo("xpayment");
    assertThat(s.recipientId()).isEqualTo("5231387607239@lid");
    assertThat(s.occurredAt()).isEqualTo(RECEIVED_AT);
    assertThat(s.errors()).isEmpty();
    JsonObject extras = extras(s.extrasJson());
    assertThat(extras.getString("evolutionStatus")).isEqualTo("DELIVERY_ACK");
    assertThat(extras.getBoolean("fromMe")).isTrue();
  }

  @Test
  void statusNamesMapOntoTheCanonicalStatuses() {
    Map<String, MessageStatus> expected = Map.of("SERVER_ACK", MessageStatus.SENT,
        "DELIVERY_ACK", MessageStatus.DELIVERED, "READ", MessageStatus.READ,
        "PLAYED", MessageStatus.READ, "ERROR", MessageStatus.FAILED, "read", MessageStatus.READ);
    expected.forEach((name, status) ->
        assertThat(only(withStatus(name), StatusUpdate.class).status()).as(name).isEqualTo(status));
    assertThat(only(withStatus("ERROR"), StatusUpdate.class).errors())
        .containsExactly(EvoStatusDecoder.DELIVERY_ERROR);
  }

  @Test
  void readAndPlayedAreDistinctEventsOfTheSameMessage() {
    assertThat(only(withStatus("READ"), StatusUpdate.class).idempotencyKey())
        .isNotEqualTo(only(withStatus("PLAYED"), StatusUpdate.class).idempotencyKey());
  }

  @Test
  void pendingIsUnhandled() {
    PlatformNotice n = only(withStatus("PENDING"), PlatformNotice.class);

    assertThat(n.kind()).isEqualTo(Kind.UNHANDLED);
    assertThat(n.detail()).isEqualTo("messages.update:PENDING");
    assertThat(n.idempotencyKey())
        .isEqualTo("xpayment:status:3EB06664456CEB540ACCEB31333296464363194A:PENDING");
  }

  @Test
  void oneXShapeUsesIdAndItsDatetime() {
    StatusUpdate s = only("v1-messages-update.json", StatusUpdate.class);

    assertThat(s.status()).isEqualTo(MessageStatus.READ);
    assertThat(s.platformMessageId()).isEqualTo("3EB0E5226B8A631E36A06E");
    assertThat(s.idempotencyKey())
        .isEqualTo("whatsapp_instance_sergio:status:3EB0E5226B8A631E36A06E:READ");
    assertThat(s.occurredAt()).isEqualTo(Instant.ofEpochMilli(1700836790123L));
    assertThat(s.recipientId()).isEqualTo("553199668527@s.whatsapp.net");
  }

  @Test
  void baileysShapeWithNumericStatusesInAnArrayIsOneReceiptEach() {
    List<InboundEvent> events = events("messages-update-baileys.json");

    assertThat(events).hasSize(2).allMatch(StatusUpdate.class::isInstance);
    assertThat(events).extracting(e -> ((StatusUpdate) e).status())
        .containsExactly(MessageStatus.DELIVERED, MessageStatus.READ);
    assertThat(events).extracting(InboundEvent::idempotencyKey).containsExactly(
        "whatsapp_instance_sergio:status:3EB0E5226B8A631E36A06E:DELIVERY_ACK",
        "whatsapp_instance_sergio:status:3EB0E5226B8A631E36A06E:READ");
  }

  @Test
  void numericStatusesMatchBaileysOrder() {
    assertThat(only(withStatus(2), StatusUpdate.class).status()).isEqualTo(MessageStatus.SENT);
    assertThat(only(withStatus(0), StatusUpdate.class).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(only(withStatus("5"), StatusUpdate.class).status()).isEqualTo(MessageStatus.READ);
    assertThat(only(withStatus(1), PlatformNotice.class).detail()).isEqualTo("messages.update:PENDING");
  }

  @Test
  void aReceiptWithoutIdOrStatusIsUndecodable() {
    JsonObject noId = json("messages-update.json");
    noId.getJsonObject("data").remove("keyId");

    for (JsonObject body : List.of(noId, withStatus(null), withStatus(99), withStatus(new JsonArray()))) {
      PlatformNotice n = only(body, PlatformNotice.class);
      assertThat(n.kind()).isEqualTo(Kind.UNDECODABLE);
      assertThat(n.detail()).isEqualTo("messages.update");
    }
  }

  @Test
  void deletedStatusIsARevokeOfThatMessage() {
    InboundMessage m = only("messages-update-deleted.json", InboundMessage.class);

    assertThat(m.type()).isEqualTo(MessageType.REVOKE);
    assertThat(m.relatedMessageId()).isEqualTo("3A565F258A63FBA13770");
    assertThat(m.platformMessageId()).isEqualTo("revoke:3A565F258A63FBA13770");
    assertThat(m.idempotencyKey()).isEqualTo("xpayment:revoke:3A565F258A63FBA13770");
    assertThat(m.contact().platformUserId()).isEqualTo("77000000000@s.whatsapp.net");
    assertThat(m.chatId()).isEqualTo("77000000000@s.whatsapp.net");
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.author()).isEqualTo(Author.CONTACT);
  }

  @Test
  void messagesDeleteIsTheSameRevokeAsADeletedStatus() {
    InboundMessage viaDelete = only("messages-delete.json", InboundMessage.class);
    InboundMessage viaUpdate = only("messages-update-deleted.json", InboundMessage.class);

    assertThat(viaDelete.type()).isEqualTo(MessageType.REVOKE);
    assertThat(viaDelete.idempotencyKey()).isEqualTo(viaUpdate.idempotencyKey());
    assertThat(viaDelete.relatedMessageId()).isEqualTo("3A565F258A63FBA13770");
  }

  @Test
  void deletingTheBusinessesOwnMessageDoesNotLookLikeAHumanReply() {
    JsonObject body = json("messages-delete.json");
    body.getJsonObject("data").put("fromMe", true);

    InboundMessage m = only(body, InboundMessage.class);

    assertThat(m.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(m.author()).isEqualTo(Author.BUSINESS_API);
  }

  @Test
  void messagesEditedIsAnEditOfTheOriginal() {
    InboundMessage m = only("messages-edited.json", InboundMessage.class);

    assertThat(m.type()).isEqualTo(MessageType.EDIT);
    assertThat(m.relatedMessageId()).isEqualTo("3A99E9FE969F341B7D3D");
    assertThat(m.text()).isEqualTo("Check the read and delivered status");
    assertThat(m.platformMessageId()).isEqualTo("edit:3A99E9FE969F341B7D3D:1781360200000");
    assertThat(m.idempotencyKey()).isEqualTo("xpayment:edit:3A99E9FE969F341B7D3D:1781360200000");
    assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochMilli(1781360200000L));
  }

  @Test
  void messagesEditedWithRevokeTypeIsTheSameRevoke() {
    JsonObject body = json("messages-edited.json");
    body.getJsonObject("data").put("type", "REVOKE").remove("editedMessage");

    assertThat(only(body, InboundMessage.class).idempotencyKey())
        .isEqualTo("xpayment:revoke:3A99E9FE969F341B7D3D");
  }
}
