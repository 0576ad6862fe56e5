package dev.switchboard.channel.evolution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few vCard lines a shared WhatsApp contact needs: {@code FN}, {@code TEL} (with WhatsApp's
 * {@code waid=} parameter naming the contact's account) and {@code EMAIL}. Tolerant of folding,
 * grouping prefixes ({@code item1.TEL}) and CRLF; never throws.
 *
 * @param name   the formatted name, or null
 * @param phones phone numbers as written
 * @param emails e-mail addresses
 * @param waId   the first {@code waid=} found (digits), or null
 */
record EvoVcard(String name, List<String> phones, List<String> emails, String waId) {

  private static final Pattern WAID = Pattern.compile("(?i)waid=([0-9]{5,20})");
  private static final int MAX_CHARS = 16_384;
  private static final int MAX_VALUES = 20;

  static EvoVcard parse(String vcard) {
    List<String> phones = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    if (vcard == null || vcard.length() > MAX_CHARS) {
      return new EvoVcard(null, phones, emails, null);
    }
    String name = null;
    String waId = null;
    String unfolded = vcard.replace("\r\n ", "").replace("\n ", "");
    for (String raw : unfolded.split("\r?\n")) {
      int colon = raw.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String head = raw.substring(0, colon);
      String value = raw.substring(colon + 1).trim();
      int dot = head.indexOf('.');
      String prop = (dot >= 0 ? head.substring(dot + 1) : head).toUpperCase(Locale.ROOT);
      if (prop.equals("FN") || prop.startsWith("FN;")) {
        name = value.isEmpty() ? name : value;
      } else if ((prop.equals("TEL") || prop.startsWith("TEL;")) && phones.size() < MAX_VALUES) {
        if (!value.isEmpty()) {
          phones.add(value);
        }
        Matcher m = WAID.matcher(head);
        if (waId == null && m.find()) {
          waId = m.group(1);
        }
      } else if ((prop.equals("EMAIL") || prop.startsWith("EMAIL;")) && !value.isEmpty()
          && emails.size() < MAX_VALUES) {
        emails.add(value);
      }
    }
    return new EvoVcard(name, phones, emails, waId);
  }
}
