package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.channel.telegram.TgJson.integer;
import static dev.switchboard.channel.telegram.TgJson.time;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.ContactState;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code my_chat_member} (the bot's own membership changed) and {@code chat_member} (another
 * member's status changed). In a private chat {@code my_chat_member} only ever means the user
 * blocked ({@code kicked}) or unblocked ({@code member}) the bot: a {@link ContactState}. Everywhere
 * else both are SYSTEM messages in the group or channel.
 */
final class UpdateMemberDecoder {

  static final String MY_CHAT_MEMBER = "my_chat_member";
  static final String CHAT_MEMBER = "chat_member";

  private UpdateMemberDecoder() {
  }

  static InboundEvent decode(String kind, JsonObject change, UpdateContext ctx) {
    JsonObject chat = object(change, "chat");
    String chatId = id(chat, "id");
    if (chatId == null) {
      throw new TgUndecodableException(kind + ": chat id missing");
    }
    ContactRef actor = TgParties.user(object(change, "from"));
    if (actor == null) {
      throw new TgUndecodableException(kind + ": from missing");
    }
    JsonObject oldMember = object(change, "old_chat_member");
    JsonObject newMember = object(change, "new_chat_member");
    String newStatus = string(newMember, "status");
    Instant date = time(change, "date", ctx.receivedAt());

    if (MY_CHAT_MEMBER.equals(kind) && "private".equals(string(chat, "type"))) {
      return new ContactState(ctx.key(), ctx.botId(), actor, "kicked".equals(newStatus), date,
          ctx.rawJson());
    }
    String memberId = id(object(newMember, "user"), "id");
    if (memberId == null) {
      memberId = id(object(oldMember, "user"), "id");
    }
    if (memberId == null) {
      memberId = actor.platformUserId();
    }
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("system", kind);
    extras.put("oldStatus", string(oldMember, "status"));
    extras.put("newStatus", newStatus);
    extras.put("userId", memberId);
    String chatType = string(chat, "type");
    if (chatType != null) {
      extras.put("chatType", chatType);
    }
    return InboundMessage.builder()
        .idempotencyKey(ctx.key())
        .accountRef(ctx.botId())
        .platformMessageId("member:" + chatId + ":" + memberId + ":" + ctx.updateId())
        .chatId(chatId)
        .contact(actor)
        .direction(Direction.INBOUND)
        .author(Author.CONTACT)
        .type(MessageType.SYSTEM)
        .extrasJson(new JsonObject(extras).encode())
        .occurredAt(date)
        .rawJson(ctx.rawJson())
        .build();
  }
}
