package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.model.InteractiveReply;
import dev.switchboard.plugin.model.Location;
import dev.switchboard.plugin.model.MediaRef;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.Reaction;
import dev.switchboard.plugin.model.SharedContact;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The canonical content of one Baileys message object; mutable, filled by {@link EvoContentDecoder}. */
final class EvoContent {
  MessageType type = MessageType.UNSUPPORTED;
  String text;
  MediaRef media;
  Location location;
  List<SharedContact> contacts = new ArrayList<>();
  InteractiveReply interactive;
  Reaction reaction;
  String relatedMessageId;
  /** The {@code contextInfo} of the content (quote, forward), or null. */
  JsonObject contextInfo;
  final List<PlatformError> errors = new ArrayList<>();
  final Map<String, Object> extras = new LinkedHashMap<>();
}
