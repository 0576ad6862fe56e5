package dev.switchboard.gateway.api;

import java.util.regex.Pattern;

/**
 * The ids the HTTP API shows: opaque strings ({@code msg_…}, {@code conv_…}, {@code ct_…},
 * {@code dl_…}, {@code mem_…}) that clients store and send back but never take apart. They stand for the
 * database's ids; the prefix says what kind of thing an id names, so a conversation id given as a
 * message id is simply not found.
 */
public enum Ids {
  MESSAGE("msg_"), CONVERSATION("conv_"), CONTACT("ct_"), DEAD_LETTER("dl_"), MEMORY("mem_"),
  /** A message's event, as bots receive it ({@code webhook-id}): stable across retries and replays. */
  EVENT("evt_");

  private static final Pattern BODY = Pattern.compile("[0-9a-z]{1,13}");
  private final String prefix;

  Ids(String prefix) {
    this.prefix = prefix;
  }

  public String format(long id) {
    return prefix + Long.toString(id, 36);
  }

  /** The database id, or null when {@code text} is not an id of this kind. */
  public Long parse(String text) {
    if (text == null || !text.startsWith(prefix)) {
      return null;
    }
    String body = text.substring(prefix.length());
    if (!BODY.matcher(body).matches()) {
      return null;
    }
    try {
      long id = Long.parseLong(body, 36);
      return id > 0 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public String formatNullable(Long id) {
    return id == null ? null : format(id);
  }
}
