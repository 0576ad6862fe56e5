package dev.switchboard.channel.whatsapp;

import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Maps the canonical interactive model ({@code OutboundMessage.interactiveJson}) to the Cloud API's
 * {@code interactive} object, the message text being its {@code body.text} (at most
 * {@value #BODY_LIMIT} characters):
 * <ul>
 *   <li>{@code buttons} whose buttons all have an {@code id} → {@code type: "button"} with reply
 *       buttons (at most {@value #MAX_BUTTONS}; title at most {@value #BUTTON_TITLE_LIMIT}
 *       characters, id at most {@value #BUTTON_ID_LIMIT}, ids unique);</li>
 *   <li>{@code buttons} holding one button with a {@code url} → {@code type: "cta_url"}
 *       ({@code display_text} = its title). WhatsApp has no message with a URL button beside other
 *       buttons, so several URL buttons, or a URL button with reply buttons, are
 *       {@value SendRejection#UNSUPPORTED_CONTENT};</li>
 *   <li>{@code list} → {@code type: "list"}: {@code button} label at most
 *       {@value #BUTTON_TITLE_LIMIT} characters, at most {@value #MAX_SECTIONS} sections and
 *       {@value #MAX_ROWS} rows in all, section title at most {@value #SECTION_TITLE_LIMIT} (needed
 *       when there are several), row id at most {@value #ROW_ID_LIMIT} (unique), title at most
 *       {@value #ROW_TITLE_LIMIT}, description at most {@value #ROW_DESCRIPTION_LIMIT};</li>
 *   <li>{@code keyboard} and {@code remove_keyboard}: WhatsApp has no reply keyboard →
 *       {@value SendRejection#UNSUPPORTED_CONTENT}.</li>
 * </ul>
 */
final class InteractiveObject {
  static final int BODY_LIMIT = 1024;
  static final int MAX_BUTTONS = 3;
  static final int BUTTON_TITLE_LIMIT = 20;
  static final int BUTTON_ID_LIMIT = 256;
  static final int MAX_SECTIONS = 10;
  static final int MAX_ROWS = 10;
  static final int SECTION_TITLE_LIMIT = 24;
  static final int ROW_ID_LIMIT = 200;
  static final int ROW_TITLE_LIMIT = 24;
  static final int ROW_DESCRIPTION_LIMIT = 72;

  private InteractiveObject() {
  }

  /** The {@code interactive} object for {@code interactiveJson} with {@code body} as its text. */
  static JsonObject from(String interactiveJson, String body) {
    JsonObject canonical = SendMapper.jsonObject(interactiveJson, "interactiveJson");
    String type = string(canonical, "type");
    return switch (type == null ? "" : type) {
      case "buttons" -> buttons(items(canonical, "buttons"), body(body));
      case "list" -> list(canonical, body(body));
      case "keyboard", "remove_keyboard" -> throw SendRejection.unsupported(
          "WhatsApp has no reply keyboard (" + type + "): send buttons or a list instead");
      default -> throw SendRejection.invalid("interactive type '" + type
          + "' is not one of buttons, list, keyboard, remove_keyboard");
    };
  }

  private static JsonObject body(String text) {
    if (text == null || text.isBlank()) {
      throw SendRejection.invalid("buttons and lists need a text (the message body)");
    }
    SendRejection.checkLength("the body of buttons or a list", text, BODY_LIMIT);
    return new JsonObject().put("text", text);
  }

  private static JsonObject buttons(JsonArray buttons, JsonObject body) {
    if (buttons.isEmpty()) {
      throw SendRejection.invalid("interactive content has no buttons");
    }
    long urls = buttons.stream().filter(b -> b instanceof JsonObject o && string(o, "url") != null).count();
    if (urls > 0) {
      if (buttons.size() > 1) {
        throw SendRejection.unsupported("WhatsApp sends a URL button only alone (cta_url): not " + urls
            + " URL button(s) among " + buttons.size() + " buttons");
      }
      return ctaUrl(buttons.getJsonObject(0), body);
    }
    if (buttons.size() > MAX_BUTTONS) {
      throw SendRejection.invalid(buttons.size() + " buttons; WhatsApp takes at most " + MAX_BUTTONS
          + " reply buttons (send a list for more choices)");
    }
    JsonArray replies = new JsonArray();
    Set<String> ids = new HashSet<>();
    for (Object button : buttons) {
      replies.add(new JsonObject().put("type", "reply")
          .put("reply", choice((JsonObject) button, "button", " or a url", BUTTON_TITLE_LIMIT, BUTTON_ID_LIMIT, ids)));
    }
    return new JsonObject().put("type", "button").put("body", body)
        .put("action", new JsonObject().put("buttons", replies));
  }

  private static JsonObject ctaUrl(JsonObject button, JsonObject body) {
    String title = required(button, "title", "each button needs a title");
    SendRejection.checkLength("button title '" + title + "'", title, BUTTON_TITLE_LIMIT);
    String url = string(button, "url");
    if (!SendMapper.isHttpUrl(url)) {
      throw SendRejection.invalid("the url of button '" + title + "' must be an http(s) URL");
    }
    return new JsonObject().put("type", "cta_url").put("body", body)
        .put("action", new JsonObject().put("name", "cta_url")
            .put("parameters", new JsonObject().put("display_text", title).put("url", url)));
  }

  private static JsonObject list(JsonObject list, JsonObject body) {
    String label = required(list, "button", "a list needs a button label ('button')");
    SendRejection.checkLength("the list's button label", label, BUTTON_TITLE_LIMIT);
    JsonArray sections = items(list, "sections");
    if (sections.isEmpty() || sections.size() > MAX_SECTIONS) {
      throw SendRejection.invalid("a list needs 1 to " + MAX_SECTIONS + " sections, not " + sections.size());
    }
    JsonArray out = new JsonArray();
    Set<String> ids = new HashSet<>();
    int rowCount = 0;
    for (Object item : sections) {
      JsonObject section = (JsonObject) item;
      JsonObject mapped = new JsonObject();
      String title = string(section, "title");
      if (title != null && !title.isBlank()) {
        SendRejection.checkLength("section title '" + title + "'", title, SECTION_TITLE_LIMIT);
        mapped.put("title", title);
      } else if (sections.size() > 1) {
        throw SendRejection.invalid("each section of a list with several sections needs a title");
      }
      JsonArray rows = new JsonArray();
      for (Object rowItem : items(section, "rows")) {
        JsonObject row = (JsonObject) rowItem;
        JsonObject mappedRow = choice(row, "list row", "", ROW_TITLE_LIMIT, ROW_ID_LIMIT, ids);
        String description = string(row, "description");
        if (description != null && !description.isBlank()) {
          SendRejection.checkLength("the description of list row '" + mappedRow.getString("title") + "'", description,
              ROW_DESCRIPTION_LIMIT);
          mappedRow.put("description", description);
        }
        rows.add(mappedRow);
      }
      rowCount += rows.size();
      out.add(mapped.put("rows", rows));
    }
    if (rowCount == 0 || rowCount > MAX_ROWS) {
      throw SendRejection.invalid("a list needs 1 to " + MAX_ROWS + " rows in all, not " + rowCount);
    }
    return new JsonObject().put("type", "list").put("body", body)
        .put("action", new JsonObject().put("button", label).put("sections", out));
  }

  /** The array {@code field} of objects; refuses a missing array or an element that is not an object. */
  private static JsonArray items(JsonObject object, String field) {
    JsonArray items = array(object, field);
    if (items == null) {
      throw SendRejection.invalid("interactive content needs an array '" + field + "'");
    }
    for (Object item : items) {
      if (!(item instanceof JsonObject)) {
        throw SendRejection.invalid("each item of '" + field + "' must be an object");
      }
    }
    return items;
  }

  /**
   * {@code {id, title}} of a reply button or a list row ({@code what}), checked: both present, within
   * their limits, the id not among {@code ids} (to which it is added).
   */
  private static JsonObject choice(JsonObject item, String what, String orElse, int titleLimit, int idLimit,
                                   Set<String> ids) {
    String title = required(item, "title", "each " + what + " needs a title");
    String id = required(item, "id", what + " '" + title + "' needs an id" + orElse);
    SendRejection.checkLength(what + " title '" + title + "'", title, titleLimit);
    SendRejection.checkLength(what + " id of '" + title + "'", id, idLimit);
    if (!ids.add(id)) {
      throw SendRejection.invalid(what + " ids must be unique: '" + id + "' appears twice");
    }
    return new JsonObject().put("id", id).put("title", title);
  }

  private static String required(JsonObject object, String field, String problem) {
    String value = string(object, field);
    if (value == null || value.isBlank()) {
      throw SendRejection.invalid(problem);
    }
    return value;
  }
}
