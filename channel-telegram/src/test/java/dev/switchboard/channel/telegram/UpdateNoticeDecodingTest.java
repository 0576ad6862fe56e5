package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.RECEIVED_AT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.epoch;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.event;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.eventOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What is acknowledged without being a message: unhandled kinds and undecodable items that are no message. */
class UpdateNoticeDecodingTest {

  @ParameterizedTest
  @CsvSource({
      "guide-inline-query.json, inline_query",
      "guide-chosen-inline-result.json, chosen_inline_result",
      "reaction-count.json, message_reaction_count",
      "chat-boost.json, chat_boost",
      "new-update-kind.json, new_update_kind"})
  void updateKindsThisChannelDoesNotMapAreUnhandledNotices(String fixture, String kind) {
    PlatformNotice n = (PlatformNotice) event(fixture);

    assertThat(n.kind()).isEqualTo(Kind.UNHANDLED);
    assertThat(n.detail()).isEqualTo(kind);
    assertThat(n.accountRef()).isEqualTo(BOT);
    assertThat(n.eventType()).isEqualTo("notice:unhandled");
    assertThat(n.idempotencyKey()).startsWith(BOT + ":").doesNotContain("sha256");
  }

  @Test
  void theUnhandledNoticeKeepsThatObjectAndItsDate() {
    PlatformNotice n = (PlatformNotice) event("reaction-count.json");

    assertThat(n.idempotencyKey()).isEqualTo(BOT + ":71651251");
    assertThat(new JsonObject(n.rawJson()).getLong("message_id")).isEqualTo(36L);
    assertThat(n.occurredAt()).isEqualTo(epoch(1721306391));
  }

  @Test
  void otherDocumentedKindsAreUnhandledToo() {
    for (String kind : new String[] {"poll", "poll_answer", "chat_join_request",
        "deleted_business_messages", "business_connection", "removed_chat_boost",
        "shipping_query", "pre_checkout_query", "purchased_paid_media"}) {
      PlatformNotice n = (PlatformNotice) eventOf("{\"update_id\":3,\"" + kind + "\":{\"id\":\"x\"}}");
      assertThat(n.kind()).as(kind).isEqualTo(Kind.UNHANDLED);
      assertThat(n.detail()).isEqualTo(kind);
      assertThat(n.occurredAt()).isEqualTo(RECEIVED_AT);
    }
  }

  @Test
  void anItemOfTheWrongShapeThatIsNoMessageIsAnUndecodableNotice() {
    assertUndecodable("{\"update_id\":1,\"callback_query\":{\"from\":{\"id\":1}}}",
        "callback_query: id missing");
    assertUndecodable("{\"update_id\":1,\"callback_query\":{\"id\":\"q\"}}",
        "callback_query: from missing");
    assertUndecodable("{\"update_id\":1,\"message_reaction\":{\"chat\":{\"id\":1},\"message_id\":1}}",
        "message_reaction: user or actor_chat missing");
    assertUndecodable("{\"update_id\":1}", "update kind missing");
  }

  @Test
  void aButtonPressWithoutUpdateIdIsAnUndecodableNoticeKeyedByTheHashOfItsBody() throws Exception {
    String body = "{\"callback_query\":{\"id\":\"q\",\"from\":{\"id\":1},\"data\":\"x\"}}";
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(body.getBytes(StandardCharsets.UTF_8)));

    PlatformNotice n = (PlatformNotice) eventOf(body);

    assertThat(n.kind()).isEqualTo(Kind.UNDECODABLE);
    assertThat(n.detail()).isEqualTo("update_id missing");
    assertThat(n.idempotencyKey()).isEqualTo(BOT + ":sha256:" + hex);
  }

  private static void assertUndecodable(String body, String detail) {
    PlatformNotice n = (PlatformNotice) eventOf(body);
    assertThat(n.kind()).isEqualTo(Kind.UNDECODABLE);
    assertThat(n.detail()).isEqualTo(detail);
    assertThat(n.idempotencyKey()).isEqualTo(BOT + ":1");
    assertThat(n.eventType()).isEqualTo("notice:undecodable");
  }
}
