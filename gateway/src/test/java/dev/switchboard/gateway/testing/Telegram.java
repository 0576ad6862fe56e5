package dev.switchboard.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Telegram updates shaped exactly like the samples of Telegram's webhook guide and the Bot API
 * object reference (core.telegram.org/bots/webhooks, /bots/api#update), with the ids a test needs.
 */
public final class Telegram {
  private Telegram() {
  }

  public static JsonObject user(long id, String first, String last, String username) {
    return new JsonObject().put("id", id).put("is_bot", false).put("first_name", first).put("last_name", last)
        .put("username", username).put("language_code", "en");
  }

  public static JsonObject privateChat(long id, String first, String last, String username) {
    return new JsonObject().put("id", id).put("first_name", first).put("last_name", last)
        .put("username", username).put("type", "private");
  }

  public static JsonObject group(long id, String title, String type) {
    return new JsonObject().put("id", id).put("title", title).put("type", type);
  }

  /** The guide's "Message with text" sample. */
  public static JsonObject textMessage(long chatId, long messageId, long date, String text) {
    return new JsonObject()
        .put("message_id", messageId)
        .put("from", user(chatId, "Test", "Test Lastname", "Test"))
        .put("chat", privateChat(chatId, "Test", "Test Lastname", "Test"))
        .put("date", date)
        .put("text", text);
  }

  public static String update(long updateId, String kind, JsonObject object) {
    return new JsonObject().put("update_id", updateId).put(kind, object).encode();
  }

  /** The guide's "Edited message" sample: the full message again with edit_date. */
  public static String editedText(long updateId, long chatId, long messageId, long date, long editDate, String text) {
    return update(updateId, "edited_message", textMessage(chatId, messageId, date, text).put("edit_date", editDate));
  }

  /** The guide's "Callback query" sample, on a message that carried an inline keyboard. */
  public static String callbackQuery(long updateId, long chatId, long messageId, String data, String buttonText) {
    JsonObject message = textMessage(chatId, messageId, 1_441_645_532L, "Pick one")
        .put("from", new JsonObject().put("id", 123456L).put("is_bot", true).put("first_name", "Test Bot")
            .put("username", "test_bot"))
        .put("reply_markup", new JsonObject().put("inline_keyboard", new JsonArray()
            .add(new JsonArray().add(new JsonObject().put("text", buttonText).put("callback_data", data)))));
    return update(updateId, "callback_query", new JsonObject()
        .put("id", "4382bfdwdsb323b2d9")
        .put("from", user(chatId, "Test", "Test Lastname", "Test"))
        .put("message", message)
        .put("chat_instance", "-8917204861270218611")
        .put("data", data));
  }

  /** {@code my_chat_member} in a private chat: "kicked" = the user blocked the bot, "member" = unblocked. */
  public static String myChatMember(long updateId, long userId, long date, String oldStatus, String newStatus) {
    JsonObject bot = new JsonObject().put("id", 123456L).put("is_bot", true).put("first_name", "Test Bot")
        .put("username", "test_bot");
    return update(updateId, "my_chat_member", new JsonObject()
        .put("chat", privateChat(userId, "Test", "Test Lastname", "Test"))
        .put("from", user(userId, "Test", "Test Lastname", "Test"))
        .put("date", date)
        .put("old_chat_member", new JsonObject().put("user", bot).put("status", oldStatus))
        .put("new_chat_member", "kicked".equals(newStatus)
            ? new JsonObject().put("user", bot).put("status", newStatus).put("until_date", 0)
            : new JsonObject().put("user", bot).put("status", newStatus)));
  }

  /** A group message in chat {@code groupId}. */
  public static JsonObject groupMessage(long groupId, String type, long userId, long messageId, long date, String text) {
    return new JsonObject()
        .put("message_id", messageId)
        .put("from", user(userId, "Ann", "Group", "ann_g"))
        .put("chat", group(groupId, "Support group", type))
        .put("date", date)
        .put("text", text);
  }

  /** The service message a group gets when it becomes a supergroup. */
  public static String migrateTo(long updateId, long groupId, long userId, long messageId, long date, long supergroupId) {
    JsonObject m = groupMessage(groupId, "group", userId, messageId, date, null);
    m.remove("text");
    return update(updateId, "message", m.put("migrate_to_chat_id", supergroupId));
  }

  /** An album part: a photo with a media_group_id (three sizes, smallest first). */
  public static String albumPhoto(long updateId, long chatId, long messageId, long date, String groupId, String fileId) {
    JsonObject m = textMessage(chatId, messageId, date, null);
    m.remove("text");
    JsonArray sizes = new JsonArray();
    int[][] dims = {{90, 67}, {320, 240}, {1280, 960}};
    for (int i = 0; i < dims.length; i++) {
      sizes.add(new JsonObject().put("file_id", fileId + "-" + i).put("file_unique_id", "AQAD" + fileId + i)
          .put("file_size", 1000 * (i + 1)).put("width", dims[i][0]).put("height", dims[i][1]));
    }
    return update(updateId, "message", m.put("media_group_id", groupId).put("photo", sizes));
  }
}
