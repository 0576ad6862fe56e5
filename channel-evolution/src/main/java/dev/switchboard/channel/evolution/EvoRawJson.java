package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.json.JsonFields;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The {@code rawJson} of an event: the item's JSON without what must not be kept. Inline media
 * ({@code base64}, possibly megabytes) is dropped; a pairing QR's {@code code}, {@code base64} and
 * {@code pairingCode} are dropped (whoever holds them can link the number); the instance's API key
 * is redacted; and an item larger than {@link #MAX_CHARS} is replaced by a size note.
 */
final class EvoRawJson {

  static final int MAX_CHARS = 262_144;
  private static final Set<String> QR_SECRETS = Set.of("code", "base64", "pairingCode");
  private static final int MAX_DEPTH = 3;

  private EvoRawJson() {
  }

  /** The sanitised, redacted JSON text of {@code item}. */
  static String of(Envelope env, Object item) {
    Object clean = sanitize(item);
    String json = clean instanceof JsonObject o ? o.encode()
        : clean instanceof JsonArray a ? a.encode() : io.vertx.core.json.Json.encode(clean); // "x" → "\"x\"": always JSON
    if (json.length() > MAX_CHARS) {
      json = new JsonObject().put("omitted", "too large").put("chars", json.length()).encode();
    }
    return env.redact(json);
  }

  /** A copy of {@code item} without inline media and QR secrets (only copies what it changes). */
  static Object sanitize(Object item) {
    if (item instanceof JsonObject o) {
      return clean(o, 0, false);
    }
    if (item instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(e -> out.add(e instanceof JsonObject o ? clean(o, 1, false) : e));
      return out;
    }
    return item;
  }

  /** True when {@code message.base64} (inline media) is present in the item. */
  static boolean hasInlineMedia(JsonObject item) {
    return JsonFields.object(item, "message") != null
        && JsonFields.object(item, "message").containsKey("base64");
  }

  private static JsonObject clean(JsonObject o, int depth, boolean qr) {
    JsonObject out = new JsonObject();
    for (String field : o.fieldNames()) {
      Object v = o.getValue(field);
      if ("base64".equals(field) || (qr && QR_SECRETS.contains(field))) {
        continue;
      }
      if (v instanceof JsonObject child && depth < MAX_DEPTH) {
        out.put(field, clean(child, depth + 1, "qrcode".equals(field)));
      } else {
        out.put(field, v);
      }
    }
    return out;
  }
}
