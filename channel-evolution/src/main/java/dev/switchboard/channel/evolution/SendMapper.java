package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;

/**
 * Maps an {@link OutboundMessage} to an Evolution API 2.3 {@code /message/<action>} call. Pure.
 *
 * <ul>
 *   <li>TEXT → {@code sendText {number, text}}</li>
 *   <li>IMAGE, VIDEO, DOCUMENT, AUDIO → {@code sendMedia {number, mediatype, media, mimetype?, caption?,
 *       fileName?}} ({@code media} = the media URL, else its id; no caption on audio)</li>
 *   <li>VOICE → {@code sendWhatsAppAudio {number, audio}} (Evolution converts it to a voice note)</li>
 *   <li>REACTION → {@code sendReaction {key: {remoteJid, fromMe, id}, reaction}}</li>
 *   <li>LOCATION, VENUE → {@code sendLocation {number, latitude, longitude, name, address}}</li>
 *   <li>CONTACTS → {@code sendContact {number, contact: [{fullName, wuid, phoneNumber, email?}]}}</li>
 * </ul>
 * {@code number} is {@code to} as given (digits or a JID). Every call but the reaction carries
 * {@code quoted: {key: {id}}} when the message replies to one, and {@code delay} when
 * {@code extrasJson.delay} asks for one. Anything else is refused without a call.
 */
final class SendMapper {

  private static final String USER_SERVER = "@s.whatsapp.net";

  private SendMapper() {
  }

  static SendPlan plan(OutboundMessage message) {
    JsonObject extras;
    try {
      extras = message.extrasJson() == null || message.extrasJson().isBlank()
          ? new JsonObject() : new JsonObject(message.extrasJson());
    } catch (DecodeException | ClassCastException e) {
      return SendPlan.Refuse.because("invalid_extras", "extrasJson is not a JSON object");
    }
    Object delayValue = extras.getValue("delay");
    if (delayValue != null && !isWholeNonNegative(delayValue)) {
      return SendPlan.Refuse.because("invalid_extras", "extras.delay must be a whole number of milliseconds");
    }
    Object fromMe = extras.getValue("targetFromMe");
    if (fromMe != null && !(fromMe instanceof Boolean)) {
      return SendPlan.Refuse.because("invalid_extras", "extras.targetFromMe must be true or false");
    }
    String to = message.to().strip();
    if (to.isEmpty()) {
      return SendPlan.Refuse.because("invalid_message", "to is empty");
    }
    SendPlan plan = switch (message.type()) {
      case TEXT -> text(message, to);
      case IMAGE, VIDEO, DOCUMENT, AUDIO -> media(message, to);
      case VOICE -> voice(message, to);
      case REACTION -> reaction(message.reaction(), to, Boolean.TRUE.equals(fromMe));
      case LOCATION, VENUE -> location(message.location(), to);
      case CONTACTS -> contacts(message, to);
      default -> SendPlan.Refuse.because("unsupported_type",
          "the Evolution channel cannot send " + message.type().label() + " messages");
    };
    return plan instanceof SendPlan.Call call ? withOptions(call, message, delayValue) : plan;
  }

  private static SendPlan text(OutboundMessage message, String to) {
    if (message.text() == null || message.text().isBlank()) {
      return SendPlan.Refuse.because("invalid_message", "a text message needs text");
    }
    return call("sendText", new JsonObject().put("number", to).put("text", message.text()));
  }

  private static SendPlan media(OutboundMessage message, String to) {
    MediaRef media = message.media();
    String source = media == null ? null : firstPresent(media.url(), media.id());
    if (source == null) {
      return SendPlan.Refuse.because("invalid_message", "a media message needs media.url or media.id");
    }
    JsonObject body = new JsonObject()
        .put("number", to)
        .put("mediatype", message.type().name().toLowerCase(Locale.ROOT))
        .put("media", source);
    putIfPresent(body, "mimetype", media.mimeType());
    if (message.type() != MessageType.AUDIO) {
      putIfPresent(body, "caption", firstPresent(message.text(), media.caption()));
    }
    putIfPresent(body, "fileName", media.fileName());
    return call("sendMedia", body);
  }

  private static SendPlan voice(OutboundMessage message, String to) {
    MediaRef media = message.media();
    String source = media == null ? null : firstPresent(media.url(), media.id());
    if (source == null) {
      return SendPlan.Refuse.because("invalid_message", "a voice message needs media.url or media.id");
    }
    return call("sendWhatsAppAudio", new JsonObject().put("number", to).put("audio", source));
  }

