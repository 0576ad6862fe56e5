package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.plugin.model.MessageType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and checks a {@code POST /v1/messages} body, before anything is stored: every failure is a
 * {@code 400 invalid_request} whose message names the field. What depends on the channel (its
 * content kinds, text limits, recipient format) is checked later against the channel plugin's
 * declared capabilities ({@link SendValidator}).
 */
public final class SendRequestParser {
  static final Set<String> CONTENT_FIELDS = Set.of("text", "media", "template", "interactive", "reaction",
      "location", "contacts");
  private static final Set<String> KNOWN_FIELDS = Set.of("channel", "to", "conversationId", "text", "previewUrl",
      "media", "template", "interactive", "reaction", "location", "contacts", "idempotencyKey", "replyTo");
  private static final Map<String, MessageType> MEDIA_KINDS = Map.of("image", MessageType.IMAGE,
      "video", MessageType.VIDEO, "audio", MessageType.AUDIO, "voice", MessageType.VOICE,
      "document", MessageType.DOCUMENT, "sticker", MessageType.STICKER);
  /** Longest text the API takes at all (channels set their own, lower, limits). */
  static final int MAX_TEXT = 65_536;
  private static final int MAX_SHORT = 1_024;

  private SendRequestParser() {
  }

  public static SendCommand parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!KNOWN_FIELDS.contains(field)) {
        throw invalid(field, "is not a field of a send (see the API reference)");
      }
    }
    List<String> content = CONTENT_FIELDS.stream().filter(f -> body.getValue(f) != null).sorted().toList();
    if (content.size() != 1) {
      throw invalid(content.isEmpty() ? "text" : String.join(", ", content),
          "exactly one of text, media, template, interactive, reaction, location, contacts is required");
    }
    String channel = optionalString(body, "channel", 40);
    String to = optionalString(body, "to", 200);
    Long conversationId = null;
    if (body.getValue("conversationId") != null) {
      conversationId = Ids.CONVERSATION.parse(string(body, "conversationId", 40));
      if (conversationId == null) {
        throw invalid("conversationId", "is not a conversation id");
      }
      if (to != null) {
        throw invalid("to", "give either conversationId or channel and to, not both");
      }
    } else {
      if (channel == null) {
        throw invalid("channel", "is required (or give conversationId)");
      }
      if (to == null || to.isBlank()) {
        throw invalid("to", "is required (or give conversationId)");
      }
    }
    String key = optionalString(body, "idempotencyKey", 200);
    if (key != null && key.isBlank()) {
      throw invalid("idempotencyKey", "must not be blank");
    }
    Long replyTo = null;
    if (body.getValue("replyTo") != null) {
      replyTo = Ids.MESSAGE.parse(string(body, "replyTo", 40));
      if (replyTo == null) {
        throw invalid("replyTo", "is not a message id");
      }
    }
    if (body.getValue("previewUrl") != null && !(body.getValue("previewUrl") instanceof Boolean)) {
      throw invalid("previewUrl", "must be true or false");
    }
    Content c = switch (content.get(0)) {
      case "text" -> text(body);
      case "media" -> media(object(body, "media"));
      case "template" -> template(object(body, "template"));
      case "interactive" -> interactive(object(body, "interactive"));
      case "reaction" -> reaction(object(body, "reaction"), replyTo);
      case "location" -> location(object(body, "location"));
      default -> contacts(array(body, "contacts"));
    };
    if (c.type() == MessageType.REACTION) {
      replyTo = c.referenced();
    }
    if (replyTo != null) {
      c.json().put("replyTo", Ids.MESSAGE.format(replyTo));
    }
    return new SendCommand(channel, to, conversationId, c.type(), c.json(), c.text(), replyTo, key, hash(body));
  }

  private record Content(MessageType type, JsonObject json, String text, Long referenced) {
    Content(MessageType type, JsonObject json, String text) {
      this(type, json, text, null);
    }
  }

  private static Content text(JsonObject body) {
    String text = string(body, "text", MAX_TEXT);
    if (text.isBlank()) {
      throw invalid("text", "must not be empty");
    }
    JsonObject json = new JsonObject().put("type", "text").put("text", text);
    if (Boolean.TRUE.equals(body.getValue("previewUrl"))) {
      json.put("previewUrl", true);
    }
    return new Content(MessageType.TEXT, json, text);
  }

  private static Content media(JsonObject media) {
    String kind = string(media, "media.kind", "kind", 20);
    MessageType type = MEDIA_KINDS.get(kind);
    if (type == null) {
      throw invalid("media.kind", "must be one of image, video, audio, voice, document, sticker");
    }
    String url = optionalString(media, "media.url", "url", 2048);
    String id = optionalString(media, "media.platformMediaId", "platformMediaId", 512);
    if ((url == null) == (id == null)) {
      throw invalid("media.url", "give exactly one of media.url and media.platformMediaId");
    }
    if (url != null && !HttpsUrl.isValid(url)) {
      throw invalid("media.url", "must be an absolute https:// URL");
    }
    if (id != null && id.isBlank()) {
      throw invalid("media.platformMediaId", "must not be blank");
    }
    String caption = optionalString(media, "media.caption", "caption", MAX_TEXT);
    String filename = optionalString(media, "media.filename", "filename", 255);
    for (String f : media.fieldNames()) {
      if (!Set.of("kind", "url", "platformMediaId", "caption", "filename").contains(f)) {
        throw invalid("media." + f, "is not a field of media");
      }
    }
    JsonObject json = new JsonObject().put("type", kind).put("media", new JsonObject().put("url", url).put("id", id)
        .put("caption", caption).put("filename", filename));
    return new Content(type, json, caption);
  }

  private static Content template(JsonObject t) {
    String name = string(t, "template.name", "name", 512);
    if (!name.matches("[a-z0-9_]{1,512}")) {
      throw invalid("template.name", "must be a template name (lower case letters, digits and _)");
    }
    Object lang = t.getValue("language");
    String code;
    if (lang instanceof String s) {
      code = s;
    } else if (lang instanceof JsonObject o && o.getValue("code") instanceof String s) {
      code = s;
    } else {
      throw invalid("template.language", "is required: a language code such as en_US (or {\"code\": \"en_US\"})");
    }
    if (!code.matches("[a-z]{2,3}(_[A-Za-z]{2,4})?")) {
      throw invalid("template.language", "must be a language code such as en or en_US");
    }
    Object components = t.getValue("components");
    if (components != null && !(components instanceof JsonArray)) {
      throw invalid("template.components", "must be a list");
    }
    JsonArray list = components == null ? new JsonArray() : (JsonArray) components;
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject comp) || !(comp.getValue("type") instanceof String)) {
        throw invalid("template.components[" + i + "]", "must be an object with a type (header, body, button)");
      }
    }
    JsonObject template = new JsonObject().put("name", name)
        .put("language", new JsonObject().put("code", code)).put("components", list);
    return new Content(MessageType.TEMPLATE, new JsonObject().put("type", "template").put("template", template), null);
  }

  private static Content interactive(JsonObject i) {
    String body = string(i, "interactive.body", "body", MAX_SHORT);
    if (body.isBlank()) {
      throw invalid("interactive.body", "must not be empty");
    }
    JsonObject canonical;
    if (i.getValue("buttons") != null) {
      JsonArray buttons = array(i, "interactive.buttons", "buttons");
      if (buttons.isEmpty() || buttons.size() > 10) {
        throw invalid("interactive.buttons", "must hold 1 to 10 buttons");
      }
      JsonArray out = new JsonArray();
      for (int n = 0; n < buttons.size(); n++) {
        String field = "interactive.buttons[" + n + "]";
        if (!(buttons.getValue(n) instanceof JsonObject b)) {
          throw invalid(field, "must be an object with id and title");
        }
        out.add(new JsonObject().put("id", string(b, field + ".id", "id", 256))
            .put("title", string(b, field + ".title", "title", 40)));
      }
      canonical = new JsonObject().put("type", "buttons").put("buttons", out);
    } else if (i.getValue("sections") != null) {
      String button = string(i, "interactive.button", "button", 40);
      JsonArray sections = array(i, "interactive.sections", "sections");
      if (sections.isEmpty() || sections.size() > 10) {
        throw invalid("interactive.sections", "must hold 1 to 10 sections");
      }
      JsonArray out = new JsonArray();
      for (int s = 0; s < sections.size(); s++) {
        String field = "interactive.sections[" + s + "]";
        if (!(sections.getValue(s) instanceof JsonObject sec)) {
          throw invalid(field, "must be an object with title and rows");
        }
        JsonArray rows = array(sec, field + ".rows", "rows");
        if (rows.isEmpty() || rows.size() > 10) {
          throw invalid(field + ".rows", "must hold 1 to 10 rows");
        }
        JsonArray rowsOut = new JsonArray();
        for (int r = 0; r < rows.size(); r++) {
          String rf = field + ".rows[" + r + "]";
          if (!(rows.getValue(r) instanceof JsonObject row)) {
            throw invalid(rf, "must be an object with id and title");
          }
          rowsOut.add(new JsonObject().put("id", string(row, rf + ".id", "id", 200))
              .put("title", string(row, rf + ".title", "title", 24))
              .put("description", optionalString(row, rf + ".description", "description", 72)));
        }
        out.add(new JsonObject().put("title", optionalString(sec, field + ".title", "title", 24)).put("rows", rowsOut));
      }
      canonical = new JsonObject().put("type", "list").put("button", button).put("sections", out);
    } else {
      throw invalid("interactive.buttons", "interactive needs buttons, or button and sections");
    }
    return new Content(MessageType.INTERACTIVE,
        new JsonObject().put("type", "interactive").put("text", body).put("interactive", canonical), body);
  }

  private static Content reaction(JsonObject r, Long replyTo) {
    if (replyTo != null) {
      throw invalid("replyTo", "a reaction names its message in reaction.messageId");
    }
    Long target = Ids.MESSAGE.parse(string(r, "reaction.messageId", "messageId", 40));
    if (target == null) {
      throw invalid("reaction.messageId", "is not a message id");
    }
    String emoji = r.getValue("emoji") == null ? "" : string(r, "reaction.emoji", "emoji", 16);
    if (emoji.codePointCount(0, emoji.length()) > 8) {
      throw invalid("reaction.emoji", "must be one emoji, or empty to remove the reaction");
    }
    return new Content(MessageType.REACTION,
        new JsonObject().put("type", "reaction").put("reaction", new JsonObject().put("emoji", emoji)), null, target);
  }

  private static Content location(JsonObject l) {
    double lat = number(l, "location.latitude", "latitude", -90, 90);
    double lon = number(l, "location.longitude", "longitude", -180, 180);
    JsonObject json = new JsonObject().put("latitude", lat).put("longitude", lon)
        .put("name", optionalString(l, "location.name", "name", 1000))
        .put("address", optionalString(l, "location.address", "address", 1000));
    return new Content(MessageType.LOCATION, new JsonObject().put("type", "location").put("location", json), null);
  }

  private static Content contacts(JsonArray list) {
    if (list.isEmpty() || list.size() > 20) {
      throw invalid("contacts", "must hold 1 to 20 contacts");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      String field = "contacts[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject c)) {
        throw invalid(field, "must be an object with name and phones");
      }
      String name = string(c, field + ".name", "name", 500);
      JsonArray phones = array(c, field + ".phones", "phones");
      if (phones.isEmpty() || phones.size() > 20) {
        throw invalid(field + ".phones", "must hold 1 to 20 phone numbers");
      }
      JsonArray phonesOut = new JsonArray();
      for (int p = 0; p < phones.size(); p++) {
        if (!(phones.getValue(p) instanceof String s) || !s.matches("\\+?[0-9 ().-]{3,30}")) {
          throw invalid(field + ".phones[" + p + "]", "must be a phone number");
        }
        phonesOut.add(s);
      }
      out.add(new JsonObject().put("name", name).put("phones", phonesOut));
    }
    return new Content(MessageType.CONTACTS, new JsonObject().put("type", "contacts").put("contacts", out), null);
  }

  /** SHA-256 of the body with object keys sorted, so the same request hashes the same however it is laid out. */
  static String hash(JsonObject body) {
    return ApiKeys.sha256Hex(canonical(body).getBytes(StandardCharsets.UTF_8));
  }

  private static String canonical(Object value) {
    if (value instanceof JsonObject o) {
      TreeMap<String, Object> sorted = new TreeMap<>(o.getMap());
      StringBuilder sb = new StringBuilder("{");
      sorted.forEach((k, v) -> {
        if (v != null) {
          sb.append(sb.length() > 1 ? "," : "").append(io.vertx.core.json.Json.encode(k)).append(':').append(canonical(v));
        }
      });
      return sb.append('}').toString();
    }
    if (value instanceof Map<?, ?> m) {
      return canonical(new JsonObject(castMap(m)));
    }
    if (value instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) {
        sb.append(i > 0 ? "," : "").append(canonical(a.getValue(i)));
      }
      return sb.append(']').toString();
    }
    if (value instanceof List<?> l) {
      return canonical(new JsonArray(l));
    }
    return io.vertx.core.json.Json.encode(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  static ApiException invalid(String field, String message) {
    return new ApiException(400, "invalid_request", field + ": " + message);
  }

  private static String string(JsonObject o, String field, int max) {
    return string(o, field, field, max);
  }

  private static String string(JsonObject o, String field, String key, int max) {
    Object v = o.getValue(key);
    if (!(v instanceof String s)) {
      throw invalid(field, v == null ? "is required" : "must be a string");
    }
    if (s.length() > max) {
      throw invalid(field, "is longer than " + max + " characters");
    }
    if (s.indexOf('\u0000') >= 0) {
      throw invalid(field, "must not contain NUL characters");
    }
    return s;
  }

  private static String optionalString(JsonObject o, String field, int max) {
    return optionalString(o, field, field, max);
  }

  private static String optionalString(JsonObject o, String field, String key, int max) {
    return o.getValue(key) == null ? null : string(o, field, key, max);
  }

  private static JsonObject object(JsonObject o, String field) {
    if (!(o.getValue(field) instanceof JsonObject v)) {
      throw invalid(field, "must be an object");
    }
    return v;
  }

  private static JsonArray array(JsonObject o, String field) {
    return array(o, field, field);
  }

  private static JsonArray array(JsonObject o, String field, String key) {
    if (!(o.getValue(key) instanceof JsonArray v)) {
      throw invalid(field, o.getValue(key) == null ? "is required" : "must be a list");
    }
    return v;
  }

  private static double number(JsonObject o, String field, String key, double min, double max) {
    if (!(o.getValue(key) instanceof Number n)) {
      throw invalid(field, o.getValue(key) == null ? "is required" : "must be a number");
    }
    double d = n.doubleValue();
    if (!(d >= min && d <= max)) {
      throw invalid(field, "must be between " + min + " and " + max);
    }
    return d;
  }
}
