package dev.switchboard.plugin.model;

import java.util.regex.Pattern;

/** A channel plugin's id ({@code whatsapp}, {@code telegram}, {@code evolution}, …). */
public record ChannelId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9-]{1,30}");

  public static final ChannelId WHATSAPP = new ChannelId("whatsapp");
  public static final ChannelId TELEGRAM = new ChannelId("telegram");
  public static final ChannelId EVOLUTION = new ChannelId("evolution");

  public ChannelId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("channel id must match [a-z][a-z0-9-]{1,30}");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
