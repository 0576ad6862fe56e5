package dev.switchboard.gateway.store;

import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The {@code messages.content} column: a message's type-specific parts as one JSON object. */
public final class MessageContent {
  private MessageContent() {
  }

  /** JSON object text, or null when the message has no type-specific content. */
  public static String toJson(InboundMessage m) {
    JsonObject o = new JsonObject();
    if (m.media() != null) {
      o.put("media", media(m.media()));
    }
    if (m.location() != null) {
      Location l = m.location();
      o.put("location", compact(new JsonObject().put("latitude", l.latitude()).put("longitude", l.longitude())
          .put("name", l.name()).put("address", l.address()).put("url", l.url())));
    }
    if (!m.contacts().isEmpty()) {
      JsonArray arr = new JsonArray();
      for (SharedContact c : m.contacts()) {
        arr.add(compact(new JsonObject().put("name", c.name()).put("phones", new JsonArray(c.phones()))
            .put("emails", new JsonArray(c.emails())).put("platformUserId", c.platformUserId())
            .put("vcard", c.vcard())));
      }
      o.put("contacts", arr);
    }
    if (m.interactive() != null) {
      InteractiveReply r = m.interactive();
      o.put("interactive", compact(new JsonObject().put("kind", r.kind()).put("id", r.id()).put("title", r.title())
          .put("description", r.description()).put("responseJson", r.responseJson())));
    }
    if (m.reaction() != null) {
      o.put("reaction", compact(new JsonObject().put("messageId", m.reaction().targetMessageId())
          .put("emoji", m.reaction().emoji())));
    }
    if (m.extrasJson() != null && !m.extrasJson().isBlank()) {
      o.put("extras", new JsonObject(m.extrasJson()));
    }
    return o.isEmpty() ? null : o.encode();
  }

  private static JsonObject media(MediaRef r) {
    JsonObject o = compact(new JsonObject().put("id", r.id()).put("url", r.url()).put("mimeType", r.mimeType())
        .put("sha256", r.sha256()).put("fileName", r.fileName()).put("caption", r.caption())
        .put("sizeBytes", r.sizeBytes()));
    if (r.voice()) {
      o.put("voice", true);
    }
    if (r.animated()) {
      o.put("animated", true);
    }
    return o;
  }

  private static JsonObject compact(JsonObject o) {
    o.getMap().values().removeIf(v -> v == null);
    return o;
  }
}
