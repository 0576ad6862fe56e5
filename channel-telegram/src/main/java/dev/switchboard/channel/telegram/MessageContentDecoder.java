package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.decimal;
import static dev.switchboard.channel.telegram.TgJson.fullName;
import static dev.switchboard.channel.telegram.TgJson.id;
import static dev.switchboard.channel.telegram.TgJson.integer;
import static dev.switchboard.channel.telegram.TgJson.isTrue;
import static dev.switchboard.channel.telegram.TgJson.size;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Maps the content fields of a Telegram {@code Message} onto the canonical content. Telegram has
 * no type tag: the kind is the content field that is present. Lenient: a content object of the
 * wrong JSON type leaves the type set and the details empty; content nobody maps is UNSUPPORTED
 * with {@code extras.unsupported} naming the field, never an error.
 */
final class MessageContentDecoder {

  static final PlatformError INVALID_LOCATION = new PlatformError("invalid_location",
      "Invalid location", "latitude/longitude missing or out of range", null);

  /** Service-message fields: the message is a chat event, not something a person wrote. */
  static final List<String> SERVICE_FIELDS = List.of(
      "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
      "delete_chat_photo", "group_chat_created", "supergroup_chat_created", "channel_chat_created",
      "message_auto_delete_timer_changed", "pinned_message", "successful_payment",
      "refunded_payment", "users_shared", "user_shared", "chat_shared", "gift", "unique_gift",
      "connected_website", "write_access_allowed", "passport_data", "proximity_alert_triggered",
      "boost_added", "chat_background_set", "checklist_tasks_done", "checklist_tasks_added",
      "direct_message_price_changed", "paid_message_price_changed", "forum_topic_created",
      "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
      "general_forum_topic_hidden", "general_forum_topic_unhidden", "giveaway_created",
      "giveaway_completed", "suggested_post_approved", "suggested_post_approval_failed",
      "suggested_post_declined", "suggested_post_paid", "suggested_post_refunded",
      "video_chat_scheduled", "video_chat_started", "video_chat_ended",
      "video_chat_participants_invited", "web_app_data");

  /** Message fields that describe the envelope, not the content. */
  private static final Set<String> ENVELOPE_FIELDS = Set.of(
      "message_id", "message_thread_id", "direct_messages_topic", "from", "sender_chat",
      "sender_boost_count", "sender_business_bot", "sender_tag", "date", "business_connection_id",
      "chat", "forward_origin", "forward_from", "forward_from_chat", "forward_from_message_id",
      "forward_signature", "forward_sender_name", "forward_date", "is_topic_message",
      "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story",
      "reply_to_checklist_task_id", "via_bot", "edit_date", "has_protected_content",
      "is_from_offline", "is_paid_post", "media_group_id", "author_signature", "paid_star_count",
      "entities", "caption", "caption_entities", "show_caption_above_media", "has_media_spoiler",
      "link_preview_options", "effect_id", "reply_markup", "suggested_post_info",
      "new_chat_participant", "new_chat_member", "left_chat_participant");

  private MessageContentDecoder() {
  }

  static MessageContent decode(JsonObject m) {
    MessageContent c = new MessageContent();
    if (has(m, "text")) {
      c.type = MessageType.TEXT;
      c.text = string(m, "text");
      putIfPresent(c, "entities", array(m, "entities"));
    } else if (has(m, "animation")) { // Telegram also sets "document" for animations
      media(c, MessageType.ANIMATION, m, object(m, "animation"));
    } else if (has(m, "photo")) {
      photo(c, m);
    } else if (has(m, "document")) {
      media(c, MessageType.DOCUMENT, m, object(m, "document"));
    } else if (has(m, "audio")) {
      media(c, MessageType.AUDIO, m, object(m, "audio"));
    } else if (has(m, "voice")) {
      media(c, MessageType.VOICE, m, object(m, "voice"));
    } else if (has(m, "video")) {
      media(c, MessageType.VIDEO, m, object(m, "video"));
    } else if (has(m, "video_note")) {
      media(c, MessageType.VIDEO_NOTE, m, object(m, "video_note"));
    } else if (has(m, "sticker")) {
      sticker(c, m, object(m, "sticker"));
    } else if (has(m, "venue")) { // Telegram also sets "location" for venues
      venue(c, object(m, "venue"));
    } else if (has(m, "location")) {
      location(c, object(m, "location"));
    } else if (has(m, "contact")) {
      contact(c, object(m, "contact"));
    } else if (has(m, "poll")) {
      poll(c, object(m, "poll"));
    } else if (has(m, "dice")) {
      JsonObject dice = object(m, "dice");
      c.type = MessageType.DICE;
      c.text = string(dice, "emoji");
      putIfPresent(c, "value", integer(dice, "value"));
    } else {
      serviceOrUnsupported(c, m);
    }
    return c;
  }

  private static boolean has(JsonObject m, String key) {
    return m.getValue(key) != null;
  }

  private static void putIfPresent(MessageContent c, String key, Object value) {
    if (value != null) {
      c.extras.put(key, value);
    }
  }

  private static void caption(MessageContent c, JsonObject m) {
    c.text = string(m, "caption");
    putIfPresent(c, "entities", array(m, "caption_entities"));
  }

