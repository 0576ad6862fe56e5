package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoJson.bool;
import static dev.switchboard.channel.evolution.EvoJson.clip;
import static dev.switchboard.channel.evolution.EvoJson.token;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Turns one {@code messages.update} item into a {@link StatusUpdate}. Three shapes are read:
 * 2.x ({@code keyId}, {@code remoteJid}, {@code fromMe}, {@code status} name), 1.x (the key
 * spread: {@code id}, {@code remoteJid}, {@code status} name, {@code datetime} in ms) and the raw
 * Baileys update ({@code key} + {@code update.status}, a number 0–5).
 *
 * <p>{@code SERVER_ACK}→sent, {@code DELIVERY_ACK}→delivered, {@code READ}/{@code PLAYED}→read,
 * {@code ERROR}→failed; {@code PENDING} (and any other name) is an UNHANDLED notice;
 * {@code DELETED} is a REVOKE message (see {@link EvoRevisionDecoder}).
 */
final class EvoStatusDecoder {

  static final PlatformError DELIVERY_ERROR = new PlatformError("ERROR", "Delivery failed",
      "WhatsApp reported the message as not delivered", null);
  private static final String[] NUMERIC = {"ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ",
      "PLAYED"};

  private EvoStatusDecoder() {
  }

  static InboundEvent decode(JsonObject item, Envelope env) {
    JsonObject key = object(item, "key");
    String keyId = first(token(item, "keyId"), token(key, "id"), token(item, "id"));
    if (keyId == null) {
      throw new EvoUndecodableException("keyId is missing");
    }
    String status = statusName(item.getValue("status"));
    if (status == null) {
      status = statusName(object(item, "update") == null ? null
          : object(item, "update").getValue("status"));
    }
    if (status == null) {
      throw new EvoUndecodableException("status is missing");
    }
    JsonObject target = key != null ? key : item;
    Instant occurredAt = EvoTimestamps.millis(item.getValue("datetime"), env.receivedAt());
    if ("DELETED".equals(status)) {
      return EvoRevisionDecoder.revoke(keyId, target, item, occurredAt, env);
    }
    String statusKey = env.instance() + ":status:" + keyId + ":" + status;
    MessageStatus mapped = switch (status) {
      case "SERVER_ACK" -> MessageStatus.SENT;
      case "DELIVERY_ACK" -> MessageStatus.DELIVERED;
      case "READ", "PLAYED" -> MessageStatus.READ;
      case "ERROR" -> MessageStatus.FAILED;
      default -> null;
    };
    if (mapped == null) {
      return EvoNotices.notice(statusKey, env, Kind.UNHANDLED, "messages.update:" + clip(status),
          List.of(), occurredAt, EvoRawJson.of(env, item));
    }
    Jid recipient = Jid.parse(nonBlank(target, "remoteJid"));
    JsonObject extras = new JsonObject().put("evolutionStatus", status);
    Boolean fromMe = bool(target, "fromMe");
    if (fromMe != null) {
      extras.put("fromMe", fromMe);
    }
    String participant = nonBlank(target, "participant");
    if (participant != null) {
      extras.put("participant", clip(participant));
    }
    String instanceId = nonBlank(item, "instanceId");
    if (instanceId != null) {
      extras.put("instanceId", clip(instanceId));
    }
    return new StatusUpdate(statusKey, env.instance(), keyId, mapped,
        recipient == null ? null : recipient.toString(),
        mapped == MessageStatus.FAILED ? List.of(DELIVERY_ERROR) : List.of(),
        env.redact(extras.encode()), occurredAt, EvoRawJson.of(env, item));
  }

  /** A status as its Evolution name (upper case), from a name or Baileys' number; null when neither. */
  static String statusName(Object value) {
    if (value instanceof String s && !s.isBlank() && s.length() <= 32
        && !s.trim().chars().allMatch(Character::isDigit)) {
      return s.trim().toUpperCase(Locale.ROOT);
    }
    Long n = EvoJson.integral(value);
    if (n != null && n >= 0 && n < NUMERIC.length) {
      return NUMERIC[n.intValue()];
    }
    return null;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
