package dev.switchboard.channel.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text that is too long for one message into parts of at most {@code limit} UTF-16 units
 * (Java {@code char}s, the unit Telegram counts in). Each cut falls on the last paragraph break
 * (blank line) that fits, else the last line break, else the last whitespace, else exactly at the
 * limit, moved back one unit when that would separate a surrogate pair. The whitespace at a cut is
 * dropped (Telegram trims it anyway); nothing else is changed or lost.
 */
final class TextSplitter {
  private TextSplitter() {
  }

  /** The parts in order; a text within the limit comes back as its only part. */
  static List<String> split(String text, int limit) {
    if (limit < 2) {
      throw new IllegalArgumentException("limit must be at least 2");
    }
    List<String> parts = new ArrayList<>();
    String rest = text;
    while (rest.length() > limit) {
      int cut = cutPoint(rest, limit);
      int partEnd = cut;
      while (partEnd > 0 && Character.isWhitespace(rest.charAt(partEnd - 1))) {
        partEnd--;
      }
      int nextStart = cut;
      while (nextStart < rest.length() && Character.isWhitespace(rest.charAt(nextStart))) {
        nextStart++;
      }
      if (partEnd == 0) { // only whitespace before the cut: keep it rather than send an empty part
        partEnd = cut;
      }
      parts.add(rest.substring(0, partEnd));
      rest = rest.substring(nextStart);
    }
    if (!rest.isEmpty() || parts.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  /** Where to cut {@code text} (longer than {@code limit}) so the part before is at most {@code limit}. */
  private static int cutPoint(String text, int limit) {
    int firstVisible = 0; // a cut must leave something visible before it
    while (firstVisible < limit && Character.isWhitespace(text.charAt(firstVisible))) {
      firstVisible++;
    }
    int paragraph = text.lastIndexOf("\n\n", limit);
    if (paragraph > firstVisible) {
      return paragraph;
    }
    int line = text.lastIndexOf('\n', limit);
    if (line > firstVisible) {
      return line;
    }
    for (int i = limit; i > firstVisible; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    boolean splitsPair = Character.isHighSurrogate(text.charAt(limit - 1))
        && Character.isLowSurrogate(text.charAt(limit));
    return splitsPair ? limit - 1 : limit;
  }
}
