package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import java.time.Instant;
import java.util.List;

/** Builds the {@link PlatformNotice}s of an envelope; keys follow {@link Envelope#hashKey}. */
final class EvoNotices {

  private EvoNotices() {
  }

  /** An event kind this channel does not handle, keyed by hash; detail is the event name. */
  static PlatformNotice unhandled(Envelope env, Object item, String rawJson) {
    return new PlatformNotice(env.hashKey("notice", item), env.instance(), Kind.UNHANDLED,
        EvoJson.clip(env.event()), List.of(), env.receivedAt(), rawJson);
  }

  /** An item of a known kind whose shape is broken; detail is the event name. */
  static PlatformNotice undecodable(Envelope env, Object item, Instant occurredAt) {
    return new PlatformNotice(env.hashKey("undecodable", item), env.instance(), Kind.UNDECODABLE,
        EvoJson.clip(env.event()), List.of(), occurredAt, EvoRawJson.of(env, item));
  }

  static PlatformNotice notice(String key, Envelope env, Kind kind, String detail,
                               List<PlatformError> errors, Instant occurredAt, String rawJson) {
    return new PlatformNotice(key, env.instance(), kind, detail, errors, occurredAt, rawJson);
  }
}
