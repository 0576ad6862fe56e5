package dev.switchboard.plugin.model;

import java.util.Locale;

/**
 * The shared {@code msg_type} list: every channel maps its content kinds onto these.
 * The database enum {@code msg_type} has exactly these labels (lower case).
 */
public enum MessageType {
  TEXT, IMAGE, VIDEO, AUDIO, VOICE, DOCUMENT, STICKER, ANIMATION, VIDEO_NOTE,
  LOCATION, VENUE, CONTACTS, POLL, DICE,
  INTERACTIVE, BUTTON, REACTION, ORDER, TEMPLATE,
  SYSTEM, EDIT, REVOKE, UNSUPPORTED;

  /** The database label, e.g. {@code video_note}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isMedia() {
    return switch (this) {
      case IMAGE, VIDEO, AUDIO, VOICE, DOCUMENT, STICKER, ANIMATION, VIDEO_NOTE -> true;
      default -> false;
    };
  }
}
