package dev.switchboard.bench;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Load generator for signed WhatsApp Cloud API text webhooks ({@link LoadTool} with
 * {@link WebhookPayload}): each request carries a unique {@code wamid} (run id + counter) and a
 * freshly computed {@code X-Hub-Signature-256}; success is {@code 200}.
 */
public final class WebhookLoad {

  static final String USAGE = String.join("\n",
      "usage: WebhookLoad --url URL --app-secret SECRET [options]",
      "  --url URL               http://host:port/webhooks/whatsapp/{tenant}",
      "  --app-secret SECRET     WhatsApp app secret (HMAC-SHA256 key of X-Hub-Signature-256)",
      "  --phone-number-id ID    metadata.phone_number_id (default 100000000000001)",
      "  --waba-id ID            entry[0].id (default 100000000000000)",
      "  --senders N             distinct 'from' numbers 1555000xxxx cycled over (default 1000)");

  static final LoadTool.Spec SPEC = new LoadTool.Spec("WebhookLoad", USAGE,
      Set.of("app-secret", "phone-number-id", "waba-id", "senders"), 200, WebhookLoad::traffic);

  private WebhookLoad() {
  }

  public static void main(String[] args) throws Exception {
    LoadTool.main(SPEC, args);
  }

  private static Supplier<Traffic> traffic(LoadSettings s) {
    String appSecret = s.required("app-secret");
    if (appSecret.isEmpty()) {
      throw new IllegalArgumentException("--app-secret must not be empty");
    }
    String phoneNumberId = s.option("phone-number-id", "100000000000001");
    String wabaId = s.option("waba-id", "100000000000000");
    int senders = s.positiveInt("senders", 1000);
    // validate the payload inputs once, with a clear message
    new WebhookPayload(appSecret, phoneNumberId, wabaId, s.runId, senders);
    return () -> new WebhookPayload(appSecret, phoneNumberId, wabaId, s.runId, senders);
  }
}
