package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.arrayOrEmpty;
import static dev.switchboard.channel.whatsapp.JsonAccess.clip;
import static dev.switchboard.channel.whatsapp.JsonAccess.objectAt;
import static dev.switchboard.channel.whatsapp.JsonAccess.requiredObject;
import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Walks an authentic, parsed webhook body ({@code object / entry[] / changes[]}) and routes each
 * change by {@code field}.
 *
 * <p>Robustness policy:
 * <ul>
 *   <li><b>Envelope → whole call MALFORMED.</b> {@code object} missing or not a string,
 *       {@code entry} not an array, and — inside it — an entry or change that is not an object, a
 *       {@code changes}/{@code messages}/{@code statuses}/{@code errors}/{@code message_echoes}/
 *       {@code contacts} that is present but not an array, an element of the message/status/echo
 *       arrays that is not an object, a missing {@code field}, or a non-object {@code value} on a
 *       messages/echoes change: Meta never sends these, so a 400 makes the fault visible.</li>
 *   <li><b>One item → one event.</b> A message or echo that is an object but cannot be fully
 *       read (no id, no user id, or any unexpected runtime failure while reading it) is still a
 *       message: an {@linkplain MessageDecoder#undecodable undecodable} UNSUPPORTED one, with its
 *       raw JSON and whatever id, user and time could be read, so that what Meta was told was
 *       received is stored and reaches the bot. A status that cannot be read becomes an UNDECODABLE
 *       notice with detail {@code status}. Either way the rest of the call is still accepted (so
 *       Meta does not retry the whole batch for 7 days).</li>
 *   <li><b>Content → lenient.</b> Fields of the wrong JSON type inside an item read as absent;
 *       an unusable timestamp falls back to the receive time.</li>
 * </ul>
 */
final class WebhookDecoder {

  static final String OBJECT = "whatsapp_business_account";

  private WebhookDecoder() {
  }

  static List<InboundEvent> decode(JsonObject root, String phoneNumberId, Instant receivedAt) {
    Object object = root.getValue("object");
    if (!(object instanceof String objectName)) {
      throw new MalformedPayloadException("object is missing or not a string");
    }
    if (!OBJECT.equals(objectName)) {
      return List.of(Notices.unhandled(null, "object:" + clip(objectName), receivedAt,
          root.encode(), "")); // the whole body is hashed: nothing outside it to tell deliveries apart
    }
    if (!(root.getValue("entry") instanceof JsonArray entries)) {
      throw new MalformedPayloadException("entry is missing or not an array");
    }
    List<InboundEvent> events = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = "entry[" + i + "]";
      JsonObject entry = objectAt(entries, i, "entry");
      Instant entryTime = Timestamps.parse(entry.getValue("time"), receivedAt);
      String scope = entry.getValue("id") + "|" + entry.getValue("time");
      JsonArray changes = arrayOrEmpty(entry, "changes", path);
      for (int j = 0; j < changes.size(); j++) {
        JsonObject change = objectAt(changes, j, path + ".changes");
        decodeChange(change, path + ".changes[" + j + "]", phoneNumberId, entryTime, receivedAt, scope,
            events);
      }
    }
    return events;
  }

  private static void decodeChange(JsonObject change, String path, String phoneNumberId,
                                   Instant entryTime, Instant receivedAt, String scope,
                                   List<InboundEvent> events) {
    String field = string(change, "field");
    if (field == null) {
      throw new MalformedPayloadException(path + ".field is missing or not a string");
    }
    boolean echoes = "smb_message_echoes".equals(field);
    if (!echoes && !"messages".equals(field)) {
      String account = scalar(object(object(change, "value"), "metadata"), "phone_number_id");
      events.add(Notices.unhandled(account, clip(field), entryTime, change.encode(), scope));
      return;
    }
    JsonObject value = requiredObject(change, "value", path);
    String valuePath = path + ".value";
    String account = scalar(object(value, "metadata"), "phone_number_id");
    if (!Objects.equals(account, phoneNumberId)) {
      events.add(Notices.notice(Kind.FOREIGN_ACCOUNT, account, clip(account), List.of(),
          entryTime, change.encode(), scope));
      return;
    }
    ChangeContext ctx = new ChangeContext(account,
        ContactDirectory.of(arrayOrEmpty(value, "contacts", valuePath)), receivedAt, scope);
    if (echoes) {
      each(value, "message_echoes", valuePath, ctx, MessageDecoder::echo,
          (item, reason) -> MessageDecoder.undecodable(item, ctx, MessageDecoder.Side.ECHO, reason), events);
    } else {
      each(value, "messages", valuePath, ctx, MessageDecoder::inbound,
          (item, reason) -> MessageDecoder.undecodable(item, ctx, MessageDecoder.Side.INBOUND, reason), events);
      each(value, "statuses", valuePath, ctx, StatusDecoder::decode,
          (item, reason) -> Notices.notice(Kind.UNDECODABLE, ctx.accountRef(), "status", List.of(),
              Timestamps.parse(item.getValue("timestamp"), ctx.receivedAt()), item.encode(), ctx.scope()),
          events);
    }
    JsonArray errors = arrayOrEmpty(value, "errors", valuePath);
    if (!errors.isEmpty()) {
      List<PlatformError> list = PlatformErrors.of(errors);
      events.add(Notices.notice(Kind.ERROR, account, PlatformErrors.codes(list), list, entryTime,
          change.encode(), scope));
    }
  }

  /**
   * Decodes each item of {@code value[key]}; an item the decoder cannot read becomes what
   * {@code unreadable} makes of it and the reason ({@link MessageDecoder.UndecodableException}'s
   * message, else {@code unreadable}).
   */
  private static void each(JsonObject value, String key, String path, ChangeContext ctx,
                           BiFunction<JsonObject, ChangeContext, ? extends InboundEvent> decoder,
                           BiFunction<JsonObject, String, ? extends InboundEvent> unreadable,
                           List<InboundEvent> events) {
    JsonArray items = arrayOrEmpty(value, key, path);
    for (int k = 0; k < items.size(); k++) {
      JsonObject item = objectAt(items, k, path + "." + key);
      InboundEvent event;
      try {
        event = decoder.apply(item, ctx);
      } catch (MessageDecoder.UndecodableException e) { // one bad item, not the batch
        event = unreadable.apply(item, e.getMessage());
      } catch (RuntimeException e) { // a shape nobody foresaw
        event = unreadable.apply(item, "unreadable");
      }
      events.add(event);
    }
  }
}
