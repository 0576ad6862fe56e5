package dev.switchboard.channel.telegram;

import java.time.Instant;

/**
 * What every event of one update shares.
 *
 * @param botId      the bot's id (account ref)
 * @param key        idempotency key {@code <botId>:<update_id>}
 * @param receivedAt when the gateway received the call (time of events Telegram gives no date)
 * @param rawJson    the update's JSON
 */
record UpdateContext(String botId, String key, Instant receivedAt, String rawJson) {

  /**
   * The update's own id (the part of {@link #key} after the bot id): unique per bot, so ids built
   * from it never collide even for two updates in the same second.
   */
  String updateId() {
    return key.substring(key.indexOf(':') + 1);
  }
}
