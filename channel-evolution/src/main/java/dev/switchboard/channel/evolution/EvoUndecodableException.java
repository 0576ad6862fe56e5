package dev.switchboard.channel.evolution;

/**
 * One item of an authentic call lacks what its kind needs (no key id, no chat). The decoder turns
 * it into an UNDECODABLE notice; the message names the missing field, never a value.
 */
final class EvoUndecodableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EvoUndecodableException(String message) {
    super(message, null, false, false);
  }
}