  private static SendPlan reaction(Reaction reaction, String to, boolean targetFromMe) {
    if (reaction == null || reaction.targetMessageId() == null || reaction.targetMessageId().isBlank()) {
      return SendPlan.Refuse.because("invalid_message", "a reaction needs reaction.targetMessageId");
    }
    String remoteJid = asJid(to);
    if (remoteJid == null) {
      return SendPlan.Refuse.because("invalid_message", "to is neither a JID nor a phone number");
    }
    return call("sendReaction", new JsonObject()
        .put("key", new JsonObject().put("remoteJid", remoteJid).put("fromMe", targetFromMe)
            .put("id", reaction.targetMessageId()))
        .put("reaction", reaction.emoji()));
  }

  private static SendPlan location(Location location, String to) {
    if (location == null) {
      return SendPlan.Refuse.because("invalid_message", "a location message needs location");
    }
    // Evolution's schema requires name and address; empty strings are accepted
    return call("sendLocation", new JsonObject()
        .put("number", to)
        .put("latitude", location.latitude())
        .put("longitude", location.longitude())
        .put("name", location.name() == null ? "" : location.name())
        .put("address", location.address() == null ? "" : location.address()));
  }

  private static SendPlan contacts(OutboundMessage message, String to) {
    if (message.contacts().isEmpty()) {
      return SendPlan.Refuse.because("invalid_message", "a contacts message needs at least one contact");
    }
    JsonArray cards = new JsonArray();
    for (SharedContact contact : message.contacts()) {
      String userDigits = contact.platformUserId() == null ? "" : digits(contact.platformUserId().split("@")[0]);
      String phone = contact.phones().isEmpty() ? (userDigits.isEmpty() ? null : userDigits) : contact.phones().get(0);
      if (phone == null || phone.isBlank()) {
        return SendPlan.Refuse.because("invalid_message", "every shared contact needs a phone number");
      }
      String name = contact.name() == null || contact.name().isBlank() ? phone : contact.name();
      JsonObject card = new JsonObject()
          .put("fullName", name)
          .put("wuid", userDigits.isEmpty() ? digits(phone) : userDigits)
          .put("phoneNumber", phone);
      if (!contact.emails().isEmpty()) {
        card.put("email", contact.emails().get(0));
      }
      cards.add(card);
    }
    return call("sendContact", new JsonObject().put("number", to).put("contact", cards));
  }

  private static SendPlan withOptions(SendPlan.Call call, OutboundMessage message, Object delayValue) {
    JsonObject body = call.body();
    boolean reaction = message.type() == MessageType.REACTION;
    String replyTo = message.replyToMessageId();
    if (!reaction && replyTo != null && !replyTo.isBlank()) {
      body.put("quoted", new JsonObject().put("key", new JsonObject().put("id", replyTo)));
    }
    Duration delay = Duration.ZERO;
    if (!reaction && delayValue != null) {
      long millis = ((Number) delayValue).longValue();
      body.put("delay", millis);
      delay = Duration.ofMillis(millis);
    }
    return new SendPlan.Call(call.action(), body, delay);
  }

  private static SendPlan call(String action, JsonObject body) {
    return new SendPlan.Call(action, body, Duration.ZERO);
  }

  /** {@code to} as a JID: a JID as it is, a phone number (digits, maybe with + and spaces) as a user JID. */
  static String asJid(String to) {
    if (to.contains("@")) {
      return to;
    }
    String digits = digits(to);
    return digits.isEmpty() ? null : digits + USER_SERVER;
  }

  private static boolean isWholeNonNegative(Object value) {
    if (!(value instanceof Number number)) {
      return false;
    }
    double d = number.doubleValue();
    return d >= 0 && d == Math.rint(d) && d <= Integer.MAX_VALUE;
  }

  private static String digits(String text) {
    return text.replaceAll("\\D", "");
  }

  private static String firstPresent(String first, String second) {
    if (first != null && !first.isBlank()) {
      return first;
    }
    return second != null && !second.isBlank() ? second : null;
  }

  private static void putIfPresent(JsonObject body, String field, String value) {
    if (value != null && !value.isBlank()) {
      body.put(field, value);
    }
  }
}
