package dev.switchboard.plugin.model;

/**
 * A reaction to an earlier message.
 *
 * @param targetMessageId platform id of the message reacted to
 * @param emoji           the emoji; empty when the reaction was removed
 */
public record Reaction(String targetMessageId, String emoji) {
  public Reaction {
    emoji = emoji == null ? "" : emoji;
  }

  public boolean removed() {
    return emoji.isEmpty();
  }
}
