package dev.switchboard.channel.telegram;

/** The bot token's public part. The token is a secret: only its numeric prefix ever leaves here. */
final class BotToken {
  private BotToken() {
  }

  /** The bot's user id: the digits before the first ':' of the token. */
  static String botId(String token) {
    if (token == null) {
      throw new IllegalArgumentException("botToken is missing");
    }
    int colon = token.indexOf(':');
    if (colon < 1 || colon == token.length() - 1 || !token.substring(0, colon).chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("botToken must look like <bot id>:<secret> as issued by @BotFather");
    }
    return token.substring(0, colon);
  }
}
