package dev.switchboard.channel.telegram;

/**
 * An update item of the right kind but the wrong shape (no chat id, no sender…). The update is
 * still acknowledged: it becomes an UNDECODABLE notice whose detail is this message. Messages
 * name fields only, never values.
 */
final class TgUndecodableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TgUndecodableException(String detail) {
    super(detail, null, false, false);
  }
}
