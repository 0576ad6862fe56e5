package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes one Evolution API webhook call. Pure and stateless; never throws.
 *
 * <ol>
 *   <li>Only POST (else METHOD_NOT_ALLOWED).</li>
 *   <li>Authentic only with the instance's API key (header {@code apikey} or envelope
 *       {@code apikey}, see {@link EnvelopeAuthenticator}) and the configured instance name;
 *       otherwise UNAUTHENTIC with one message for every cause. A body that cannot be parsed is
 *       UNAUTHENTIC unless the header key was right, then MALFORMED.</li>
 *   <li>A body that is not a JSON object, or has no {@code event}, is MALFORMED.</li>
 *   <li>Routed by event: {@code messages.upsert} / {@code send.message} → messages
 *       ({@link UpsertDecoder}); {@code messages.update} → receipts ({@link EvoStatusDecoder});
 *       {@code messages.delete} / {@code messages.edited} → revokes and edits
 *       ({@link EvoRevisionDecoder}); {@code connection.update} / {@code qrcode.updated} →
 *       account state ({@link EvoAccountStateDecoder}); any other event → one UNHANDLED notice.
 *       A message item (upsert or send.message object) that cannot be read is still stored as an
 *       undecodable message; any other item of a known event that cannot be read is an
 *       UNDECODABLE notice. Never an error, so Evolution (which drops an event answered with 4xx)
 *       never loses the rest.</li>
 * </ol>
 *
 * <p>No event's {@code rawJson} holds the envelope: it is the item of {@code data}, without inline
 * media, without QR secrets, and with the API key redacted.
 */
final class EvolutionWebhookDecoder {

  static final String UNAUTHENTIC = "apikey or instance does not match the account";

  private EvolutionWebhookDecoder() {
  }

  static DecodeResult decode(WebhookRequest request, String instance, String apiKey) {
    try {
      String method = request.method() == null ? "" : request.method().toUpperCase(Locale.ROOT);
      if (!"POST".equals(method)) {
        return new DecodeResult.Rejected(DecodeResult.Reason.METHOD_NOT_ALLOWED,
            "only POST is accepted");
      }
      return decodePost(request, instance, apiKey);
    } catch (RuntimeException e) {
      // Last resort: the decoders are written not to throw; this keeps the contract if one does.
      return DecodeResult.malformed("unexpected payload shape");
    }
  }

  private static DecodeResult decodePost(WebhookRequest request, String instance, String apiKey) {
    if (instance == null || instance.isBlank() || apiKey == null || apiKey.isBlank()) {
      return DecodeResult.unauthentic(UNAUTHENTIC);
    }
    boolean headerOk = EnvelopeAuthenticator.keyMatches(
        request.header(EnvelopeAuthenticator.HEADER), apiKey);
    Object parsed;
    try {
      parsed = request.body().length == 0 ? null : Json.decodeValue(Buffer.buffer(request.body()));
    } catch (RuntimeException e) { // DecodeException, or a parser limit
      return headerOk ? DecodeResult.malformed("body is not valid JSON")
          : DecodeResult.unauthentic(UNAUTHENTIC);
    }
    if (!(parsed instanceof JsonObject root)) {
      return headerOk ? DecodeResult.malformed("body is not a JSON object")
          : DecodeResult.unauthentic(UNAUTHENTIC);
    }
    boolean keyOk = headerOk
        || EnvelopeAuthenticator.keyMatches(EnvelopeAuthenticator.bodyKey(root), apiKey);
    if (!keyOk || !Objects.equals(EnvelopeAuthenticator.instanceOf(root), instance)) {
      return DecodeResult.unauthentic(UNAUTHENTIC);
    }
    if (!(root.getValue("event") instanceof String event) || event.isBlank()
        || event.length() > EvoJson.MAX_TOKEN) {
      return DecodeResult.malformed("event is missing or not a string");
    }
    Object dateTime = root.getValue("date_time");
    Envelope env = new Envelope(Envelope.canonicalEvent(event), instance, root.getValue("data"),
        dateTime instanceof String s ? s : null, request.receivedAt(), apiKey);
    return DecodeResult.accepted(route(env));
  }

  private static List<InboundEvent> route(Envelope env) {
    List<InboundEvent> events = new ArrayList<>();
    switch (env.event()) {
      case "messages.upsert" -> messages(env, events, UpsertDecoder.Source.UPSERT);
      case "send.message" -> messages(env, events, UpsertDecoder.Source.SEND);
      case "messages.update" -> each(env, events, item -> EvoStatusDecoder.decode(item, env));
      case "messages.delete" -> each(env, events, item -> EvoRevisionDecoder.deleted(item, env));
      case "messages.edited" -> each(env, events, item -> EvoRevisionDecoder.edited(item, env));
      case "connection.update" -> one(env, events,
          data -> EvoAccountStateDecoder.connection(data, env));
      case "qrcode.updated" -> one(env, events, data -> EvoAccountStateDecoder.qrcode(data, env));
      default -> events.add(EvoNotices.unhandled(env, env.data(), EvoRawJson.of(env, env.data())));
    }
    return events;
  }

  /**
   * Decodes every message item of {@code data}; an object item that fails is still a message (an
   * undecodable one), anything else an UNDECODABLE notice.
   */
  private static void messages(Envelope env, List<InboundEvent> events, UpsertDecoder.Source source) {
    List<Object> items = env.items();
    if (items.isEmpty()) {
      events.add(EvoNotices.undecodable(env, env.data(), env.receivedAt()));
    }
    for (Object item : items) {
      InboundEvent event = null;
      if (item instanceof JsonObject o) {
        try {
          event = UpsertDecoder.decode(o, source, env);
        } catch (EvoUndecodableException e) {
          event = UpsertDecoder.undecodable(o, source, env, env.event() + ": " + e.getMessage());
        } catch (RuntimeException e) { // a shape nobody foresaw
          event = UpsertDecoder.undecodable(o, source, env, env.event() + ": unreadable");
        }
      }
      events.add(event != null ? event : EvoNotices.undecodable(env, item, env.receivedAt()));
    }
  }

  /** Decodes every item of {@code data}; an item that fails becomes an UNDECODABLE notice. */
  private static void each(Envelope env, List<InboundEvent> events, ItemDecoder decoder) {
    List<Object> items = env.items();
    if (items.isEmpty()) {
      events.add(EvoNotices.undecodable(env, env.data(), env.receivedAt()));
    }
    for (Object item : items) {
      events.add(decodeItem(env, item, decoder));
    }
  }

  private static void one(Envelope env, List<InboundEvent> events, ItemDecoder decoder) {
    events.add(decodeItem(env, env.data(), decoder));
  }

  private static InboundEvent decodeItem(Envelope env, Object item, ItemDecoder decoder) {
    if (item instanceof JsonObject o) {
      try {
        return decoder.decode(o);
      } catch (RuntimeException e) { // incl. EvoUndecodableException: one bad item, not the call
        Instant at = EvoTimestamps.seconds(o.getValue("messageTimestamp"), env.receivedAt());
        return EvoNotices.undecodable(env, o, at);
      }
    }
    return EvoNotices.undecodable(env, item, env.receivedAt());
  }

  @FunctionalInterface
  private interface ItemDecoder {
    InboundEvent decode(JsonObject item);
  }
}
