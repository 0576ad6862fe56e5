package dev.switchboard.channel.whatsapp;

/**
 * The envelope of an authentic call does not have the documented shape. Its message names only
 * JSON paths (never values), so it can be returned to the caller and logged.
 */
final class MalformedPayloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MalformedPayloadException(String message) {
    super(message, null, false, false);
  }
}
