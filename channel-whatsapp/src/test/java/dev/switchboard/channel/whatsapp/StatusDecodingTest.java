package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.DASHBOARD_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.PYWA_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.epoch;
import static dev.switchboard.channel.whatsapp.Webhooks.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** statuses[]: receipts for messages the business sent. */
class StatusDecodingTest {

  private static StatusUpdate onlyStatus(String fixture, String phone) {
    List<InboundEvent> events = events(fixture, phone);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).isInstanceOf(StatusUpdate.class);
    return (StatusUpdate) events.get(0);
  }

  @Test
  void sentWithPerMessagePricing() {
    StatusUpdate s = onlyStatus("status-sent-pmp.json", DASHBOARD_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.SENT);
    assertThat(s.platformMessageId()).isEqualTo("ABGGFlA5Fpa");
    assertThat(s.idempotencyKey()).isEqualTo("status:ABGGFlA5Fpa:sent");
    assertThat(s.recipientId()).isEqualTo("16315551181");
    assertThat(s.accountRef()).isEqualTo(DASHBOARD_PHONE);
    assertThat(s.occurredAt()).isEqualTo(epoch(1504902988L));
    assertThat(s.eventType()).isEqualTo("status");
    assertThat(s.errors()).isEmpty();
    JsonObject extras = new JsonObject(s.extrasJson());
    assertThat(extras.fieldNames()).containsExactlyInAnyOrder("conversation", "pricing");
    assertThat(extras.getJsonObject("pricing")).isEqualTo(new JsonObject()
        .put("billable", true).put("pricing_model", "PMP").put("type", "regular")
        .put("category", "marketing"));
    assertThat(extras.getJsonObject("conversation").getString("expiration_timestamp"))
        .isEqualTo("1504903988");
    assertThat(new JsonObject(s.rawJson()).getString("recipient_user_id"))
        .isEqualTo("US.13491208655302741918");
  }

  @Test
  void deliveredToAUserKnownOnlyByItsBusinessScopedId() {
    StatusUpdate s = onlyStatus("status-delivered-business-scoped.json", DASHBOARD_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(s.platformMessageId()).isEqualTo("ABGGFlA5Fpa");
    assertThat(s.idempotencyKey()).isEqualTo("status:ABGGFlA5Fpa:delivered");
    assertThat(s.recipientId()).isEqualTo("US.13491208655302741918");
  }

  @Test
  void sentWithCallbackData() {
    StatusUpdate s = onlyStatus("status-sent-with-tracker.json", PYWA_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.SENT);
    JsonObject extras = new JsonObject(s.extrasJson());
    assertThat(extras.getString("biz_opaque_callback_data")).isEqualTo("some data");
    assertThat(extras.getJsonObject("pricing").getString("pricing_model")).isEqualTo("CBP");
    assertThat(extras.getJsonObject("conversation").getJsonObject("origin").getString("type"))
        .isEqualTo("service");
  }

  @Test
  void delivered() {
    StatusUpdate s = onlyStatus("status-delivered.json", PYWA_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(s.platformMessageId()).isEqualTo("wamid.xyzxyz");
    assertThat(s.idempotencyKey()).isEqualTo("status:wamid.xyzxyz:delivered");
    assertThat(s.recipientId()).isEqualTo("972987654321");
    assertThat(s.occurredAt()).isEqualTo(epoch(1698266945L));
    assertThat(s.accountRef()).isEqualTo(PYWA_PHONE);
  }

  @Test
  void read() {
    StatusUpdate s = onlyStatus("status-read.json", PYWA_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.READ);
    assertThat(s.idempotencyKey()).isEqualTo("status:wamid.xyzxyz:read");
    assertThat(s.occurredAt()).isEqualTo(epoch(1689380458L));
  }

  @Test
  void failedCarriesTheErrors() {
    StatusUpdate s = onlyStatus("status-failed.json", PYWA_PHONE);

    assertThat(s.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(s.idempotencyKey()).isEqualTo("status:wamid.xyzxyz:failed");
    assertThat(s.errors()).containsExactly(new PlatformError("130472",
        "User's number is part of an experiment", "User's number is part of an experiment",
        "Failed to send message because this user's phone number is part of an experiment"));
    assertThat(s.extrasJson()).isNull();
  }

  @Test
  void playedIsReadAndDeletedIsAnUnhandledNotice() {
    List<InboundEvent> events = events("status-played-and-deleted.json", PYWA_PHONE);

    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOfSatisfying(StatusUpdate.class, s -> {
      assertThat(s.status()).isEqualTo(MessageStatus.READ);
      assertThat(s.idempotencyKey()).isEqualTo("status:wamid.xyzxyz:played");
    });
    assertThat(events.get(1)).isInstanceOfSatisfying(PlatformNotice.class, n -> {
      assertThat(n.kind()).isEqualTo(PlatformNotice.Kind.UNHANDLED);
      assertThat(n.detail()).isEqualTo("status:deleted");
      assertThat(n.idempotencyKey()).startsWith("unhandled:").hasSize("unhandled:".length() + 64);
      assertThat(n.occurredAt()).isEqualTo(epoch(1689380460L));
      assertThat(new JsonObject(n.rawJson()).getString("status")).isEqualTo("deleted");
    });
  }
}
