package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.fullName;
import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.model.ContactRef;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Telegram {@code User} and {@code Chat} objects as {@link ContactRef}s. Telegram gives no phone. */
final class TgParties {

  /**
   * Placeholder senders Telegram puts in {@code from} when a message is really sent on behalf of
   * {@code sender_chat}: GroupAnonymousBot (anonymous group admins), Channel_Bot (posting as a
   * channel in a group) and the Telegram service account (automatic forwards from a linked channel).
   */
  static final Set<String> PLACEHOLDER_SENDERS = Set.of("1087968824", "136817688", "777000");

  private TgParties() {
  }

  /** A {@code User}: id, first + last name, username; null without an integer id. */
  static ContactRef user(JsonObject user) {
    String id = id(user, "id");
    return id == null ? null : new ContactRef(id, null, fullName(user), nonBlank(user, "username"));
  }

  /** A {@code Chat}: id, title (or the private chat's name), username; null without an integer id. */
  static ContactRef chat(JsonObject chat) {
    String id = id(chat, "id");
    if (id == null) {
      return null;
    }
    String name = nonBlank(chat, "title");
    return new ContactRef(id, null, name != null ? name : fullName(chat), nonBlank(chat, "username"));
  }

  /**
   * Who wrote {@code message}: {@code from}, unless it is absent (channel posts) or a placeholder
   * and {@code sender_chat} is given; then {@code sender_chat}. Old channel posts carry neither: the
   * chat itself is the author. Null when none of them has an id.
   */
  static ContactRef sender(JsonObject message) {
    JsonObject from = object(message, "from");
    JsonObject senderChat = object(message, "sender_chat");
    ContactRef user = user(from);
    ContactRef onBehalfOf = chat(senderChat);
    if (user != null && (onBehalfOf == null || !PLACEHOLDER_SENDERS.contains(user.platformUserId()))) {
      return user;
    }
    if (onBehalfOf != null) {
      return onBehalfOf;
    }
    return from == null ? chat(object(message, "chat")) : null;
  }
}
