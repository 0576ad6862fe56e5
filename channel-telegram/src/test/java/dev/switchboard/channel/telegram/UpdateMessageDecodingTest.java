package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.epoch;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.event;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.extras;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ChatMigration;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** message / channel_post / business_message (and their edits) on real payloads. */
class UpdateMessageDecodingTest {

  @Test
  void privateTextFromTheWebhookGuide() {
    InboundMessage m = message("guide-text.json");

    assertThat(m.type()).isEqualTo(MessageType.TEXT);
    assertThat(m.text()).isEqualTo("/start");
    assertThat(m.platformMessageId()).isEqualTo("1111111:1365");
    assertThat(m.chatId()).isEqualTo("1111111");
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.author()).isEqualTo(Author.CONTACT);
    assertThat(m.contact().platformUserId()).isEqualTo("1111111");
    assertThat(m.contact().displayName()).isEqualTo("Test Firstname Test Lastname");
    assertThat(m.contact().username()).isEqualTo("Testusername");
    assertThat(m.contact().phone()).isNull();
    assertThat(m.occurredAt()).isEqualTo(epoch(1441645532));
    assertThat(m.editedAt()).isNull();
    assertThat(m.eventType()).isEqualTo("message");
    assertThat(m.forwarded()).isZero();
    assertThat(new JsonObject(m.rawJson()).getLong("update_id")).isEqualTo(10000L);
  }

  @Test
  void capturedPrivateTextWithOnlyAFirstName() {
    InboundMessage m = message("private-text.json");

    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":306197398");
    assertThat(m.platformMessageId()).isEqualTo("408258968:154");
    assertThat(m.text()).isEqualTo("4");
    assertThat(m.contact().displayName()).isEqualTo("Hirrolot");
    assertThat(extras(m).getString("chatType")).isEqualTo("private");
    assertThat(extras(m).containsKey("fromBot")).isFalse();
  }

  @Test
  void groupIdsBeyond32BitsStayExact() {
    InboundMessage m = message("group-text.json");

    assertThat(m.chatId()).isEqualTo("-4165056164");
    assertThat(m.platformMessageId()).isEqualTo("-4165056164:118");
    assertThat(m.contact().platformUserId()).isEqualTo("133526395");
    assertThat(m.contact().displayName()).isEqualTo("Алексей Лещенко | Инвест-недвижимость");
    assertThat(extras(m).getString("chatType")).isEqualTo("group");
  }

  @Test
  void entitiesAreKeptInTheExtras() {
    InboundMessage m = message("guide-entities.json");

    assertThat(m.text()).isEqualTo("Bold and italics");
    JsonArray entities = extras(m).getJsonArray("entities");
    assertThat(entities).hasSize(2);
    assertThat(entities.getJsonObject(0).getString("type")).isEqualTo("italic");
  }

  @Test
  void anEditIsTheSameMessageWithItsEditTime() {
    InboundMessage original = message("guide-text.json");
    InboundMessage edit = message("guide-edited.json");

    assertThat(edit.platformMessageId()).isEqualTo(original.platformMessageId());
    assertThat(edit.chatId()).isEqualTo(original.chatId());
    assertThat(edit.text()).isEqualTo("Edited text");
    assertThat(edit.type()).isEqualTo(MessageType.TEXT);
    assertThat(edit.editedAt()).isEqualTo(epoch(1441646600));
    assertThat(edit.occurredAt()).isEqualTo(epoch(1441645532));
    assertThat(edit.eventType()).isEqualTo("message:edit");
  }

  @Test
  void replyPointsAtTheRepliedMessageInItsChat() {
    assertThat(message("guide-reply.json").replyToMessageId()).isEqualTo("1111112:1334");
    assertThat(message("topic-message.json").replyToMessageId()).isEqualTo("-1001847508954:4");
  }

  @Test
  void externalReplyNamesTheOtherChatAndTheQuoteIsKept() {
    InboundMessage m = message("external-reply.json");

    assertThat(m.replyToMessageId()).isEqualTo("-10000000000:77");
    assertThat(extras(m).getJsonObject("quote").getString("text")).isEqualTo("Original");
    assertThat(extras(m).getJsonObject("externalReply").getJsonObject("origin").getString("type"))
        .isEqualTo("channel");
  }

  @Test
  void forwardsAreFlaggedWithTheirOrigin() {
    InboundMessage legacy = message("guide-forwarded.json");
    assertThat(legacy.forwarded()).isEqualTo(1);
    assertThat(legacy.replyToMessageId()).isNull();
    assertThat(extras(legacy).getJsonObject("forwardOrigin").getJsonObject("forward_from")
        .getLong("id")).isEqualTo(222222L);

    InboundMessage channel = message("guide-forwarded-channel.json");
    assertThat(channel.forwarded()).isEqualTo(1);

    InboundMessage modern = message("forward-origin.json");
    assertThat(modern.forwarded()).isEqualTo(1);
    assertThat(extras(modern).getJsonObject("forwardOrigin").getString("type")).isEqualTo("user");
  }

  @Test
  void anonymousAdminPostsAreFromTheGroupNotTheBotPlaceholder() {
    InboundMessage m = message("anonymous-admin-forward.json");

    assertThat(m.contact().platformUserId()).isEqualTo("-1001160242915");
    assertThat(m.contact().displayName()).isEqualTo("a");
    assertThat(m.chatId()).isEqualTo("-1001160242915");
    assertThat(m.forwarded()).isEqualTo(1);
    assertThat(extras(m).containsKey("fromBot")).isFalse();
  }

  @Test
  void channelPostsAreFromTheChannel() {
    InboundMessage m = message("channel-post.json");

    assertThat(m.platformMessageId()).isEqualTo("-1001310120257:15");
    assertThat(m.chatId()).isEqualTo("-1001310120257");
    assertThat(m.contact().platformUserId()).isEqualTo("-1001310120257");
    assertThat(m.contact().displayName()).isEqualTo("My new channel");
    assertThat(m.text()).isEqualTo("The message");
    assertThat(m.editedAt()).isNull();
  }

  @Test
  void editedChannelPostsReplaceTheOriginal() {
    InboundMessage m = message("edited-channel-post.json");

    assertThat(m.platformMessageId()).isEqualTo("-1001310120257:15");
    assertThat(m.text()).isEqualTo("The message, edited");
    assertThat(m.editedAt()).isEqualTo(epoch(1623113500));
  }

  @Test
  void businessMessagesLiveInTheirOwnIdSpace() {
    InboundMessage m = message("business-message.json");

    assertThat(m.chatId()).isEqualTo("biz:AbCdEfGhIjKlMnOp:408258968");
    assertThat(m.platformMessageId()).isEqualTo("biz:AbCdEfGhIjKlMnOp:408258968:154");
    assertThat(m.contact().platformUserId()).isEqualTo("408258968");
    assertThat(extras(m).getString("businessConnectionId")).isEqualTo("AbCdEfGhIjKlMnOp");

    InboundMessage edit = message("edited-business-message.json");
    assertThat(edit.platformMessageId()).isEqualTo(m.platformMessageId());
    assertThat(edit.text()).isEqualTo("4 (edited)");
    assertThat(edit.editedAt()).isEqualTo(epoch(1581448900));
  }

  @Test
  void photoUsesTheLargestSizeAndKeepsAllSizes() {
    InboundMessage m = message("photo-caption.json");

    assertThat(m.type()).isEqualTo(MessageType.IMAGE);
    assertThat(m.media().id()).isEqualTo(
        "AgACAgQAAxkBAAINhGKvijUVSn2i3980bQIIc1fqWGNCAAJpvDEbEmaBUfuA43fR-BnlAQADAgADeQADJAQ");
    assertThat(m.media().sizeBytes()).isEqualTo(162061L);
    assertThat(m.text()).isEqualTo("www.example.com");
    assertThat(m.media().caption()).isEqualTo("www.example.com");
    JsonObject extras = extras(m);
    assertThat(extras.getJsonArray("photoSizes")).hasSize(4);
    assertThat(extras.getString("fileUniqueId")).isEqualTo("AQADabwxGxJmgVF-");
    assertThat(extras.getJsonArray("entities").getJsonObject(0).getString("type")).isEqualTo("url");

    InboundMessage noCaption = message("photo.json");
    assertThat(noCaption.media().id()).endsWith("A3kAAyTcBAABFgQ");
    assertThat(noCaption.text()).isNull();
  }

  @Test
  void documentKeepsNameTypeAndSize() {
    InboundMessage m = message("guide-document.json");

    assertThat(m.type()).isEqualTo(MessageType.DOCUMENT);
    assertThat(m.media().id()).isEqualTo("AwADBAADbXXXXXXXXXXXGBdhD2l6_XX");
    assertThat(m.media().fileName()).isEqualTo("Testfile.pdf");
    assertThat(m.media().mimeType()).isEqualTo("application/pdf");
    assertThat(m.media().sizeBytes()).isEqualTo(536392L);
  }

  @Test
  void animationWinsOverTheDocumentTelegramAlsoSends() {
    InboundMessage m = message("animation.json");

    assertThat(m.type()).isEqualTo(MessageType.ANIMATION);
    assertThat(m.media().mimeType()).isEqualTo("video/mp4");
    assertThat(m.media().fileName()).isEqualTo("happy.mp4");
  }

  @Test
  void audioVoiceVideoAndVideoNote() {
    InboundMessage audio = message("guide-audio.json");
    assertThat(audio.type()).isEqualTo(MessageType.AUDIO);
    assertThat(audio.media().mimeType()).isEqualTo("audio/mpeg");
    assertThat(audio.media().voice()).isFalse();

    InboundMessage voice = message("guide-voice.json");
    assertThat(voice.type()).isEqualTo(MessageType.VOICE);
    assertThat(voice.media().voice()).isTrue();
    assertThat(voice.media().mimeType()).isEqualTo("audio/ogg");
    assertThat(extras(voice).getLong("duration")).isEqualTo(5L);

    InboundMessage video = message("video.json");
    assertThat(video.type()).isEqualTo(MessageType.VIDEO);
    assertThat(video.media().id()).isEqualTo("BAADAgADpgQAAgX9qEud6QcgPiOAlhYE");
    assertThat(extras(video).containsKey("fileUniqueId")).isFalse(); // sent empty

    InboundMessage note = message("video-note.json");
    assertThat(note.type()).isEqualTo(MessageType.VIDEO_NOTE);
    assertThat(note.media().id()).isEqualTo("DQADBQADKAADsdhYVbkDQ7_p99NvAg");
  }

  @Test
  void albumPartsShareTheirMediaGroupAndChat() {
    InboundMessage m = message("media-group-video.json");

    assertThat(extras(m).getString("mediaGroupId")).isEqualTo("12543417770506682");
    assertThat(m.chatId()).isEqualTo("250918540");
  }

  @Test
  void animatedStickerKeepsItsEmoji() {
    InboundMessage m = message("sticker-animated.json");

    assertThat(m.type()).isEqualTo(MessageType.STICKER);
    assertThat(m.media().animated()).isTrue();
    assertThat(m.media().mimeType()).isEqualTo("application/x-tgsticker");
    assertThat(extras(m).getString("emoji")).isEqualTo("😡");
    assertThat(extras(m).getString("stickerSet")).isEqualTo("AdvenTimeAnim");
  }

  @Test
  void locationVenueContactPollAndDice() {
    InboundMessage location = message("location.json");
    assertThat(location.type()).isEqualTo(MessageType.LOCATION);
    assertThat(location.location().latitude()).isEqualTo(13.67455);
    assertThat(location.location().longitude()).isEqualTo(100.534625);

    InboundMessage venue = message("venue.json");
    assertThat(venue.type()).isEqualTo(MessageType.VENUE);
    assertThat(venue.location().name()).isEqualTo("Title");
    assertThat(venue.location().address()).isEqualTo("Address");
    assertThat(venue.contact().platformUserId()).isEqualTo("0"); // no from: the private chat

    InboundMessage contact = message("contact.json");
    assertThat(contact.type()).isEqualTo(MessageType.CONTACTS);
    assertThat(contact.contacts()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("Forward Firstname Forward Lastname");
      assertThat(c.phones()).containsExactly("+15550100");
      assertThat(c.platformUserId()).isEqualTo("222222");
      assertThat(c.vcard()).startsWith("BEGIN:VCARD");
    });

    InboundMessage poll = message("poll.json");
    assertThat(poll.type()).isEqualTo(MessageType.POLL);
    assertThat(poll.text()).isEqualTo("Best webhook port?");
    assertThat(extras(poll).getJsonArray("options")).containsExactly("443", "8443");

    InboundMessage dice = message("dice.json");
    assertThat(dice.type()).isEqualTo(MessageType.DICE);
    assertThat(dice.text()).isEqualTo("🎲");
    assertThat(extras(dice).getLong("value")).isEqualTo(2L);
  }

  @Test
  void threadsAndTopicsAreInTheExtras() {
    InboundMessage reply = message("thread-reply-to-story.json");
    assertThat(extras(reply).getLong("threadId")).isEqualTo(134545L);
    assertThat(reply.replyToMessageId()).isEqualTo("-1001293752024:134545");

    InboundMessage topic = message("topic-message.json");
    assertThat(extras(topic).getLong("threadId")).isEqualTo(4L);
    assertThat(extras(topic).getBoolean("isTopicMessage")).isTrue();
  }

  @Test
  void serviceMessagesAreSystemMessages() {
    InboundMessage joined = message("new-chat-members.json");
    assertThat(joined.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(extras(joined).getString("system")).isEqualTo("new_chat_members");
    assertThat(extras(joined).getJsonArray("systemData").getJsonObject(0).getLong("id"))
        .isEqualTo(687341524L);

    InboundMessage pinned = message("pinned-message.json");
    assertThat(extras(pinned).getString("system")).isEqualTo("pinned_message");
    assertThat(pinned.relatedMessageId()).isEqualTo("-1001276785818:20224");

    InboundMessage topic = message("forum-topic-created.json");
    assertThat(extras(topic).getString("system")).isEqualTo("forum_topic_created");

    InboundMessage call = message("video-chat-started.json");
    assertThat(call.type()).isEqualTo(MessageType.SYSTEM);
    assertThat(extras(call).getString("system")).isEqualTo("video_chat_started");
    assertThat(call.contact().platformUserId()).isEqualTo("-1001331354980");
  }

  @Test
  void contentNobodyMapsIsUnsupportedWithItsName() {
    InboundMessage m = message("story.json");

    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(extras(m).getString("unsupported")).isEqualTo("story");
    assertThat(m.rawJson()).contains("TONSpinChannel");
  }

  @Test
  void groupMigrationIsAnnouncedFromBothSides() {
    ChatMigration inOldGroup = (ChatMigration) event("migrate-to.json");
    assertThat(inOldGroup.fromChatId()).isEqualTo("-599075523");
    assertThat(inOldGroup.toChatId()).isEqualTo("-1001555296434");
    assertThat(inOldGroup.occurredAt()).isEqualTo(epoch(1629404938));
    assertThat(inOldGroup.accountRef()).isEqualTo(BOT);
    assertThat(inOldGroup.idempotencyKey()).isEqualTo(BOT + ":500000007");

    ChatMigration inNewGroup = (ChatMigration) event("migrate-from.json");
    assertThat(inNewGroup.fromChatId()).isEqualTo("-599075523");
    assertThat(inNewGroup.toChatId()).isEqualTo("-1001555296434");
  }

  @Test
  void aScheduledMessageWithIdZeroIsAnUndecodableMessageKeyedByItsUpdate() {
    InboundMessage m = message("venue-scheduled.json");

    assertThat(m.undecodable()).contains("message_id 0");
    assertThat(m.type()).isEqualTo(MessageType.UNSUPPORTED);
    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":500000009");
    assertThat(m.platformMessageId()).isEqualTo("undecodable:" + BOT + ":500000009");
  }
}
