package dev.switchboard.bench;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Load generator for the send API ({@link LoadTool} with {@link SendPayload}): text sends to
 * {@code POST /v1/messages}, round-robin over {@code --chats} chats, each with a unique tagged
 * text; success is {@code 202}.
 */
public final class SendLoad {

  static final String USAGE = String.join("\n",
      "usage: SendLoad --url URL --api-key KEY [options]",
      "  --url URL               http://host:port/v1/messages",
      "  --api-key KEY           the tenant's API key (Authorization: Bearer)",
      "  --channel ID            the send's channel (default telegram)",
      "  --chats N               distinct chats cycled over (default 10000)",
      "  --chat-base N           the first chat id (default 700000000)");

  static final LoadTool.Spec SPEC = new LoadTool.Spec("SendLoad", USAGE,
      Set.of("api-key", "channel", "chats", "chat-base"), 202, SendLoad::traffic);

  private SendLoad() {
  }

  public static void main(String[] args) throws Exception {
    LoadTool.main(SPEC, args);
  }

  private static Supplier<Traffic> traffic(LoadSettings s) {
    String apiKey = s.required("api-key");
    String channel = s.option("channel", "telegram");
    int chats = s.positiveInt("chats", 10_000);
    long chatBase;
    try {
      chatBase = Long.parseLong(s.option("chat-base", "700000000"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--chat-base must be an integer");
    }
    new SendPayload(apiKey, channel, chatBase, chats, s.runId); // validates, with a clear message
    return () -> new SendPayload(apiKey, channel, chatBase, chats, s.runId);
  }
}
