package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.RECEIVED_AT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.epoch;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.event;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.eventOf;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.extras;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.ContactState;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** callback_query, message_reaction, my_chat_member and chat_member on real payloads. */
class UpdateInteractionDecodingTest {

  @Test
  void aButtonPressCarriesItsDataAndTheLabelTheUserSaw() {
    InboundMessage m = message("callback-query-keyboard.json");

    assertThat(m.type()).isEqualTo(MessageType.INTERACTIVE);
    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":935505784");
    assertThat(m.platformMessageId()).isEqualTo("cbq:1195222691715899675");
    assertThat(m.interactive().kind()).isEqualTo("callback_query");
    assertThat(m.interactive().id()).isEqualTo("{\"Task\":\"nextitem\",\"Word\":\"Aud\",\"Index\":1}");
    assertThat(m.interactive().title()).isEqualTo("Next item");
    assertThat(m.chatId()).isEqualTo("278284468");
    assertThat(m.replyToMessageId()).isEqualTo("278284468:1507");
    assertThat(m.contact().platformUserId()).isEqualTo("278284468");
    assertThat(m.contact().displayName()).isEqualTo("Artem Kormiltsev");
    assertThat(m.occurredAt()).isEqualTo(RECEIVED_AT);
    JsonObject extras = extras(m);
    assertThat(extras.getString("callbackQueryId")).isEqualTo("1195222691715899675");
    assertThat(extras.getString("chatInstance")).isEqualTo("-6024425003900926239");
  }

  @Test
  void aButtonOnAnInlineMessageHasNoMessageSoTheChatIsTheUser() {
    InboundMessage m = message("guide-callback-inline.json");

    assertThat(m.platformMessageId()).isEqualTo("cbq:4382bfdwdsb323b2d9");
    assertThat(m.chatId()).isEqualTo("1111111");
    assertThat(m.replyToMessageId()).isNull();
    assertThat(m.interactive().id()).isEqualTo("Data from button callback");
    assertThat(m.interactive().title()).isNull();
    assertThat(extras(m).getString("inlineMessageId")).isEqualTo("1234csdbsk4839");
  }

  @Test
  void aGameButtonUsesTheGameShortName() {
    InboundMessage m = (InboundMessage) eventOf("{\"update_id\":5,\"callback_query\":{\"id\":\"9\","
        + "\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":\"A\"},\"chat_instance\":\"1\","
        + "\"game_short_name\":\"tetris\"}}");

    assertThat(m.interactive().id()).isEqualTo("tetris");
    assertThat(extras(m).getString("gameShortName")).isEqualTo("tetris");
  }

  @Test
  void aReactionTargetsTheMessageInItsChat() {
    InboundMessage m = message("reaction.json");

    assertThat(m.type()).isEqualTo(MessageType.REACTION);
    assertThat(m.reaction().targetMessageId()).isEqualTo("-1002184233434:35");
    assertThat(m.reaction().emoji()).isEqualTo("🌭");
    assertThat(m.reaction().removed()).isFalse();
    assertThat(m.contact().platformUserId()).isEqualTo("1459074222");
    assertThat(m.chatId()).isEqualTo("-1002184233434");
    assertThat(m.platformMessageId())
        .isEqualTo("reaction:-1002184233434:35:1459074222:71651249");
    assertThat(m.occurredAt()).isEqualTo(epoch(1721306082));
  }

  @Test
  void aRemovedReactionByAnAnonymousAdminIsFromTheirChat() {
    InboundMessage m = message("reaction-removed-actor-chat.json");

    assertThat(m.reaction().removed()).isTrue();
    assertThat(m.reaction().emoji()).isEmpty();
    assertThat(m.contact().platformUserId()).isEqualTo("-1002199793788");
    assertThat(m.contact().displayName()).isEqualTo("тест");
    assertThat(extras(m).getJsonArray("oldReaction").getJsonObject(0).getString("emoji"))
        .isEqualTo("❤");
  }

  @Test
  void theLastPlainEmojiWinsThenCustomThenPaid() {
    assertThat(UpdateReactionDecoder.emoji(new JsonArray(
        "[{\"type\":\"emoji\",\"emoji\":\"👍\"},{\"type\":\"custom_emoji\",\"custom_emoji_id\":\"55\"},"
            + "{\"type\":\"emoji\",\"emoji\":\"🔥\"}]"))).isEqualTo("🔥");
    assertThat(UpdateReactionDecoder.emoji(new JsonArray(
        "[{\"type\":\"paid\"},{\"type\":\"custom_emoji\",\"custom_emoji_id\":\"55\"}]")))
        .isEqualTo("custom_emoji:55");
    assertThat(UpdateReactionDecoder.emoji(new JsonArray("[{\"type\":\"paid\"}]")))
        .isEqualTo("paid");
    assertThat(UpdateReactionDecoder.emoji(new JsonArray(
        "[{\"type\":\"reaction_from_the_future\"}]"))).isEqualTo("reaction_from_the_future");
  }

  @Test
  void blockingTheBotInAPrivateChatIsAContactState() {
    ContactState blocked = (ContactState) event("my-chat-member-blocked.json");
    assertThat(blocked.blocked()).isTrue();
    assertThat(blocked.contact().platformUserId()).isEqualTo("5342492667");
    assertThat(blocked.contact().displayName()).isEqualTo("Nelson II");
    assertThat(blocked.occurredAt()).isEqualTo(epoch(1737277000));
    assertThat(blocked.idempotencyKey()).isEqualTo(BOT + ":600000001");
    assertThat(blocked.accountRef()).isEqualTo(BOT);
    assertThat(blocked.eventType()).isEqualTo("contact:blocked");

    ContactState unblocked = (ContactState) event("my-chat-member-unblocked.json");
    assertThat(unblocked.blocked()).isFalse();
    assertThat(unblocked.eventType()).isEqualTo("contact:unblocked");
  }

  @Test
  void theBotAddedToAGroupIsASystemMessageThere() {
    InboundMessage m = message("my-chat-member-group-added.json");

    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.chatId()).isEqualTo("-4726613835");
    assertThat(m.platformMessageId()).isEqualTo("member:-4726613835:7172552019:600000003");
    assertThat(m.contact().platformUserId()).isEqualTo("5342492667");
    JsonObject extras = extras(m);
    assertThat(extras.getString("system")).isEqualTo("my_chat_member");
    assertThat(extras.getString("oldStatus")).isEqualTo("left");
    assertThat(extras.getString("newStatus")).isEqualTo("member");
  }

  @Test
  void anotherMembersChangeNamesThatMember() {
    InboundMessage m = message("chat-member-channel.json");

    assertThat(m.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(m.chatId()).isEqualTo("-1001743416957");
    assertThat(m.platformMessageId()).isEqualTo("member:-1001743416957:1868349823:13671559");
    JsonObject extras = extras(m);
    assertThat(extras.getString("system")).isEqualTo("chat_member");
    assertThat(extras.getString("userId")).isEqualTo("1868349823");
    assertThat(extras.getString("newStatus")).isEqualTo("member");
  }

  @Test
  void aMemberUpdateWithoutItsChatIsUndecodableButAccepted() {
    PlatformNotice n = (PlatformNotice) eventOf(
        "{\"update_id\":7,\"my_chat_member\":{\"from\":{\"id\":1},\"date\":1}}");

    assertThat(n.kind()).isEqualTo(PlatformNotice.Kind.UNDECODABLE);
    assertThat(n.detail()).isEqualTo("my_chat_member: chat id missing");
    assertThat(n.idempotencyKey()).isEqualTo(BOT + ":7");
  }
}
