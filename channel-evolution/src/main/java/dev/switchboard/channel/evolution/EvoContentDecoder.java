package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoJson.clip;
import static dev.switchboard.channel.evolution.EvoJson.isTrue;
import static dev.switchboard.channel.evolution.EvoJson.number;
import static dev.switchboard.channel.evolution.EvoJson.token;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
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
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps a Baileys {@code message} object (as Evolution forwards it) onto the canonical content
 * fields. The content kind is the first known key present ({@code conversation},
 * {@code imageMessage}, …); wrappers ({@code ephemeralMessage}, {@code viewOnceMessage*},
 * {@code documentWithCaptionMessage}, {@code deviceSentMessage}) are unwrapped first. Lenient: a
 * field of the wrong JSON type reads as absent; an unknown kind is UNSUPPORTED with
 * {@code extras.unknownType}. Inline {@code base64} is never copied.
 */
final class EvoContentDecoder {

  static final PlatformError INVALID_LOCATION = new PlatformError("invalid_location",
      "Invalid location", "latitude/longitude missing or out of range", null);

  /** Keys that sit next to the content and never are its kind. */
  private static final Set<String> METADATA = Set.of("messageContextInfo",
      "senderKeyDistributionMessage", "base64", "mediaUrl", "speechToText", "contextInfo");
  private static final List<String> WRAPPERS = List.of("ephemeralMessage", "viewOnceMessage",
      "viewOnceMessageV2", "viewOnceMessageV2Extension", "documentWithCaptionMessage",
      "deviceSentMessage");
  private static final int MAX_UNWRAP = 4;
  private static final int MAX_CONTACTS = 50;

  private EvoContentDecoder() {
  }

  /** Decodes {@code message}; {@code messageType} (Evolution's hint) names the kind when nothing is known. */
  static EvoContent decode(JsonObject message, String messageType) {
    EvoContent c = new EvoContent();
    if (message == null) {
      unknown(c, messageType);
      return c;
    }
    String mediaUrl = nonBlank(message, "mediaUrl");
    JsonObject m = unwrap(message, c);
    String kind = kindOf(m);
    if (kind == null) {
      unknown(c, messageType);
      return c;
    }
    switch (kind) {
      case "conversation" -> {
        c.type = MessageType.TEXT;
        c.text = string(m, kind);
      }
      case "extendedTextMessage" -> {
        JsonObject ext = object(m, kind);
        c.type = MessageType.TEXT;
        c.text = string(ext, "text");
        c.contextInfo = object(ext, "contextInfo");
      }
      case "imageMessage" -> media(c, MessageType.IMAGE, object(m, kind), mediaUrl);
      case "videoMessage" -> media(c, MessageType.VIDEO, object(m, kind), mediaUrl);
      case "ptvMessage" -> media(c, MessageType.VIDEO_NOTE, object(m, kind), mediaUrl);
      case "audioMessage" -> {
        JsonObject audio = object(m, kind);
        media(c, isTrue(audio, "ptt") ? MessageType.VOICE : MessageType.AUDIO, audio, mediaUrl);
      }
      case "documentMessage" -> media(c, MessageType.DOCUMENT, object(m, kind), mediaUrl);
      case "stickerMessage" -> media(c, MessageType.STICKER, object(m, kind), mediaUrl);
      case "locationMessage", "liveLocationMessage" -> location(c, object(m, kind));
      case "contactMessage" -> {
        JsonObject card = object(m, kind);
        c.type = MessageType.CONTACTS;
        c.contextInfo = object(card, "contextInfo");
        addContact(c, card);
      }
      case "contactsArrayMessage" -> contactsArray(c, object(m, kind));
      case "reactionMessage" -> {
        JsonObject reaction = object(m, kind);
        String target = token(object(reaction, "key"), "id");
        if (target == null) {
          throw new EvoUndecodableException("reactionMessage.key.id is missing");
        }
        c.type = MessageType.REACTION;
        c.reaction = new Reaction(target, string(reaction, "text"));
      }
      case "pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3" ->
          poll(c, object(m, kind));
      case "buttonsResponseMessage" -> {
        JsonObject r = object(m, kind);
        interactive(c, r, "button_reply", token(r, "selectedButtonId"),
            string(r, "selectedDisplayText"), null, null);
      }
      case "listResponseMessage" -> {
        JsonObject r = object(m, kind);
        String title = string(r, "title");
        interactive(c, r, "list_reply", token(object(r, "singleSelectReply"), "selectedRowId"),
            title, string(r, "description"), null);
      }
      case "templateButtonReplyMessage" -> {
        JsonObject r = object(m, kind);
        interactive(c, r, "template_button", token(r, "selectedId"),
            string(r, "selectedDisplayText"), null, null);
      }
      case "interactiveResponseMessage" -> nativeFlow(c, object(m, kind));
      case "protocolMessage" -> protocol(c, object(m, kind));
      case "editedMessage" -> edited(c, object(m, kind));
      default -> unknown(c, kind);
    }
    return c;
  }

