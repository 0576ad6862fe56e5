package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoJson.bool;
import static dev.switchboard.channel.evolution.EvoJson.clip;
import static dev.switchboard.channel.evolution.EvoJson.isTrue;
import static dev.switchboard.channel.evolution.EvoJson.token;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one {@code messages.upsert} or {@code send.message} item (a Baileys message as Evolution
 * prepares it) into an {@link InboundMessage}.
 *
 * <ul>
 *   <li>Key {@code <instance>:<key.id>:<fromMe>} for an upsert, {@code …:api} appended for a
 *       send.message: an upsert and the API echo of one message are two events of one message
 *       (stored once, by its id), so an echo that comes after the upsert still reaches the inbox
 *       and tells it that the message was an API send, not a person on the phone.</li>
 *   <li>Upsert, not fromMe → INBOUND/CONTACT; upsert, fromMe → OUTBOUND/BUSINESS_HUMAN (typed on
 *       the phone or a linked device; the gateway checks it against the ids it sent itself);
 *       send.message → OUTBOUND/BUSINESS_API.</li>
 *   <li>Status stories, broadcast lists and channels are acknowledged as UNHANDLED notices.</li>
 * </ul>
 */
final class UpsertDecoder {

  /** Which event the item came in. */
  enum Source { UPSERT, SEND }

  private UpsertDecoder() {
  }

  /** Who sent an item, as its key and event tell: its id, fromMe, and what follows from them. */
  private record Origin(String id, boolean fromMe, Direction direction, Author author) {
    static Origin of(JsonObject key, Source source) {
      Boolean fromMeField = bool(key, "fromMe");
      boolean fromMe = fromMeField != null ? fromMeField : source == Source.SEND;
      return new Origin(token(key, "id"), fromMe,
          source == Source.SEND || fromMe ? Direction.OUTBOUND : Direction.INBOUND,
          source == Source.SEND ? Author.BUSINESS_API : fromMe ? Author.BUSINESS_HUMAN : Author.CONTACT);
    }

    /** {@code <instance>:<key.id>:<fromMe>[:api]}. */
    String idempotencyKey(Envelope env) {
      return env.instance() + ":" + id + ":" + fromMe + (author == Author.BUSINESS_API ? ":api" : "");
    }
  }

  static InboundEvent decode(JsonObject item, Source source, Envelope env) {
    JsonObject key = object(item, "key");
    Origin origin = Origin.of(key, source);
    if (origin.id() == null) {
      throw new EvoUndecodableException("key.id is missing");
    }
    String id = origin.id();
    boolean fromMe = origin.fromMe();
    String idempotencyKey = origin.idempotencyKey(env);
    Instant occurredAt = EvoTimestamps.seconds(item.getValue("messageTimestamp"), env.receivedAt());

    Jid remote = Jid.parse(nonBlank(key, "remoteJid"));
    if (remote != null && remote.isBroadcastLike()) {
      return EvoNotices.notice(idempotencyKey, env, Kind.UNHANDLED, remote.broadcastKind(),
          List.of(), occurredAt, EvoRawJson.of(env, item));
    }

    Map<String, Object> extras = new LinkedHashMap<>();
    String pushName = nonBlank(item, "pushName");
    JidParty party = JidParty.of(key, fromMe, pushName, item, extras);
    EvoContent content = EvoContentDecoder.decode(object(item, "message"),
        nonBlank(item, "messageType"));

    JsonObject context = content.contextInfo != null ? content.contextInfo
        : object(item, "contextInfo");
    int forwarded = forwarded(context);
    String replyTo = token(context, "stanzaId");

    extras(extras, item, pushName, content);
    return InboundMessage.builder()
        .idempotencyKey(idempotencyKey)
        .accountRef(env.instance())
        .platformMessageId(id)
        .chatId(party.chatId())
        .contact(party.contact())
        .direction(origin.direction())
        .author(origin.author())
        .type(content.type)
        .text(content.text)
        .media(content.media)
        .location(content.location)
        .contacts(content.contacts)
        .interactive(content.interactive)
        .reaction(content.reaction)
        .replyToMessageId(replyTo)
        .relatedMessageId(content.relatedMessageId)
        .forwarded(forwarded)
        .errors(content.errors)
        .extrasJson(extras.isEmpty() ? null : env.redact(new JsonObject(extras).encode()))
        .occurredAt(occurredAt)
        .rawJson(EvoRawJson.of(env, item))
        .build();
  }

  /**
   * An item that could not be decoded, kept as an UNSUPPORTED message flagged with {@code reason}:
   * keyed as usual when it has a {@code key.id} (else by a hash of the item), with its chat and
   * contact when its key still names them, its time and its raw JSON. Status stories and broadcasts
   * stay notices, as they do when readable.
   */
  static InboundEvent undecodable(JsonObject item, Source source, Envelope env, String reason) {
    JsonObject key = object(item, "key");
    Origin origin = Origin.of(key, source);
    Instant occurredAt = EvoTimestamps.seconds(item.getValue("messageTimestamp"), env.receivedAt());
    Jid remote = Jid.parse(nonBlank(key, "remoteJid"));
    if (remote != null && remote.isBroadcastLike()) {
      return EvoNotices.undecodable(env, item, occurredAt);
    }
    String idempotencyKey = origin.id() != null ? origin.idempotencyKey(env) : env.hashKey("undecodable", item);
    JidParty party;
    try {
      party = JidParty.of(key, origin.fromMe(), nonBlank(item, "pushName"), item, new LinkedHashMap<>());
    } catch (RuntimeException e) { // no remoteJid, or as unreadable as the rest: no chat then
      party = null;
    }
    return InboundMessage.undecodable(reason)
        .idempotencyKey(idempotencyKey)
        .accountRef(env.instance())
        .platformMessageId(origin.id() != null ? origin.id() : idempotencyKey)
        .chatId(party == null ? null : party.chatId())
        .contact(party == null ? null : party.contact())
        .direction(origin.direction())
        .author(origin.author())
        .occurredAt(occurredAt)
        .rawJson(EvoRawJson.of(env, item))
        .build();
  }

  /** 0 = not forwarded, 1 = forwarded, 2 = frequently forwarded (WhatsApp's score of 4 or more). */
  static int forwarded(JsonObject context) {
    Long score = context == null ? null : EvoJson.integral(context.getValue("forwardingScore"));
    if (score != null && score >= 4) {
      return 2;
    }
    return isTrue(context, "isForwarded") || (score != null && score > 0) ? 1 : 0;
  }

  private static void extras(Map<String, Object> extras, JsonObject item, String pushName,
                             EvoContent content) {
    putIfPresent(extras, "messageType", nonBlank(item, "messageType"));
    putIfPresent(extras, "status", nonBlank(item, "status"));
    putIfPresent(extras, "source", nonBlank(item, "source"));
    putIfPresent(extras, "instanceId", nonBlank(item, "instanceId"));
    putIfPresent(extras, "pushName", pushName);
    if (EvoRawJson.hasInlineMedia(item)) {
      extras.put("base64", "omitted");
    }
    extras.putAll(content.extras);
  }

  private static void putIfPresent(Map<String, Object> extras, String key, String value) {
    if (value != null) {
      extras.put(key, clip(value));
    }
  }
}
