package dev.switchboard.plugin.model;

import java.util.Locale;

/** The database enum {@code msg_direction}. */
public enum Direction {
  /** Written by the contact (the user) to the business. */
  INBOUND,
  /** Written by the business: the bot, the API, or a human on the business phone. */
  OUTBOUND;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
