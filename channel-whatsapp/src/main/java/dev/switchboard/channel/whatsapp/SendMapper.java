package dev.switchboard.channel.whatsapp;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Maps an {@link OutboundMessage} to the JSON body of one Cloud API call,
 * {@code POST <apiBaseUrl>/<phone-number-id>/messages}. Pure: no I/O.
 *
 * <ul>
 *   <li>Every message: {@code messaging_product: "whatsapp"}, {@code recipient_type: "individual"},
 *       and {@code to} (E.164 digits, a leading '+' dropped) or, for a business-scoped user id
 *       ({@code US.13491208655302741918}, parent ids {@code US.ENT.…}), {@code recipient}; a reply
 *       adds {@code context: {message_id: replyToMessageId}} (not on reactions).</li>
 *   <li>TEXT → {@code text {preview_url (extras.previewUrl, default false), body}} (at most
 *       {@value #TEXT_LIMIT} characters); TEXT or INTERACTIVE with {@code interactiveJson} →
 *       {@code interactive} ({@link InteractiveObject}).</li>
 *   <li>IMAGE, VIDEO, DOCUMENT, AUDIO, STICKER → the object of that name with {@code id} (media.id)
 *       or else {@code link} (media.url); {@code caption} (text, else media.caption) on image, video
 *       and document; {@code filename} on document. VOICE → {@code audio} with {@code voice: true}.</li>
 *   <li>TEMPLATE → {@code template {name, language: {code, policy?}, components?}} from
 *       {@code templateJson} (a language given as a string becomes {@code {code}}).</li>
 *   <li>REACTION → {@code reaction {message_id, emoji}} (an empty emoji removes it).</li>
 *   <li>LOCATION, VENUE → {@code location {latitude, longitude, name?, address?}}.</li>
 *   <li>CONTACTS → {@code contacts [{name {formatted_name, first_name}, phones [{phone, wa_id?}],
 *       emails [{email}]}]}.</li>
 *   <li>SYSTEM {@code typing} → a read receipt with {@code typing_indicator: {type: "text"}};
 *       SYSTEM {@code markRead} → the read receipt alone ({@code status: "read", message_id}); the
 *       message is {@code targetMessageId}, else {@code replyToMessageId}.</li>
 * </ul>
 * Edits, revokes, keyboards and other kinds WhatsApp cannot carry are refused with
 * {@value SendRejection#UNSUPPORTED_CONTENT}; a message missing what its kind needs with
 * {@value SendRejection#INVALID_MESSAGE}.
 */
final class SendMapper {
  static final int TEXT_LIMIT = 4096;
  static final int CAPTION_LIMIT = 1024;

  private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://\\S+");

  private SendMapper() {
  }

  static SendPlan plan(OutboundMessage message) {
    try {
      JsonObject extras = extras(message.extrasJson());
      if (message.type() == MessageType.SYSTEM) {
        return new SendPlan.Call(readReceipt(message, extras), message.sendToken());
      }
      return new SendPlan.Call(message(message, extras), null);
    } catch (SendRejection rejection) {
      return new SendPlan.Refuse(rejection.toOutcome());
    }
  }

  private static JsonObject message(OutboundMessage message, JsonObject extras) {
    boolean interactive = message.interactiveJson() != null && !message.interactiveJson().isBlank();
    if (interactive && message.type() != MessageType.TEXT && message.type() != MessageType.INTERACTIVE) {
      throw SendRejection.unsupported("WhatsApp carries buttons and lists on a text body only, not on "
          + message.type().label() + " messages");
    }
    JsonObject body = recipient(message.to());
    String type;
    Object content;
    switch (message.type()) {
      case TEXT, INTERACTIVE -> {
        if (interactive) {
          type = "interactive";
          content = InteractiveObject.from(message.interactiveJson(), message.text());
        } else if (message.type() == MessageType.INTERACTIVE) {
          throw SendRejection.invalid("an interactive message needs interactiveJson");
        } else {
          type = "text";
          content = text(message.text(), extras);
        }
      }
      case IMAGE, VIDEO, DOCUMENT, AUDIO, VOICE, STICKER -> {
        type = message.type() == MessageType.VOICE ? "audio" : message.type().label();
        content = media(message);
      }
      case TEMPLATE -> {
        type = "template";
        content = template(message.templateJson());
      }
      case REACTION -> {
        type = "reaction";
        content = reaction(message.reaction());
      }
      case LOCATION, VENUE -> {
        type = "location";
        content = location(message.location());
      }
      case CONTACTS -> {
        type = "contacts";
        content = contacts(message);
      }
      case EDIT -> throw SendRejection.unsupported("WhatsApp cannot edit a message once sent");
      default -> throw SendRejection.unsupported("WhatsApp cannot send " + message.type().label() + " messages");
    }
    String replyTo = message.replyToMessageId();
    if (message.type() != MessageType.REACTION && replyTo != null && !replyTo.isBlank()) {
      body.put("context", new JsonObject().put("message_id", replyTo));
    }
    return body.put("type", type).put(type, content);
  }

  /** The addressing part of every message: {@code to} for a phone number, {@code recipient} for a BSUID. */
  private static JsonObject recipient(String to) {
    String value = to.strip();
    JsonObject body = new JsonObject().put("messaging_product", "whatsapp").put("recipient_type", "individual");
    if (Recipients.isBusinessScopedId(value)) {
      return body.put("recipient", value);
    }
    String digits = Recipients.phoneDigits(value);
    if (digits != null) {
      return body.put("to", digits);
    }
    throw new SendRejection(SendRejection.INVALID_RECIPIENT,
        "'to' must be a phone number in E.164 (7-15 digits, '+' optional) or a business-scoped user id such as "
            + "US.13491208655302741918");
  }

  private static JsonObject text(String text, JsonObject extras) {
    if (text == null || text.isBlank()) {
      throw SendRejection.invalid("text is empty");
    }
    SendRejection.checkLength("text", text, TEXT_LIMIT);
    Object preview = extras.getValue("previewUrl");
    if (preview != null && !(preview instanceof Boolean)) {
      throw SendRejection.invalid("extras.previewUrl must be true or false");
    }
    return new JsonObject().put("preview_url", Boolean.TRUE.equals(preview)).put("body", text);
  }

  private static JsonObject media(OutboundMessage message) {
    MediaRef media = message.media();
    String id = media == null ? null : blankToNull(media.id());
    String url = media == null ? null : blankToNull(media.url());
    if (id == null && url == null) {
      throw SendRejection.invalid("media needs an uploaded media id (media.id) or a URL (media.url)");
    }
    if (id == null && !isHttpUrl(url)) {
      throw SendRejection.invalid("media.url must be an http(s) URL");
    }
    JsonObject object = id != null ? new JsonObject().put("id", id) : new JsonObject().put("link", url);
    MessageType type = message.type();
    if (type == MessageType.IMAGE || type == MessageType.VIDEO || type == MessageType.DOCUMENT) {
      String caption = blankToNull(message.text()) != null ? message.text() : blankToNull(media.caption());
      SendRejection.checkLength("caption", caption, CAPTION_LIMIT);
      putIfSet(object, "caption", caption);
    }
    if (type == MessageType.DOCUMENT) {
      putIfSet(object, "filename", blankToNull(media.fileName()));
    }
    if (type == MessageType.VOICE) {
      object.put("voice", true);
    }
    return object;
  }

  private static JsonObject template(String templateJson) {
    JsonObject template = jsonObject(templateJson, "templateJson");
    String name = nonBlank(template, "name");
    if (name == null) {
      throw SendRejection.invalid("templateJson needs the template's name");
    }
    Object language = template.getValue("language");
    JsonObject lang = language instanceof String code && !code.isBlank() ? new JsonObject().put("code", code)
        : language instanceof JsonObject object && nonBlank(object, "code") != null ? object : null;
    if (lang == null) {
      throw SendRejection.invalid("templateJson needs a language: a code such as \"en_US\" or {\"code\": \"en_US\"}");
    }
    JsonObject out = new JsonObject().put("name", name).put("language", lang);
    Object components = template.getValue("components");
    if (components != null && !(components instanceof JsonArray)) {
      throw SendRejection.invalid("templateJson.components must be an array");
    }
    putIfSet(out, "components", components);
    return out;
  }

  private static JsonObject reaction(Reaction reaction) {
    String target = reaction == null ? null : blankToNull(reaction.targetMessageId());
    if (target == null) {
      throw SendRejection.invalid("a reaction needs reaction.targetMessageId");
    }
    return new JsonObject().put("message_id", target).put("emoji", reaction.emoji());
  }

  private static JsonObject location(Location location) {
    if (location == null) {
      throw SendRejection.invalid("location is missing");
    }
    JsonObject object = new JsonObject().put("latitude", location.latitude()).put("longitude", location.longitude());
    putIfSet(object, "name", blankToNull(location.name()));
    putIfSet(object, "address", blankToNull(location.address()));
    return object;
  }

  private static JsonArray contacts(OutboundMessage message) {
    if (message.contacts().isEmpty()) {
      throw SendRejection.invalid("contacts is empty");
    }
    JsonArray cards = new JsonArray();
    for (SharedContact contact : message.contacts()) {
      String waId = contact.platformUserId() != null && contact.platformUserId().matches("\\d{7,15}")
          ? contact.platformUserId() : null;
      JsonArray phones = new JsonArray();
      for (String phone : contact.phones()) {
        if (phone != null && !phone.isBlank()) {
          phones.add(new JsonObject().put("phone", phone));
        }
      }
      if (phones.isEmpty() && waId != null) {
        phones.add(new JsonObject().put("phone", "+" + waId));
      }
      if (waId != null) {
        phones.getJsonObject(0).put("wa_id", waId);
      }
      String name = blankToNull(contact.name()) != null ? contact.name()
          : phones.isEmpty() ? null : phones.getJsonObject(0).getString("phone");
      if (name == null) {
        throw SendRejection.invalid("every shared contact needs a name or a phone number");
      }
      JsonObject card = new JsonObject()
          .put("name", new JsonObject().put("formatted_name", name).put("first_name", name));
      if (!phones.isEmpty()) {
        card.put("phones", phones);
      }
      JsonArray emails = new JsonArray();
      contact.emails().stream().filter(e -> e != null && !e.isBlank())
          .forEach(e -> emails.add(new JsonObject().put("email", e)));
      if (!emails.isEmpty()) {
        card.put("emails", emails);
      }
      cards.add(card);
    }
    return cards;
  }

  /** SYSTEM actions: the read receipt, with the typing indicator for {@code typing}. */
  private static JsonObject readReceipt(OutboundMessage message, JsonObject extras) {
    String action = nonBlank(extras, "action");
    boolean typing = "typing".equals(action);
    if (!typing && !"markRead".equals(action)) {
      throw SendRejection.unsupported("system action '" + action + "' is not supported on WhatsApp (typing, markRead)");
    }
    String target = blankToNull(message.targetMessageId()) != null ? message.targetMessageId()
        : blankToNull(message.replyToMessageId());
    if (target == null) {
      throw SendRejection.invalid("WhatsApp shows " + (typing ? "typing" : "a read receipt")
          + " only on a received message: set targetMessageId (or replyToMessageId) to its wamid");
    }
    JsonObject body = new JsonObject().put("messaging_product", "whatsapp").put("status", "read")
        .put("message_id", target);
    if (typing) {
      body.put("typing_indicator", new JsonObject().put("type", "text"));
    }
    return body;
  }

  private static JsonObject extras(String extrasJson) {
    return extrasJson == null || extrasJson.isBlank() ? new JsonObject() : jsonObject(extrasJson, "extrasJson");
  }

  static JsonObject jsonObject(String json, String field) {
    if (json == null || json.isBlank()) {
      throw SendRejection.invalid(field + " is missing");
    }
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw SendRejection.invalid(field + " is not a JSON object");
    }
  }

  /** True for an absolute http(s) URL without whitespace. */
  static boolean isHttpUrl(String s) {
    return s != null && HTTP_URL.matcher(s).matches();
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void putIfSet(JsonObject object, String name, Object value) {
    if (value != null) {
      object.put(name, value);
    }
  }
}
