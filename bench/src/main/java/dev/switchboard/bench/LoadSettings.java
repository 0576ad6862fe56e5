package dev.switchboard.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parsed, validated command line of a load tool: the options every tool has (target URL, model,
 * connections, timing) here, the tool's own ones in {@link #tool}, read with {@link #option},
 * {@link #required} and {@link #positiveInt(String, int)}.
 */
final class LoadSettings {

  enum Mode { MAX, RATE }

  static final String COMMON_USAGE = String.join("\n",
      "  --mode max|rate         max: closed model, each connection sends again when answered (default)",
      "                          rate: open model, requests issued on a fixed schedule",
      "  --rate N                requests/s for --mode rate",
      "  --connections N         pooled HTTP/1.1 keep-alive connections (default 64 max, 32 rate)",
      "  --duration SECONDS      measured time (default 20)",
      "  --warmup SECONDS        unmeasured time before it (default 5)",
      "  --run-id ID             prefix that makes this run's requests unique, [A-Za-z0-9_-] (default: random)",
      "  --event-loops N         load-generator event loops (default 1)",
      "  --pipelining no         HTTP pipelining is never used (accepted for clarity)",
      "  --progress SECONDS      progress line interval, 0 = none (default 5)",
      "  --timeline MS           also print, per MS of the measured window (by scheduled time), the",
      "                          answers, those slower than --slow-ms and the slowest (default 0 = none)",
      "  --slow-ms MS            what --timeline counts as slow (default 20)");

  private static final Set<String> COMMON = Set.of("url", "mode", "rate", "connections", "duration", "warmup",
      "run-id", "event-loops", "pipelining", "progress", "timeline", "slow-ms");

  Mode mode = Mode.MAX;
  String url;
  String host;
  int port;
  String path;
  double rate;
  int connections;
  int durationSeconds = 20;
  int warmupSeconds = 5;
  String runId;
  int eventLoops = 1;
  int progressSeconds = 5;
  /** Timeline bucket width in ms, 0 = no timeline. */
  int timelineMs;
  int slowMs = 20;
  /** The tool's own options, by name without the dashes. */
  private final Map<String, String> tool = new HashMap<>();

  /**
   * @param toolOptions the names (without dashes) of the options only this tool has; any other
   *                    name that is not a common option is refused
   */
  static LoadSettings parse(String[] args, Set<String> toolOptions) {
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
    Set<String> known = new HashSet<>(COMMON);
    known.addAll(toolOptions);
    for (String k : kv.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    LoadSettings s = new LoadSettings();
    s.url = required(kv, "url");
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
    s.eventLoops = positiveInt(kv.getOrDefault("event-loops", "1"), "event-loops");
    s.progressSeconds = nonNegativeInt(kv.getOrDefault("progress", "5"), "progress");
    s.timelineMs = nonNegativeInt(kv.getOrDefault("timeline", "0"), "timeline");
    s.slowMs = positiveInt(kv.getOrDefault("slow-ms", "20"), "slow-ms");
    if (s.eventLoops > s.connections) {
      throw new IllegalArgumentException("--event-loops must not exceed --connections");
    }
    String pipelining = kv.getOrDefault("pipelining", "no");
    if (!pipelining.equals("no")) {
      throw new IllegalArgumentException("--pipelining: only 'no' is supported (plain HTTP/1.1 keep-alive)");
    }
    s.runId = kv.getOrDefault("run-id", defaultRunId());
    if (!s.runId.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("--run-id must match [A-Za-z0-9_-]{1,64}");
    }
    for (String k : toolOptions) {
      if (kv.containsKey(k)) {
        s.tool.put(k, kv.get(k));
      }
    }
    return s;
  }

  /** The tool option {@code name}, or {@code fallback}. */
  String option(String name, String fallback) {
    return tool.getOrDefault(name, fallback);
  }

  /** The tool option {@code name}; it must be given. */
  String required(String name) {
    return required(tool, name);
  }

  /** The tool option {@code name} as a positive integer, or {@code fallback}. */
  int positiveInt(String name, int fallback) {
    return positiveInt(option(name, Integer.toString(fallback)), name);
  }

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
