package dev.switchboard.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Parsed, validated command line of {@link WebhookLoad}. */
final class LoadSettings {

  enum Mode { MAX, RATE }

  static final String USAGE = String.join("\n",
      "usage: WebhookLoad --url URL --app-secret SECRET [options]",
      "  --url URL               http://host:port/webhooks/whatsapp/{tenant}",
      "  --app-secret SECRET     WhatsApp app secret (HMAC-SHA256 key of X-Hub-Signature-256)",
      "  --phone-number-id ID    metadata.phone_number_id (default 100000000000001)",
      "  --mode max|rate         max: closed model, each connection sends again when answered (default)",
      "                          rate: open model, requests issued on a fixed schedule",
      "  --rate N                requests/s for --mode rate",
      "  --connections N         pooled HTTP/1.1 keep-alive connections (default 64 max, 32 rate)",
      "  --duration SECONDS      measured time (default 20)",
      "  --warmup SECONDS        unmeasured time before it (default 5)",
      "  --run-id ID             message-id prefix, [A-Za-z0-9_-] (default: random)",
      "  --senders N             distinct 'from' numbers 1555000xxxx cycled over (default 1000)",
      "  --event-loops N         load-generator event loops (default 1)",
      "  --waba-id ID            entry[0].id (default 100000000000000)",
      "  --pipelining no         HTTP pipelining is never used (accepted for clarity)",
      "  --progress SECONDS      progress line interval, 0 = none (default 5)");

  Mode mode = Mode.MAX;
  String url;
  String host;
  int port;
  String path;
  String appSecret;
  String phoneNumberId = "100000000000001";
  String wabaId = "100000000000000";
  double rate;
  int connections;
  int durationSeconds = 20;
  int warmupSeconds = 5;
  String runId;
  int senders = 1000;
  int eventLoops = 1;
  int progressSeconds = 5;

  static LoadSettings parse(String[] args) {
    Map<String, String> kv = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        throw new IllegalArgumentException("help");
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + a + "'");
      }
      if (kv.put(a.substring(2), args[++i]) != null) {
        throw new IllegalArgumentException("duplicate option " + a);
      }
    }
    LoadSettings s = new LoadSettings();
    s.url = required(kv, "url");
    s.appSecret = required(kv, "app-secret");
    if (s.appSecret.isEmpty()) {
      throw new IllegalArgumentException("--app-secret must not be empty");
    }
    URI uri;
    try {
      uri = new URI(s.url);
    } catch (Exception e) {
      throw new IllegalArgumentException("--url: " + e.getMessage());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must be http://host[:port]/path");
    }
    s.host = uri.getHost();
    s.port = uri.getPort() < 0 ? 80 : uri.getPort();
    s.path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    s.phoneNumberId = kv.getOrDefault("phone-number-id", s.phoneNumberId);
    s.wabaId = kv.getOrDefault("waba-id", s.wabaId);
    String mode = kv.getOrDefault("mode", "max").toLowerCase(Locale.ROOT);
    switch (mode) {
      case "max" -> s.mode = Mode.MAX;
      case "rate" -> s.mode = Mode.RATE;
      default -> throw new IllegalArgumentException("--mode must be max or rate");
    }
    if (s.mode == Mode.RATE) {
      s.rate = positiveDouble(required(kv, "rate"), "rate");
    } else if (kv.containsKey("rate")) {
      throw new IllegalArgumentException("--rate only applies to --mode rate");
    }
    s.connections = positiveInt(kv.getOrDefault("connections", s.mode == Mode.MAX ? "64" : "32"), "connections");
    s.durationSeconds = positiveInt(kv.getOrDefault("duration", "20"), "duration");
    s.warmupSeconds = nonNegativeInt(kv.getOrDefault("warmup", "5"), "warmup");
    s.senders = positiveInt(kv.getOrDefault("senders", "1000"), "senders");
    s.eventLoops = positiveInt(kv.getOrDefault("event-loops", "1"), "event-loops");
    s.progressSeconds = nonNegativeInt(kv.getOrDefault("progress", "5"), "progress");
    if (s.eventLoops > s.connections) {
      throw new IllegalArgumentException("--event-loops must not exceed --connections");
    }
    String pipelining = kv.getOrDefault("pipelining", "no");
    if (!pipelining.equals("no")) {
      throw new IllegalArgumentException("--pipelining: only 'no' is supported (plain HTTP/1.1 keep-alive)");
    }
    s.runId = kv.getOrDefault("run-id", defaultRunId());
    // validate the payload inputs once, with a clear message
    new WebhookPayload(s.appSecret, s.phoneNumberId, s.wabaId, s.runId, s.senders);
    for (String k : kv.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    return s;
  }

  private static final java.util.Set<String> KNOWN = java.util.Set.of("url", "app-secret", "phone-number-id",
      "waba-id", "mode", "rate", "connections", "duration", "warmup", "run-id", "senders", "event-loops",
      "pipelining", "progress");

  private static String defaultRunId() {
    return Long.toString(System.currentTimeMillis(), 36) + "-"
        + Integer.toString(new SecureRandom().nextInt(Integer.MAX_VALUE), 36);
  }

  private static String required(Map<String, String> kv, String name) {
    String v = kv.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  private static int positiveInt(String v, String name) {
    int n = nonNegativeInt(v, name);
    if (n == 0) {
      throw new IllegalArgumentException("--" + name + " must be > 0");
    }
    return n;
  }

  private static int nonNegativeInt(String v, String name) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a non-negative integer, got '" + v + "'");
    }
  }

  private static double positiveDouble(String v, String name) {
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a positive number, got '" + v + "'");
    }
  }
}
