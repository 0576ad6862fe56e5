package dev.switchboard.channel.evolution;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Evolution signs nothing: a call is authentic when it presents the instance's API key (the
 * {@code apikey} header set in the webhook's {@code headers}, or the envelope's {@code apikey},
 * present when Evolution exposes it) and names the configured instance. Keys are compared in
 * constant time over their SHA-256 digests, so neither content nor length leaks through timing.
 */
final class EnvelopeAuthenticator {

  static final String HEADER = "apikey";

  private EnvelopeAuthenticator() {
  }

  /** True when {@code presented} is the configured key; false for null or blank on either side. */
  static boolean keyMatches(String presented, String expected) {
    if (presented == null || expected == null || expected.isBlank()) {
      return false;
    }
    return MessageDigest.isEqual(digest(presented), digest(expected));
  }

  /**
   * The instance the envelope names: {@code instance} (a string in 1.x and 2.x; an object with
   * {@code instanceName}/{@code name} in older CodeChat-style bodies), else the 1.x data's
   * {@code owner}. Null when there is none.
   */
  static String instanceOf(JsonObject root) {
    Object instance = root.getValue("instance");
    if (instance instanceof String s) {
      return s.isBlank() ? null : s;
    }
    if (instance instanceof JsonObject o) {
      String name = nonBlank(o, "instanceName");
      return name != null ? name : nonBlank(o, "name");
    }
    Object data = root.getValue("data");
    if (data instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof JsonObject first) {
      data = first;
    }
    return data instanceof JsonObject d ? nonBlank(d, "owner") : null;
  }

  /** The envelope's {@code apikey} when it is a string (Evolution writes null when not exposed). */
  static String bodyKey(JsonObject root) {
    return root.getValue("apikey") instanceof String s ? s : null;
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
