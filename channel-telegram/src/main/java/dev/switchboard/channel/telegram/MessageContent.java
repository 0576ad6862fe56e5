package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.SharedContact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The content part of one Telegram message, as {@link MessageContentDecoder} read it. Call-confined. */
final class MessageContent {
  MessageType type = MessageType.UNSUPPORTED;
  String text;
  MediaRef media;
  Location location;
  List<SharedContact> contacts;
  final List<PlatformError> errors = new ArrayList<>();
  /** Channel-specific details, merged with the message-level ones into one extras object. */
  final Map<String, Object> extras = new LinkedHashMap<>();
}
