package dev.switchboard.channel.evolution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One authenticated Evolution webhook call: {@code {"event","instance","data","date_time",…}}.
 * Knows the event name in canonical form ({@code messages.upsert} whether sent as that or as
 * {@code MESSAGES_UPSERT}), the items of {@code data}, and how to key and serialise an item so
 * that the instance's API key never leaves the decoder. Its {@code toString} names no secret.
 */
final class Envelope {

  private final String event;
  private final String instance;
  private final Object data;
  private final String dateTime;
  private final Instant receivedAt;
  private final String secret;

  Envelope(String event, String instance, Object data, String dateTime, Instant receivedAt,
           String secret) {
    this.event = event;
    this.instance = instance;
    this.data = data;
    this.dateTime = dateTime == null ? "" : dateTime;
    this.receivedAt = receivedAt;
    this.secret = secret;
  }

  /** {@code MESSAGES_UPSERT}, {@code messages-upsert} and {@code messages.upsert} all become {@code messages.upsert}. */
  static String canonicalEvent(String event) {
    return event.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
  }

  /** The canonical event name. */
  String event() {
    return event;
  }

  /** The configured (and matched) instance name: the account ref of every event. */
  String instance() {
    return instance;
  }

  Object data() {
    return data;
  }

  Instant receivedAt() {
    return receivedAt;
  }

  /**
   * The items {@code data} carries: each element of an array, each of {@code data.messages} (the
   * raw Baileys upsert shape), or {@code data} itself.
   */
  List<Object> items() {
    List<Object> out = new ArrayList<>();
    if (data instanceof JsonArray a) {
      a.forEach(out::add);
    } else if (data instanceof JsonObject o && o.getValue("key") == null
        && o.getValue("messages") instanceof JsonArray messages) {
      messages.forEach(out::add);
    } else {
      out.add(data);
    }
    return out;
  }

  /**
   * A key for things the platform gives no id: {@code <instance>:<kind>:<sha-256 of event,
   * date_time and the item's JSON>}. A retried delivery repeats all three; two real events differ
   * in at least one.
   */
  String hashKey(String kind, Object item) {
    String json = item instanceof JsonObject o ? o.encode()
        : item instanceof JsonArray a ? a.encode() : String.valueOf(item);
    return instance + ":" + kind + ":" + sha256Hex(event + "\u0000" + dateTime + "\u0000" + json);
  }

  /** Redacts the API key from a JSON text built from payload values (extras). */
  String redact(String json) {
    return EvoJson.redact(json, secret);
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "Envelope[event=" + event + ", instance=" + instance + "]";
  }
}
