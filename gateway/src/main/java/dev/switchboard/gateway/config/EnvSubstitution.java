package dev.switchboard.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every string of a config tree with the
 * environment variable's value. An unset variable without a default is an error naming the key.
 */
public final class EnvSubstitution {
  private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Map<String, String> env;

  public EnvSubstitution(Map<String, String> env) {
    this.env = env;
  }

  public JsonObject apply(JsonObject tree) {
    return (JsonObject) walk(tree.copy(), "");
  }

  private Object walk(Object node, String key) {
    if (node instanceof JsonObject obj) {
      for (String field : obj.fieldNames()) {
        obj.put(field, walk(obj.getValue(field), key.isEmpty() ? field : key + "." + field));
      }
      return obj;
    }
    if (node instanceof JsonArray arr) {
      for (int i = 0; i < arr.size(); i++) {
        arr.set(i, walk(arr.getValue(i), key + "[" + i + "]"));
      }
      return arr;
    }
    if (node instanceof String s && s.contains("${")) {
      return substitute(s, key);
    }
    return node;
  }

  private String substitute(String value, String key) {
    Matcher m = REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (m.group(2) != null && (v == null || v.isEmpty())) {
        v = m.group(2); // like the shell: ':-' means unset or empty
      }
      if (v == null) {
        throw new ConfigError(key, "environment variable " + m.group(1) + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