  private static void media(MessageContent c, MessageType type, JsonObject m, JsonObject file) {
    c.type = type;
    caption(c, m);
    c.media = mediaRef(file, c.text, type == MessageType.VOICE, false, string(file, "mime_type"));
    putIfPresent(c, "fileUniqueId", nonBlank(file, "file_unique_id"));
    putIfPresent(c, "duration", integer(file, "duration"));
  }

  private static MediaRef mediaRef(JsonObject file, String caption, boolean voice, boolean animated,
                                   String mimeType) {
    String fileId = nonBlank(file, "file_id");
    if (fileId == null) {
      return null;
    }
    return new MediaRef(fileId, null, mimeType, null, string(file, "file_name"), caption,
        size(file, "file_size"), voice, animated);
  }

  private static void photo(MessageContent c, JsonObject m) {
    c.type = MessageType.IMAGE;
    caption(c, m);
    JsonArray sizes = array(m, "photo");
    if (sizes == null || sizes.isEmpty()) {
      return;
    }
    c.extras.put("photoSizes", sizes);
    JsonObject largest = sizes.getValue(sizes.size() - 1) instanceof JsonObject o ? o : null;
    c.media = mediaRef(largest, c.text, false, false, null);
    putIfPresent(c, "fileUniqueId", nonBlank(largest, "file_unique_id"));
  }

  private static void sticker(MessageContent c, JsonObject m, JsonObject sticker) {
    c.type = MessageType.STICKER;
    boolean video = isTrue(sticker, "is_video");
    boolean animated = video || isTrue(sticker, "is_animated");
    // Telegram sends no MIME type for stickers; the formats are fixed by the Bot API.
    String mime = video ? "video/webm" : animated ? "application/x-tgsticker" : "image/webp";
    c.media = mediaRef(sticker, null, false, animated, sticker == null ? null : mime);
    putIfPresent(c, "emoji", string(sticker, "emoji"));
    putIfPresent(c, "stickerSet", string(sticker, "set_name"));
    putIfPresent(c, "fileUniqueId", nonBlank(sticker, "file_unique_id"));
  }

  /** The coordinates of {@code loc}, or null when missing, not finite, or out of range. */
  private static double[] coordinates(JsonObject loc) {
    Double lat = decimal(loc, "latitude");
    Double lon = decimal(loc, "longitude");
    if (lat == null || lon == null || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
      return null;
    }
    return new double[] {lat, lon};
  }

  private static void location(MessageContent c, JsonObject loc) {
    double[] at = coordinates(loc);
    if (at == null) {
      c.errors.add(INVALID_LOCATION);
      return; // UNSUPPORTED
    }
    c.type = MessageType.LOCATION;
    c.location = new Location(at[0], at[1], null, null, null);
    putIfPresent(c, "livePeriod", integer(loc, "live_period"));
  }

  private static void venue(MessageContent c, JsonObject venue) {
    double[] at = coordinates(object(venue, "location"));
    if (at == null) {
      c.errors.add(INVALID_LOCATION);
      return; // UNSUPPORTED
    }
    c.type = MessageType.VENUE;
    c.location = new Location(at[0], at[1], string(venue, "title"), string(venue, "address"), null);
    putIfPresent(c, "foursquareId", string(venue, "foursquare_id"));
    putIfPresent(c, "googlePlaceId", string(venue, "google_place_id"));
  }

  private static void contact(MessageContent c, JsonObject contact) {
    c.type = MessageType.CONTACTS;
    if (contact == null) {
      c.contacts = List.of();
      return;
    }
    String phone = nonBlank(contact, "phone_number");
    c.contacts = List.of(new SharedContact(fullName(contact), phone == null ? List.of() : List.of(phone),
        List.of(), id(contact, "user_id"), string(contact, "vcard")));
  }

  private static void poll(MessageContent c, JsonObject poll) {
    c.type = MessageType.POLL;
    c.text = string(poll, "question");
    putIfPresent(c, "pollId", string(poll, "id"));
    JsonArray options = array(poll, "options");
    if (options != null) {
      JsonArray texts = new JsonArray();
      for (int i = 0; i < options.size(); i++) {
        if (options.getValue(i) instanceof JsonObject option) {
          texts.add(string(option, "text"));
        }
      }
      c.extras.put("options", texts);
    }
    putIfPresent(c, "pollType", string(poll, "type"));
  }

  private static void serviceOrUnsupported(MessageContent c, JsonObject m) {
    for (String field : SERVICE_FIELDS) {
      Object value = m.getValue(field);
      if (value != null) {
        c.type = MessageType.SYSTEM;
        c.extras.put("system", field);
        if (!Boolean.TRUE.equals(value)) {
          c.extras.put("systemData", value);
        }
        return;
      }
    }
    c.type = MessageType.UNSUPPORTED;
    String unknown = "empty";
    for (String field : m.fieldNames()) {
      if (!ENVELOPE_FIELDS.contains(field) && m.getValue(field) != null) {
        unknown = TgJson.clip(field);
        break;
      }
    }
    c.extras.put("unsupported", unknown);
  }
}
