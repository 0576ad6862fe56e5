package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The type-specific part of one message, as {@link ContentDecoder} read it. Mutable, call-confined. */
final class Content {
  MessageType type = MessageType.UNSUPPORTED;
  String text;
  MediaRef media;
  Location location;
  List<SharedContact> contacts;
  InteractiveReply interactive;
  Reaction reaction;
  String relatedMessageId;
  final List<PlatformError> errors = new ArrayList<>();
  /** Channel-specific details; merged with the message-level ones into one extras object. */
  final Map<String, Object> extras = new LinkedHashMap<>();
}
