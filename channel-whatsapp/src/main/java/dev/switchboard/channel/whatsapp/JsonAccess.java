package dev.switchboard.channel.whatsapp;


import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Type-checked reads from Vert.x JSON that never throw {@link ClassCastException}.
 *
 * <p>Two flavours: the lenient readers ({@link #string}, {@link #object}, …) answer null when a
 * field is absent <em>or</em> has another JSON type, and are used for content fields; the strict
 * readers ({@link #arrayOrEmpty}, {@link #objectAt}, {@link #requiredObject}) are used for the
 * envelope's containers and throw {@link MalformedPayloadException} with a path-only message.
 */
final class JsonAccess {

  private JsonAccess() {
  }





  /** A string or a number as text (ids and codes are sometimes numbers), else null. */
  static String scalar(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number n) {
      return numberText(n);
    }
    return null;
  }

  /** A number, or a string holding one, as a double; else null. */
  static Double number(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s && !s.isBlank() && s.length() < 64) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** True only when the field is the JSON literal {@code true}. */
  static boolean isTrue(JsonObject o, String key) {
    return o != null && Boolean.TRUE.equals(o.getValue(key));
  }

  /** The raw value (wrapped as JsonObject/JsonArray), or null. */
  static Object value(JsonObject o, String key) {
    return o == null ? null : o.getValue(key);
  }

  /** The array, an empty array when absent or null, or MALFORMED when it has another type. */
  static JsonArray arrayOrEmpty(JsonObject o, String key, String path) {
    Object v = o.getValue(key);
    if (v == null) {
      return new JsonArray();
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw new MalformedPayloadException(path + "." + key + " is not an array");
  }

  /** The object at {@code index}, or MALFORMED when the element is not an object. */
  static JsonObject objectAt(JsonArray a, int index, String path) {
    if (a.getValue(index) instanceof JsonObject j) {
      return j;
    }
    throw new MalformedPayloadException(path + "[" + index + "] is not an object");
  }

  /** The object field, or MALFORMED when absent or of another type. */
  static JsonObject requiredObject(JsonObject o, String key, String path) {
    if (o.getValue(key) instanceof JsonObject j) {
      return j;
    }
    throw new MalformedPayloadException(path + "." + key + " is not an object");
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Cuts a platform-supplied value used as a notice detail to a short, single-line token. */
  static String clip(String s) {
    if (s == null) {
      return null;
    }
    String t = s.length() > 64 ? s.substring(0, 64) : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }

  private static String numberText(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof java.math.BigInteger) {
      return n.toString();
    }
    if (n instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    double d = n.doubleValue();
    if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
