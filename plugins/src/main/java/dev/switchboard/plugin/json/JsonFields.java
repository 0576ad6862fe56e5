package dev.switchboard.plugin.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Lenient, type-checked field access for webhook decoders: a field of the wrong JSON type reads as
 * absent (null) instead of throwing, so hostile or unexpected payloads never break a decoder.
 * Every accessor accepts a null object.
 */
public final class JsonFields {
  private JsonFields() {
  }

  /** The field when it is a JSON object, else null. */
  public static JsonObject object(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonObject j ? j : null;
  }

  /** The field when it is a JSON array, else null. */
  public static JsonArray array(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonArray a ? a : null;
  }

  /** The field when it is a JSON string, else null. */
  public static String string(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof String s ? s : null;
  }

  /** The field when it is a non-blank JSON string, else null. */
  public static String nonBlank(JsonObject o, String key) {
    String s = string(o, key);
    return s == null || s.isBlank() ? null : s;
  }
}
