package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoJson.bool;
import static dev.switchboard.channel.evolution.EvoJson.clip;
import static dev.switchboard.channel.evolution.EvoJson.token;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deletions and edits reported outside {@code messages.upsert}: a {@code messages.update} with
 * status {@code DELETED}, {@code messages.delete} (the deleted message's key) and
 * {@code messages.edited} (the {@code protocolMessage}: {@code REVOKE} or {@code MESSAGE_EDIT}).
 * Evolution 2.x skips protocol messages in upserts, so these are its only report of them.
 *
 * <p>They become REVOKE / EDIT messages about the original ({@code relatedMessageId}). Revokes
 * are keyed {@code <instance>:revoke:<id>} whichever event reported them, so the same deletion
 * reported twice is stored once. The key's {@code fromMe} is the original's: an edit or deletion
 * of the business's own message is OUTBOUND/BUSINESS_API (it cannot be told whether a person or
 * an API client did it, and it is no reply, so it must not pause the bot).
 */
final class EvoRevisionDecoder {

  private EvoRevisionDecoder() {
  }

  /** {@code messages.delete}: data is the deleted message's key (2.x adds {@code status: DELETED}). */
  static InboundEvent deleted(JsonObject item, Envelope env) {
    JsonObject target = object(item, "key") != null ? object(item, "key") : item;
    String id = token(target, "id");
    if (id == null) {
      id = token(item, "keyId");
    }
    if (id == null) {
      throw new EvoUndecodableException("id is missing");
    }
    return revoke(id, target, item, env.receivedAt(), env);
  }

  /** {@code messages.edited}: data is the protocol message (or a message carrying one). */
  static InboundEvent edited(JsonObject item, Envelope env) {
    JsonObject protocol = object(item, "protocolMessage");
    if (protocol == null && object(object(item, "message"), "protocolMessage") != null) {
      protocol = object(object(item, "message"), "protocolMessage");
    }
    if (protocol == null) {
      protocol = item;
    }
    JsonObject target = object(protocol, "key");
    String id = token(target, "id");
    if (id == null) {
      throw new EvoUndecodableException("key.id is missing");
    }
    String type = EvoContentDecoder.protocolType(protocol);
    Instant occurredAt = EvoTimestamps.millis(protocol.getValue("timestampMs"), env.receivedAt());
    if ("REVOKE".equals(type)) {
      return revoke(id, target, item, occurredAt, env);
    }
    if (!"MESSAGE_EDIT".equals(type)) {
      return EvoNotices.notice(env.hashKey("notice", item), env, Kind.UNHANDLED,
          "messages.edited:" + clip(type == null ? "?" : type), List.of(), occurredAt,
          EvoRawJson.of(env, item));
    }
    Long ts = EvoJson.integral(protocol.getValue("timestampMs"));
    String version = ts != null ? Long.toString(ts)
        : Envelope.sha256Hex(item.encode()).substring(0, 16);
    EvoContent content = new EvoContent();
    EvoContentDecoder.protocol(content, protocol);
    return message(env.instance() + ":edit:" + id + ":" + version, "edit:" + id + ":" + version,
        MessageType.EDIT, content.text, id, target, item, occurredAt, env);
  }

  /** A REVOKE of message {@code id}; {@code target} holds its remoteJid/fromMe/participant. */
  static InboundEvent revoke(String id, JsonObject target, JsonObject item, Instant occurredAt,
                             Envelope env) {
    return message(env.instance() + ":revoke:" + id, "revoke:" + id, MessageType.REVOKE, null, id,
        target, item, occurredAt, env);
  }

  private static InboundEvent message(String key, String platformId, MessageType type, String text,
                                      String relatedId, JsonObject target, JsonObject item,
                                      Instant occurredAt, Envelope env) {
    Jid remote = Jid.parse(nonBlank(target, "remoteJid"));
    if (remote != null && remote.isBroadcastLike()) {
      return EvoNotices.notice(key, env, Kind.UNHANDLED, remote.broadcastKind(), List.of(),
          occurredAt, EvoRawJson.of(env, item));
    }
    boolean fromMe = Boolean.TRUE.equals(bool(target, "fromMe"));
    Map<String, Object> extras = new LinkedHashMap<>();
    JidParty party = JidParty.of(target, fromMe, null, item, extras);
    extras.put("event", env.event());
    return InboundMessage.builder()
        .idempotencyKey(key)
        .accountRef(env.instance())
        .platformMessageId(platformId)
        .chatId(party.chatId())
        .contact(party.contact())
        .direction(fromMe ? Direction.OUTBOUND : Direction.INBOUND)
        .author(fromMe ? Author.BUSINESS_API : Author.CONTACT)
        .type(type)
        .text(text)
        .relatedMessageId(relatedId)
        .extrasJson(env.redact(new JsonObject(extras).encode()))
        .occurredAt(occurredAt)
        .rawJson(EvoRawJson.of(env, item))
        .build();
  }
}
