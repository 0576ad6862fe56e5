package dev.switchboard.channel.telegram;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Maps the canonical interactive model ({@code OutboundMessage.interactiveJson}) to a Bot API
 * {@code reply_markup}:
 * <ul>
 *   <li>{@code buttons} and {@code list} → {@code InlineKeyboardMarkup}, one button per row; a
 *       button with an {@code id} gets it as {@code callback_data} (1–64 bytes of UTF-8, else the
 *       message is refused), a button with a {@code url} opens it; list sections are flattened and
 *       a row's description is not shown (inline buttons have one label);</li>
 *   <li>{@code keyboard} → {@code ReplyKeyboardMarkup} ({@code oneTime} → {@code one_time_keyboard},
 *       {@code resize} → {@code resize_keyboard});</li>
 *   <li>{@code remove_keyboard} → {@code ReplyKeyboardRemove}.</li>
 * </ul>
 */
final class KeyboardMarkup {
  static final int MAX_CALLBACK_DATA_BYTES = 64;

  private KeyboardMarkup() {
  }

  /** The markup, or null without interactive content; refuses content Telegram cannot take. */
  static JsonObject from(String interactiveJson) {
    if (interactiveJson == null || interactiveJson.isBlank()) {
      return null;
    }
    JsonObject interactive;
    try {
      interactive = new JsonObject(interactiveJson);
    } catch (DecodeException | ClassCastException e) {
      throw SendRejection.invalid("interactive content is not a JSON object");
    }
    String type = interactive.getValue("type") instanceof String s ? s : "";
    return switch (type) {
      case "buttons" -> inline(array(interactive, "buttons"));
      case "list" -> inline(listRows(interactive));
      case "keyboard" -> replyKeyboard(interactive);
      case "remove_keyboard" -> new JsonObject().put("remove_keyboard", true);
      default -> throw SendRejection.invalid("interactive type '" + type
          + "' is not one of buttons, list, keyboard, remove_keyboard");
    };
  }

  /** True for markup an edit may carry: {@code editMessageText} takes inline keyboards only. */
  static boolean isInline(JsonObject markup) {
    return markup != null && markup.containsKey("inline_keyboard");
  }

  private static JsonArray listRows(JsonObject list) {
    JsonArray rows = new JsonArray();
    for (Object section : array(list, "sections")) {
      if (!(section instanceof JsonObject s)) {
        throw SendRejection.invalid("each list section must be an object");
      }
      array(s, "rows").forEach(rows::add);
    }
    return rows;
  }

  private static JsonObject inline(JsonArray buttons) {
    if (buttons.isEmpty()) {
      throw SendRejection.invalid("interactive content has no buttons");
    }
    JsonArray keyboard = new JsonArray();
    for (Object item : buttons) {
      keyboard.add(new JsonArray().add(inlineButton(item)));
    }
    return new JsonObject().put("inline_keyboard", keyboard);
  }

  private static JsonObject inlineButton(Object item) {
    if (!(item instanceof JsonObject button)) {
      throw SendRejection.invalid("each button must be an object");
    }
    String title = text(button, "title");
    if (title == null) {
      throw SendRejection.invalid("each button needs a title");
    }
    JsonObject inline = new JsonObject().put("text", title);
    String url = text(button, "url");
    String id = text(button, "id");
    if (url != null) {
      return inline.put("url", url);
    }
    if (id == null) {
      throw SendRejection.invalid("button '" + title + "' needs an id or a url");
    }
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_CALLBACK_DATA_BYTES) {
      throw SendRejection.invalid("button id of button '" + title + "' is " + bytes
          + " bytes; Telegram callback_data takes 1-" + MAX_CALLBACK_DATA_BYTES + " bytes (UTF-8)");
    }
    return inline.put("callback_data", id);
  }

  private static JsonObject replyKeyboard(JsonObject interactive) {
    JsonArray keyboard = new JsonArray();
    for (Object row : array(interactive, "rows")) {
      if (!(row instanceof JsonArray labels) || labels.isEmpty()) {
        throw SendRejection.invalid("each keyboard row must be a non-empty array of labels");
      }
      JsonArray keys = new JsonArray();
      for (Object label : labels) {
        String text = label instanceof String s ? s
            : label instanceof JsonObject o ? text(o, "title") : null;
        if (text == null || text.isBlank()) {
          throw SendRejection.invalid("each keyboard key must be a non-empty label");
        }
        keys.add(new JsonObject().put("text", text));
      }
      keyboard.add(keys);
    }
    if (keyboard.isEmpty()) {
      throw SendRejection.invalid("keyboard has no rows");
    }
    return new JsonObject().put("keyboard", keyboard)
        .put("one_time_keyboard", Boolean.TRUE.equals(interactive.getValue("oneTime")))
        .put("resize_keyboard", Boolean.TRUE.equals(interactive.getValue("resize")));
  }

  private static JsonArray array(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw SendRejection.invalid("interactive content needs an array '" + field + "'");
    }
    return array;
  }

  private static String text(JsonObject object, String field) {
    return object.getValue(field) instanceof String s && !s.isEmpty() ? s : null;
  }
}
