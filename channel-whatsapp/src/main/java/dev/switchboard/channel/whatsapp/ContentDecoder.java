package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.emptyToNull;
import static dev.switchboard.channel.whatsapp.JsonAccess.isTrue;
import static dev.switchboard.channel.whatsapp.JsonAccess.number;
import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a message's {@code type} and its body object onto the canonical content fields. Lenient:
 * a body field of the wrong JSON type reads as absent; an unknown type is UNSUPPORTED with
 * {@code extras.unknownType}, never an error.
 */
final class ContentDecoder {

  static final PlatformError INVALID_LOCATION = new PlatformError("invalid_location",
      "Invalid location", "latitude/longitude missing or out of range", null);

  private ContentDecoder() {
  }

  /**
   * Decodes the content of {@code message} (an inbound message, an echo, or the inner message of
   * an edit). {@code allowNested} is false for the inner message of an edit, so edits of edits
   * are not followed.
   */
  static Content decode(JsonObject message, boolean allowNested) {
    Content c = new Content();
    String type = string(message, "type");
    if (type == null) {
      return c; // UNSUPPORTED, nothing known
    }
    switch (type) {
      case "text" -> {
        c.type = MessageType.TEXT;
        c.text = string(object(message, "text"), "body");
      }
      case "image" -> media(c, MessageType.IMAGE, object(message, "image"));
      case "video" -> media(c, MessageType.VIDEO, object(message, "video"));
      case "document" -> media(c, MessageType.DOCUMENT, object(message, "document"));
      case "sticker" -> media(c, MessageType.STICKER, object(message, "sticker"));
      case "audio" -> {
        JsonObject audio = object(message, "audio");
        media(c, isTrue(audio, "voice") ? MessageType.VOICE : MessageType.AUDIO, audio);
      }
      case "location" -> location(c, object(message, "location"));
      case "contacts" -> {
        c.type = MessageType.CONTACTS;
        c.contacts = sharedContacts(array(message, "contacts"));
      }
      case "interactive" -> interactive(c, object(message, "interactive"));
      case "button" -> {
        JsonObject button = object(message, "button");
        c.type = MessageType.BUTTON;
        c.text = string(button, "text");
        c.interactive = new InteractiveReply("template_button", string(button, "payload"),
            c.text, null, null);
      }
      case "reaction" -> {
        JsonObject reaction = object(message, "reaction");
        c.type = MessageType.REACTION;
        c.reaction = new Reaction(string(reaction, "message_id"), string(reaction, "emoji"));
      }
      case "order" -> {
        JsonObject order = object(message, "order");
        c.type = MessageType.ORDER;
        c.text = emptyToNull(string(order, "text"));
        if (order != null) {
          c.extras.put("order", order);
        }
      }
      case "system" -> {
        JsonObject system = object(message, "system");
        c.type = MessageType.SYSTEM;
        c.text = string(system, "body");
        if (system != null) {
          c.extras.put("system", system);
        }
        JsonObject identity = object(message, "identity");
        if (identity != null) {
          c.extras.put("identity", identity);
        }
      }
      case "request_welcome" -> {
        c.type = MessageType.SYSTEM;
        c.extras.put("system", new JsonObject().put("type", "request_welcome"));
      }
      case "unsupported", "unknown" -> {
        c.type = MessageType.UNSUPPORTED;
        JsonObject unsupported = object(message, "unsupported");
        if (unsupported != null) {
          c.extras.put("unsupported", unsupported);
        }
      }
      case "edit" -> {
        if (allowNested) {
          edit(c, object(message, "edit"));
        } else {
          unknown(c, type);
        }
      }
      case "revoke" -> {
        if (allowNested) {
          c.type = MessageType.REVOKE;
          c.relatedMessageId = string(object(message, "revoke"), "original_message_id");
        } else {
          unknown(c, type);
        }
      }
      default -> unknown(c, type);
    }
    return c;
  }

  private static void unknown(Content c, String type) {
    c.type = MessageType.UNSUPPORTED;
    c.extras.put("unknownType", type);
  }

  private static void media(Content c, MessageType type, JsonObject m) {
    c.type = type;
    if (m == null) {
      return;
    }
    Double size = number(m, "file_size");
    String caption = string(m, "caption");
    c.media = new MediaRef(scalar(m, "id"), string(m, "url"), string(m, "mime_type"),
        string(m, "sha256"), string(m, "filename"), caption,
        size == null || size < 0 ? null : size.longValue(),
        type == MessageType.VOICE, isTrue(m, "animated"));
    c.text = caption;
  }

  private static void location(Content c, JsonObject loc) {
    Double lat = number(loc, "latitude");
    Double lon = number(loc, "longitude");
    if (lat == null || lon == null || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
      c.type = MessageType.UNSUPPORTED;
      c.errors.add(INVALID_LOCATION);
      return;
    }
    c.type = MessageType.LOCATION;
    c.location = new Location(lat, lon, string(loc, "name"), string(loc, "address"),
        string(loc, "url"));
  }

  private static List<SharedContact> sharedContacts(JsonArray cards) {
    List<SharedContact> out = new ArrayList<>();
    if (cards == null) {
      return out;
    }
    for (int i = 0; i < cards.size(); i++) {
      if (!(cards.getValue(i) instanceof JsonObject card)) {
        continue;
      }
      JsonObject name = object(card, "name");
      String formatted = string(name, "formatted_name");
      if (formatted == null) {
        formatted = string(name, "first_name");
      }
      List<String> phones = new ArrayList<>();
      String waId = null;
      JsonArray phoneList = array(card, "phones");
      if (phoneList != null) {
        for (int p = 0; p < phoneList.size(); p++) {
          if (phoneList.getValue(p) instanceof JsonObject phone) {
            String number = string(phone, "phone");
            if (number != null) {
              phones.add(number);
            }
            if (p == 0) {
              waId = scalar(phone, "wa_id");
            }
          }
        }
      }
      List<String> emails = new ArrayList<>();
      JsonArray emailList = array(card, "emails");
      if (emailList != null) {
        for (int e = 0; e < emailList.size(); e++) {
          if (emailList.getValue(e) instanceof JsonObject email && string(email, "email") != null) {
            emails.add(string(email, "email"));
          }
        }
      }
      out.add(new SharedContact(formatted, phones, emails, waId, string(card, "vcard")));
    }
    return out;
  }

  private static void interactive(Content c, JsonObject interactive) {
    c.type = MessageType.INTERACTIVE;
    if (interactive == null) {
      return;
    }
    String kind = string(interactive, "type");
    JsonObject reply = kind == null ? null : object(interactive, kind);
    InteractiveReply r;
    if ("button_reply".equals(kind) || "list_reply".equals(kind)) {
      r = new InteractiveReply(kind, scalar(reply, "id"), string(reply, "title"),
          string(reply, "description"), null);
    } else if ("nfm_reply".equals(kind)) {
      String title = string(reply, "body");
      r = new InteractiveReply(kind, null, title != null ? title : string(reply, "name"), null,
          string(reply, "response_json"));
    } else {
      r = new InteractiveReply(kind, null, null, null, null);
    }
    c.interactive = r;
    c.text = r.title();
  }

  private static void edit(Content c, JsonObject edit) {
    c.type = MessageType.EDIT;
    c.relatedMessageId = string(edit, "original_message_id");
    JsonObject inner = object(edit, "message");
    if (inner == null) {
      return;
    }
    Content edited = decode(inner, false);
    c.text = edited.text;
    c.media = edited.media;
    c.errors.addAll(edited.errors);
  }
}
