package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.LEGACY_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.META_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.PYWA_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.RECEIVED_AT;
import static dev.switchboard.channel.whatsapp.Webhooks.epoch;
import static dev.switchboard.channel.whatsapp.Webhooks.events;
import static dev.switchboard.channel.whatsapp.Webhooks.fixture;
import static dev.switchboard.channel.whatsapp.Webhooks.onlyMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing of entries and changes, echoes, notices, and idempotency keys. */
class RoutingAndNoticeTest {

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonObject firstChange(String fixture) {
    return new JsonObject(new String(fixture(fixture), StandardCharsets.UTF_8))
        .getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0);
  }

  @Test
  void webhookLevelErrorsBecomeOneErrorNotice() throws Exception {
    List<InboundEvent> events = events("webhook-errors.json", PYWA_PHONE);

    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(InboundMessage.class);
    PlatformNotice n = (PlatformNotice) events.get(1);
    assertThat(n.kind()).isEqualTo(Kind.ERROR);
    assertThat(n.eventType()).isEqualTo("notice:error");
    assertThat(n.errors()).containsExactly(new PlatformError("131000", "Something went wrong",
        "Something went wrong", "Unsupported webhook payload"));
    assertThat(n.detail()).isEqualTo("131000");
    assertThat(n.accountRef()).isEqualTo(PYWA_PHONE);
    String change = firstChange("webhook-errors.json").encode();
    assertThat(n.rawJson()).isEqualTo(change);
    // no entry.time in this payload: the scope is the entry id and "null"
    assertThat(n.idempotencyKey()).isEqualTo("error:" + sha256("1234567890987654321|null\u0000" + change));
  }

  @Test
  void unhandledFieldBecomesOneNotice() throws Exception {
    List<InboundEvent> events = events("template-status-update.json", PYWA_PHONE);

    assertThat(events).singleElement().isInstanceOfSatisfying(PlatformNotice.class, n -> {
      assertThat(n.kind()).isEqualTo(Kind.UNHANDLED);
      assertThat(n.detail()).isEqualTo("message_template_status_update");
      assertThat(n.occurredAt()).isEqualTo(epoch(1698268000L)); // entry.time
      assertThat(n.accountRef()).isNull();
      assertThat(new JsonObject(n.rawJson()).getJsonObject("value").getString("event"))
          .isEqualTo("APPROVED");
    });
    String change = firstChange("template-status-update.json").encode();
    assertThat(events.get(0).idempotencyKey())
        .isEqualTo("unhandled:" + sha256("57438975935|1698268000\u0000" + change));
  }

  @Test
  void foreignPhoneNumberIdBecomesOneNoticeAndNothingElse() {
    // text.json is addressed to 27681414235104944; this tenant's number is another one
    List<InboundEvent> events = events("text.json", META_PHONE);

    assertThat(events).singleElement().isInstanceOfSatisfying(PlatformNotice.class, n -> {
      assertThat(n.kind()).isEqualTo(Kind.FOREIGN_ACCOUNT);
      assertThat(n.detail()).isEqualTo(LEGACY_PHONE);
      assertThat(n.accountRef()).isEqualTo(LEGACY_PHONE);
      assertThat(n.idempotencyKey()).startsWith("foreign_account:");
      assertThat(n.rawJson()).doesNotContain("\"entry\"");
      assertThat(n.occurredAt()).isEqualTo(RECEIVED_AT);
    });
  }

  @Test
  void foreignPhoneNumberIdOnStatusesAndEchoesToo() {
    assertThat(events("status-read.json", META_PHONE)).singleElement()
        .isInstanceOfSatisfying(PlatformNotice.class,
            n -> assertThat(n.kind()).isEqualTo(Kind.FOREIGN_ACCOUNT));
    assertThat(events("smb-message-echo.json", PYWA_PHONE)).singleElement()
        .isInstanceOfSatisfying(PlatformNotice.class,
            n -> assertThat(n.detail()).isEqualTo(META_PHONE));
  }

  @Test
  void otherTopLevelObjectIsOneUnhandledNotice() {
    List<InboundEvent> events = events("object-page.json", META_PHONE);

    assertThat(events).singleElement().isInstanceOfSatisfying(PlatformNotice.class, n -> {
      assertThat(n.kind()).isEqualTo(Kind.UNHANDLED);
      assertThat(n.detail()).isEqualTo("object:page");
      assertThat(n.idempotencyKey()).startsWith("unhandled:");
    });
  }

  @Test
  void businessAppEchoIsAnOutboundMessageByAHuman() {
    InboundMessage m = onlyMessage("smb-message-echo.json", META_PHONE);

    assertThat(m.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(m.author()).isEqualTo(Author.BUSINESS_HUMAN);
    assertThat(m.eventType()).isEqualTo("message:echo");
    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text())
        .isEqualTo("Here's the info you requested! https://www.meta.com/quest/quest-3/");
    assertThat(m.contact()).isEqualTo(new ContactRef("16505551234", "16505551234", null, null));
    assertThat(m.chatId()).isEqualTo("16505551234");
    assertThat(m.platformMessageId())
        .isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=");
    assertThat(m.idempotencyKey()).isEqualTo(m.platformMessageId());
    assertThat(m.accountRef()).isEqualTo(META_PHONE);
    assertThat(m.occurredAt()).isEqualTo(epoch(1739321024L));
  }

  @Test
  void batchedCallKeepsEveryEventInOrder() {
    List<InboundEvent> events = events("batched.json", META_PHONE);

    assertThat(events).extracting(InboundEvent::eventType).containsExactly(
        "message", "message", "message", "status", "status", "notice:unhandled",
        "notice:unhandled");
    assertThat(events).extracting(InboundEvent::idempotencyKey).startsWith(
        "wamid.BATCH1", "wamid.BATCH2", "wamid.BATCH3", "status:wamid.OUT1:delivered",
        "status:wamid.OUT1:read");
    assertThat(events).extracting(InboundEvent::idempotencyKey).doesNotHaveDuplicates();

    InboundMessage first = (InboundMessage) events.get(0);
    InboundMessage second = (InboundMessage) events.get(1);
    InboundMessage third = (InboundMessage) events.get(2);
    assertThat(first.contact().displayName()).isEqualTo("Sheena Nelson");
    assertThat(first.text()).isEqualTo("first");
    assertThat(second.contact().displayName()).isEqualTo("Kerry Fisher");
    assertThat(second.occurredAt()).isEqualTo(epoch(1739321025L));
    assertThat(third.type()).isEqualTo(MessageType.REACTION);
    assertThat(third.reaction().emoji()).isEqualTo("\uD83D\uDC4D");
    assertThat(((StatusUpdate) events.get(4)).status()).isEqualTo(MessageStatus.READ);
    assertThat(((PlatformNotice) events.get(5)).detail())
        .isEqualTo("message_template_status_update");
    assertThat(((PlatformNotice) events.get(6)).detail()).isEqualTo("account_update");
    assertThat(events.subList(0, 5)).allSatisfy(
        e -> assertThat(e.accountRef()).isEqualTo(META_PHONE));
  }

  @Test
  void contactsAreMatchedByWaIdNotByPosition() {
    List<InboundEvent> events = events("contacts-out-of-order.json", META_PHONE);

    assertThat(events).extracting(e -> ((InboundMessage) e).contact()).containsExactly(
        new ContactRef("16315551234", "16315551234", "Kerry Fisher", null),
        new ContactRef("16505551234", "16505551234", "Sheena Nelson", null),
        new ContactRef("19405551234", "19405551234", null, null));
  }

  @Test
  void sameBytesGiveTheSameEventsAndKeys() {
    for (String fixture : List.of("batched.json", "webhook-errors.json", "text.json",
        "status-played-and-deleted.json", "object-page.json")) {
      List<InboundEvent> once = events(fixture, META_PHONE);
      List<InboundEvent> again = events(fixture, META_PHONE);
      assertThat(again).as(fixture).isEqualTo(once);
    }
  }

  @Test
  void distinctNoticesGetDistinctKeys() {
    List<InboundEvent> b = events("batched.json", META_PHONE);

    assertThat(b.get(5).idempotencyKey()).isNotEqualTo(b.get(6).idempotencyKey());
  }

  @Test
  void theSameNoticeDeliveredAgainLaterIsANewEventButARetryIsNot() {
    // the same template approved twice: identical change JSON, another entry time
    String first = new String(fixture("template-status-update.json"), java.nio.charset.StandardCharsets.UTF_8);
    String later = first.replace("\"time\": 1698268000", "\"time\": 1698269999");
    assertThat(later).isNotEqualTo(first);

    String firstKey = Webhooks.decodeBody(first, META_PHONE).get(0).idempotencyKey();
    String retryKey = Webhooks.decodeBody(first, META_PHONE).get(0).idempotencyKey();
    String laterKey = Webhooks.decodeBody(later, META_PHONE).get(0).idempotencyKey();

    assertThat(retryKey).as("Meta's retry resends the same bytes").isEqualTo(firstKey);
    assertThat(laterKey).as("a second, real notice is not a duplicate").isNotEqualTo(firstKey);
  }
}