  /** The text of a (new version of a) message: conversation, extended text, or a caption. */
  static String textOf(JsonObject message) {
    if (message == null) {
      return null;
    }
    String conversation = string(message, "conversation");
    if (conversation != null) {
      return conversation;
    }
    String text = string(object(message, "extendedTextMessage"), "text");
    if (text != null) {
      return text;
    }
    for (String media : List.of("imageMessage", "videoMessage", "documentMessage")) {
      String caption = string(object(message, media), "caption");
      if (caption != null) {
        return caption;
      }
    }
    return null;
  }

  /**
   * Applies a {@code protocolMessage} ({@code REVOKE} → REVOKE, {@code MESSAGE_EDIT} → EDIT);
   * other protocol types are UNSUPPORTED.
   */
  static void protocol(EvoContent c, JsonObject protocol) {
    String type = protocolType(protocol);
    String target = token(object(protocol, "key"), "id");
    if (target == null && ("REVOKE".equals(type) || "MESSAGE_EDIT".equals(type))) {
      throw new EvoUndecodableException("protocolMessage.key.id is missing");
    }
    if ("REVOKE".equals(type)) {
      c.type = MessageType.REVOKE;
      c.relatedMessageId = target;
    } else if ("MESSAGE_EDIT".equals(type)) {
      c.type = MessageType.EDIT;
      c.relatedMessageId = target;
      c.text = textOf(object(protocol, "editedMessage"));
    } else {
      unknown(c, "protocolMessage:" + (type == null ? "?" : type));
    }
  }

  /** The protocol message type as Baileys' enum name ({@code REVOKE} is 0, {@code MESSAGE_EDIT} 14). */
  static String protocolType(JsonObject protocol) {
    Object type = protocol == null ? null : protocol.getValue("type");
    if (type instanceof String s) {
      return s.toUpperCase(Locale.ROOT);
    }
    Long n = EvoJson.integral(type);
    if (n == null) {
      return null;
    }
    return n == 0 ? "REVOKE" : n == 14 ? "MESSAGE_EDIT" : Long.toString(n);
  }

  private static JsonObject unwrap(JsonObject message, EvoContent c) {
    JsonObject m = message;
    for (int depth = 0; depth < MAX_UNWRAP; depth++) {
      JsonObject inner = null;
      for (String wrapper : WRAPPERS) {
        JsonObject w = object(m, wrapper);
        if (w != null && object(w, "message") != null) {
          inner = object(w, "message");
          if (wrapper.startsWith("viewOnce")) {
            c.extras.put("viewOnce", true);
          } else if ("ephemeralMessage".equals(wrapper)) {
            c.extras.put("ephemeral", true);
          }
          break;
        }
      }
      if (inner == null) {
        return m;
      }
      m = inner;
    }
    return m;
  }

  private static final List<String> KINDS = List.of("conversation", "extendedTextMessage",
      "imageMessage", "videoMessage", "ptvMessage", "audioMessage", "documentMessage",
      "stickerMessage", "locationMessage", "liveLocationMessage", "contactMessage",
      "contactsArrayMessage", "reactionMessage", "pollCreationMessage", "pollCreationMessageV2",
      "pollCreationMessageV3", "buttonsResponseMessage", "listResponseMessage",
      "templateButtonReplyMessage", "interactiveResponseMessage", "protocolMessage",
      "editedMessage");

  private static String kindOf(JsonObject m) {
    for (String kind : KINDS) {
      Object v = m.getValue(kind);
      if (v instanceof JsonObject || (v instanceof String && "conversation".equals(kind))) {
        return kind;
      }
    }
    for (String key : m.fieldNames()) {
      if (!METADATA.contains(key)) {
        return key;
      }
    }
    return null;
  }

  private static void unknown(EvoContent c, String kind) {
    c.type = MessageType.UNSUPPORTED;
    if (kind != null && !kind.isBlank()) {
      c.extras.put("unknownType", clip(kind));
    }
  }

