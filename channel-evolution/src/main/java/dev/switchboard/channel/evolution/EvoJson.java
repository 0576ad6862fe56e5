package dev.switchboard.channel.evolution;


import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Type-checked, lenient reads from Vert.x JSON that never throw: a field that is absent or of
 * another JSON type reads as null. Also understands the two encodings Baileys leaks into
 * Evolution's JSON: protobuf Longs ({@code {"low":…,"high":…,"unsigned":…}}) and byte arrays
 * serialised as index-keyed objects ({@code {"0":242,"1":114,…}}).
 */
final class EvoJson {

  /** Longest id, JID or name we accept from a payload; anything longer is hostile. */
  static final int MAX_TOKEN = 256;
  private static final int MAX_BYTES = 128;
  /** Shorter keys are not searched for: replacing them could corrupt ordinary JSON text. */
  private static final int MIN_SECRET = 8;

  private EvoJson() {
  }





  /** A short identifier: a non-blank string or an integral number as text, at most {@link #MAX_TOKEN} chars. */
  static String token(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    String s = null;
    if (v instanceof String str) {
      s = str.trim();
    } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      s = v.toString();
    }
    return s == null || s.isEmpty() || s.length() > MAX_TOKEN ? null : s;
  }

  /** True when the field is JSON {@code true} or the string {@code "true"}. */
  static boolean isTrue(JsonObject o, String key) {
    if (o == null) {
      return false;
    }
    Object v = o.getValue(key);
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }

  /** The field as a boolean, or null when it is neither a boolean nor "true"/"false". */
  static Boolean bool(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v)) {
      return Boolean.TRUE;
    }
    if ("false".equals(v)) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** A number or numeric string as a finite double, else null. */
  static Double number(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    Object v = o.getValue(key);
    double d;
    if (v instanceof Number n) {
      d = n.doubleValue();
    } else if (v instanceof String s && !s.isBlank() && s.length() < 64) {
      try {
        d = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    } else {
      return null;
    }
    return Double.isFinite(d) ? d : null;
  }

  /**
   * An integral value: a JSON integer, an integral float, a numeric string, or a protobuf Long
   * object ({@code low}/{@code high} 32-bit halves). Null when it is none of these.
   */
  static Long integral(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : null;
    }
    if (v instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        return null;
      }
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e18 ? (long) d : null;
    }
    if (v instanceof String s) {
      String t = s.trim();
      if (t.isEmpty() || t.length() > 19) {
        return null;
      }
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (v instanceof JsonObject o) {
      Long low = integral32(o.getValue("low"));
      Long high = integral32(o.getValue("high"));
      if (low == null || high == null) {
        return null;
      }
      return (high << 32) | (low & 0xFFFFFFFFL);
    }
    return null;
  }

  private static Long integral32(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      return l >= Integer.MIN_VALUE && l <= 0xFFFFFFFFL ? l : null;
    }
    return null;
  }

  /**
   * Binary fields (hashes) as text: a string is returned as is; Baileys' index-keyed byte object,
   * a Node {@code {"type":"Buffer","data":[…]}} or an array of bytes becomes standard base64.
   */
  static String bytes(Object v) {
    if (v instanceof String s) {
      return s.isEmpty() || s.length() > MAX_TOKEN ? null : s;
    }
    if (v instanceof JsonObject o) {
      if ("Buffer".equals(o.getValue("type")) && o.getValue("data") instanceof JsonArray a) {
        return bytes(a);
      }
      int n = o.size();
      if (n == 0 || n > MAX_BYTES) {
        return null;
      }
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        Integer b = octet(o.getValue(Integer.toString(i)));
        if (b == null) {
          return null;
        }
        out[i] = (byte) (int) b;
      }
      return Base64.getEncoder().encodeToString(out);
    }
    if (v instanceof JsonArray a) {
      int n = a.size();
      if (n == 0 || n > MAX_BYTES) {
        return null;
      }
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        Integer b = octet(a.getValue(i));
        if (b == null) {
          return null;
        }
        out[i] = (byte) (int) b;
      }
      return Base64.getEncoder().encodeToString(out);
    }
    return null;
  }

  private static Integer octet(Object v) {
    if (v instanceof Integer i && i >= 0 && i <= 255) {
      return i;
    }
    return null;
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

  /**
   * Removes every occurrence of {@code secret} (as written and as JSON-escaped) from {@code json}.
   * A last line of defence: the instance's API key must never reach the ledger, whatever field an
   * event put it in.
   */
  static String redact(String json, String secret) {
    if (json == null || secret == null || secret.length() < MIN_SECRET) {
      return json;
    }
    String out = json.replace(secret, "[redacted]");
    String quoted = Json.encode(secret);
    String escaped = quoted.substring(1, quoted.length() - 1);
    return escaped.equals(secret) ? out : out.replace(escaped, "[redacted]");
  }
}
