package dev.switchboard.plugin.model;

import java.util.Locale;

/**
 * Delivery status of a message: {@code queued → sent → delivered → read}, or {@code failed}.
 * A status never moves backwards; {@link #canAdvanceTo} is the rule (the database enforces the same).
 */
public enum MessageStatus {
  QUEUED(0), SENT(1), FAILED(2), DELIVERED(3), READ(4);

  private final int rank;

  MessageStatus(int rank) {
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  /** True when a message in this status may move to {@code next}. */
  public boolean canAdvanceTo(MessageStatus next) {
    if (this == FAILED) {
      return next == DELIVERED || next == READ; // a late receipt proves it arrived after all
    }
    return next.rank > rank;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MessageStatus fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