  private static void media(EvoContent c, MessageType type, JsonObject m, String mediaUrl) {
    c.type = type;
    if (m == null) {
      return;
    }
    Long size = EvoJson.integral(m.getValue("fileLength"));
    String caption = string(m, "caption");
    String fileName = type == MessageType.DOCUMENT
        ? firstNonNull(string(m, "fileName"), string(m, "title")) : null;
    c.media = new MediaRef(null, firstNonNull(mediaUrl, nonBlank(m, "url")), string(m, "mimetype"),
        EvoJson.bytes(m.getValue("fileSha256")), fileName, caption,
        size == null || size < 0 ? null : size, type == MessageType.VOICE,
        isTrue(m, "isAnimated"));
    c.text = caption;
    c.contextInfo = object(m, "contextInfo");
  }

  private static void location(EvoContent c, JsonObject loc) {
    c.contextInfo = object(loc, "contextInfo");
    Double lat = number(loc, "degreesLatitude");
    Double lon = number(loc, "degreesLongitude");
    if (lat == null || lon == null || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      c.type = MessageType.UNSUPPORTED;
      c.errors.add(INVALID_LOCATION);
      return;
    }
    c.type = MessageType.LOCATION;
    c.location = new Location(lat, lon, string(loc, "name"), string(loc, "address"),
        string(loc, "url"));
    c.text = string(loc, "caption");
  }

  private static void contactsArray(EvoContent c, JsonObject arr) {
    c.type = MessageType.CONTACTS;
    c.contextInfo = object(arr, "contextInfo");
    JsonArray cards = array(arr, "contacts");
    if (cards == null) {
      return;
    }
    for (int i = 0; i < cards.size() && i < MAX_CONTACTS; i++) {
      if (cards.getValue(i) instanceof JsonObject card) {
        addContact(c, card);
      }
    }
  }

  private static void addContact(EvoContent c, JsonObject card) {
    if (card == null) {
      return;
    }
    String vcard = string(card, "vcard");
    EvoVcard parsed = EvoVcard.parse(vcard);
    String name = firstNonNull(string(card, "displayName"), parsed.name());
    c.contacts.add(new SharedContact(name, parsed.phones(), parsed.emails(), parsed.waId(), vcard));
  }

  private static void poll(EvoContent c, JsonObject poll) {
    c.type = MessageType.POLL;
    c.text = string(poll, "name");
    c.contextInfo = object(poll, "contextInfo");
    JsonObject p = new JsonObject().put("name", c.text);
    JsonArray options = new JsonArray();
    JsonArray raw = array(poll, "options");
    if (raw != null) {
      for (int i = 0; i < raw.size() && i < 64; i++) {
        if (raw.getValue(i) instanceof JsonObject o && string(o, "optionName") != null) {
          options.add(string(o, "optionName"));
        }
      }
    }
    p.put("options", options);
    Long selectable = EvoJson.integral(poll == null ? null : poll.getValue("selectableOptionsCount"));
    if (selectable != null) {
      p.put("selectableOptionsCount", selectable);
    }
    c.extras.put("poll", p);
  }

  private static void interactive(EvoContent c, JsonObject r, String kind, String id, String title,
                                  String description, String responseJson) {
    c.type = MessageType.INTERACTIVE;
    c.text = title;
    c.interactive = new InteractiveReply(kind, id, title, description, responseJson);
    c.contextInfo = object(r, "contextInfo");
  }

  /** A WhatsApp Flows / native-flow button answer: the id is in {@code paramsJson}. */
  private static void nativeFlow(EvoContent c, JsonObject r) {
    JsonObject flow = object(r, "nativeFlowResponseMessage");
    String params = string(flow, "paramsJson");
    String id = null;
    if (params != null && params.length() < 65_536) {
      try {
        id = token(new JsonObject(params), "id");
      } catch (RuntimeException e) { // not a JSON object: no id
        id = null;
      }
    }
    String title = string(object(r, "body"), "text");
    interactive(c, r, "nfm_reply", id, title, null, params);
    if (flow != null && nonBlank(flow, "name") != null) {
      c.extras.put("flowName", clip(nonBlank(flow, "name")));
    }
  }

  private static void edited(EvoContent c, JsonObject edited) {
    JsonObject inner = object(edited, "message");
    JsonObject protocol = object(inner, "protocolMessage");
    if (protocol != null) {
      protocol(c, protocol);
      return;
    }
    c.type = MessageType.EDIT;
    c.text = textOf(inner);
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
