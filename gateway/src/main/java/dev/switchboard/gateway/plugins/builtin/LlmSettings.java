package dev.switchboard.gateway.plugins.builtin;

import dev.switchboard.gateway.ai.ModelClient;
import dev.switchboard.plugin.http.JsonPost;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * One {@code llm} chain entry's settings, validated (every error names its field).
 *
 * @param contextTokens the prompt's token budget (system prompt, memories, history, the message)
 * @param maxAttempts   model calls per message before the fallback reply (timeouts, 429, 5xx are retried)
 * @param stop          whether the model's reply ends the chain
 */
public record LlmSettings(ModelClient.Endpoint endpoint, String model, double temperature, int maxTokens,
                          String systemPrompt, int historyMessages, int contextTokens, Memory memory,
                          String fallbackReply, int maxAttempts, Prices prices, boolean stop) {

  static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant. Answer briefly.";
  static final String DEFAULT_EXTRACTION_PROMPT = """
      You keep notes about a customer for a business assistant. From the conversation turn below, list \
      the lasting facts worth remembering about the customer: name, preferences, circumstances, plans. \
      Leave out greetings, questions and anything about the assistant. Answer with JSON only, in this form: \
      {"memories":[{"content":"<one fact, as a sentence about the customer>","importance":<0 to 1>,\
      "category":"<one word>"}]} — with an empty list when there is nothing to remember.""";

  /**
   * The {@code memory} mapping.
   *
   * @param minScore          cosine similarity a memory needs to go into the prompt (0–1)
   * @param extract           after each answer, ask the model for facts to remember
   * @param expireAfter       how long an extracted memory lives, or null for ever
   */
  public record Memory(boolean enabled, int topK, double minScore, String embeddingModel, boolean extract,
                       String extractionPrompt, Duration expireAfter) {
    static final Memory OFF = new Memory(false, 5, 0.3, "text-embedding-3-small", false, DEFAULT_EXTRACTION_PROMPT, null);
  }

  /** Per-million-token prices ({@code prices: {promptPerMillion, completionPerMillion, embeddingPerMillion}}). */
  public record Prices(double promptPerMillion, double completionPerMillion, double embeddingPerMillion) {
    /** The cost of one call. */
    public double cost(String purpose, int promptTokens, int completionTokens) {
      double input = "embedding".equals(purpose) ? embeddingPerMillion : promptPerMillion;
      return (promptTokens * input + completionTokens * completionPerMillion) / 1_000_000.0;
    }
  }

  /** The cost of a call from the configured prices, or null without prices. */
  public Double cost(String purpose, ModelClient.Call call) {
    return prices == null ? null : prices.cost(purpose, call.promptTokens(), call.completionTokens());
  }

  @Override
  public String toString() {
    return "LlmSettings[" + endpoint + ", " + model + "]"; // never the key
  }

  /** @throws IllegalArgumentException {@code "<field>: <what is wrong>"} */
  public static LlmSettings parse(Map<String, Object> s) {
    String baseUrl = string(s, "baseUrl", null);
    if (baseUrl == null || !JsonPost.isHttpUrl(baseUrl.strip())) {
      throw new IllegalArgumentException("baseUrl: must be an absolute http(s) URL such as https://api.openai.com/v1, got '"
          + baseUrl + "'");
    }
    baseUrl = baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    String model = string(s, "model", null);
    if (model == null || model.isBlank() || model.length() > 200) {
      throw new IllegalArgumentException("model: is required (the provider's model name, e.g. gpt-4o-mini)");
    }
    Duration timeout = duration(s, "timeout", "PT30S", Duration.ofMillis(100), Duration.ofMinutes(5));
    String apiKey = string(s, "apiKey", null);
    String system = string(s, "systemPrompt", DEFAULT_SYSTEM_PROMPT);
    if (system.length() > 20_000) {
      throw new IllegalArgumentException("systemPrompt: must be at most 20000 characters");
    }
    String fallback = string(s, "fallbackReply", null);
    if (fallback != null && (fallback.isBlank() || fallback.length() > 4096)) {
      throw new IllegalArgumentException("fallbackReply: must be a text of 1 to 4096 characters");
    }
    return new LlmSettings(new ModelClient.Endpoint(baseUrl, apiKey == null || apiKey.isBlank() ? null : apiKey, timeout),
        model.strip(), number(s, "temperature", 0.7, 0, 2), (int) number(s, "maxTokens", 512, 1, 128_000),
        system, (int) number(s, "historyMessages", 20, 0, 200), (int) number(s, "contextTokens", 8000, 200, 1_000_000),
        nested("memory", () -> memory(s.get("memory"))), fallback, (int) number(s, "maxAttempts", 3, 1, 20),
        nested("prices", () -> prices(s.get("prices"))),
        bool(s, "stop", true));
  }

  private static Memory memory(Object v) {
    if (v == null) {
      return Memory.OFF;
    }
    if (!(v instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException(": must be a mapping {enabled, topK, minScore, embeddingModel, extract, "
          + "extractionPrompt, expireAfter}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    known(m, List.of("enabled", "topK", "minScore", "embeddingModel", "extract", "extractionPrompt",
        "expireAfter"));
    Memory d = Memory.OFF;
    String prompt = string(m, "extractionPrompt", d.extractionPrompt());
    if (prompt.isBlank() || prompt.length() > 10_000) {
      throw new IllegalArgumentException("extractionPrompt: must be a text of 1 to 10000 characters");
    }
    String expire = string(m, "expireAfter", null);
    return new Memory(bool(m, "enabled", true), (int) number(m, "topK", d.topK(), 1, 50),
        number(m, "minScore", d.minScore(), 0, 1), string(m, "embeddingModel", d.embeddingModel()),
        bool(m, "extract", false), prompt,
        expire == null ? null : duration(m, "expireAfter", expire, Duration.ofMinutes(1), Duration.ofDays(36_500)));
  }

  private static Prices prices(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException(": must be a mapping {promptPerMillion, completionPerMillion, "
          + "embeddingPerMillion}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    known(m, List.of("promptPerMillion", "completionPerMillion", "embeddingPerMillion"));
    double prompt = number(m, "promptPerMillion", 0, 0, 1e6);
    return new Prices(prompt, number(m, "completionPerMillion", 0, 0, 1e6), number(m, "embeddingPerMillion", prompt, 0, 1e6));
  }

  /** Runs {@code parse}, naming a failing field inside the mapping {@code at} as {@code at.field}. */
  private static <T> T nested(String at, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(at + (msg.startsWith(":") ? "" : ".") + msg);
    }
  }

  private static void known(Map<String, Object> m, List<String> fields) {
    for (String k : m.keySet()) {
      if (!fields.contains(k)) {
        throw new IllegalArgumentException(k + ": unknown setting (use " + String.join(", ", fields) + ")");
      }
    }
  }

  private static String string(Map<String, Object> s, String field, String fallback) {
    Object v = s.get(field);
    if (v instanceof Map || v instanceof List) {
      throw new IllegalArgumentException(field + ": must be a single value");
    }
    return v == null ? fallback : String.valueOf(v);
  }

  private static double number(Map<String, Object> s, String field, double fallback, double min, double max) {
    Object v = s.get(field);
    double d;
    try {
      d = v == null ? fallback : v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": must be a number, got '" + v + "'");
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(field + ": must be between " + fmt(min) + " and " + fmt(max) + ", got " + v);
    }
    return d;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static boolean bool(Map<String, Object> s, String field, boolean fallback) {
    Object v = s.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String t = String.valueOf(v).strip();
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new IllegalArgumentException(field + ": must be true or false, got '" + v + "'");
  }

  private static Duration duration(Map<String, Object> s, String field, String fallback, Duration min, Duration max) {
    String v = string(s, field, fallback);
    try {
      Duration d = Duration.parse(v.strip());
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + ": must be between " + min + " and " + max + ", got '" + v + "'");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": must be an ISO-8601 duration like PT30S, got '" + v + "'");
    }
  }
}
