package dev.switchboard.plugin.channel;

import dev.switchboard.plugin.model.InboundEvent;
import java.util.List;

/** What a channel's webhook decoder concluded about one call. */
public sealed interface DecodeResult {

  /** The call is authentic; these are its events (possibly none). The gateway answers 200 once they are stored. */
  record Accepted(List<InboundEvent> events) implements DecodeResult {
    public Accepted {
      events = List.copyOf(events);
    }
  }

  /** A verification handshake (e.g. Meta's GET): answer with exactly this status and plain-text body. */
  record Handshake(int status, String body) implements DecodeResult {
  }

  /** The call is refused; nothing is stored but an audit record. */
  record Rejected(Reason reason, String message) implements DecodeResult {
  }

  /** Why a call was refused; the gateway maps each to an HTTP status. */
  enum Reason {
    /** Missing or wrong signature / secret: 401. */
    UNAUTHENTIC,
    /** Authentic but not parseable (bad JSON, wrong shape): 400. */
    MALFORMED,
    /** A verification handshake with the wrong token: 403. */
    FORBIDDEN,
    /** Wrong content type for this channel: 415. */
    UNSUPPORTED_MEDIA_TYPE,
    /** This channel does not accept this HTTP method: 405. */
    METHOD_NOT_ALLOWED
  }

  static Accepted accepted(List<InboundEvent> events) {
    return new Accepted(events);
  }

  static Rejected unauthentic(String message) {
    return new Rejected(Reason.UNAUTHENTIC, message);
  }

  static Rejected forbidden(String message) {
    return new Rejected(Reason.FORBIDDEN, message);
  }

  static Rejected malformed(String message) {
    return new Rejected(Reason.MALFORMED, message);
  }
}
