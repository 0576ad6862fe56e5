package dev.switchboard.gateway.plugins.builtin;

import dev.switchboard.gateway.ai.AiRecords.Context;
import dev.switchboard.gateway.ai.AiRecords.ContextQuery;
import dev.switchboard.gateway.ai.AiRecords.Memories;
import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.MemorySearch;
import dev.switchboard.gateway.ai.AiRecords.MemoryWrite;
import dev.switchboard.gateway.ai.AiUsage;
import dev.switchboard.gateway.ai.ModelClient;
import dev.switchboard.gateway.ai.PromptAssembler;
import dev.switchboard.gateway.ai.Vectors;
import dev.switchboard.gateway.api.Ids;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.message.ChainDecision;
import dev.switchboard.plugin.message.InboundContext;
import dev.switchboard.plugin.message.MessagePlugin;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code llm}: answers each message with an OpenAI-compatible chat model. The prompt is the
 * tenant's system prompt, the contact's relevant memories (pgvector, when enabled and available),
 * the conversation's last {@code historyMessages} messages (both directions, from PostgreSQL) and
 * the message ({@link PromptAssembler}); the answer is queued as a reply to the message. A timeout,
 * 429 or 5xx is tried again by the host (after the provider's {@code Retry-After}) up to
 * {@code maxAttempts}; then, or at once for another error, the {@code fallbackReply} is sent, or
 * without one the message becomes a dead letter. Every model call is recorded ({@code ai_requests}).
 * With {@code memory.extract}, each answered turn is given to the model once more to pick out facts
 * to remember; that runs after the reply is decided and never holds it up.
 */
public final class LlmPlugin implements MessagePlugin {
  private static final Logger LOG = LoggerFactory.getLogger(LlmPlugin.class);
  static final String ID = "llm";
  /** Extracted facts per turn, at most. */
  static final int MAX_EXTRACTED = 5;
  /** An extracted fact this similar to one the contact has is not stored again. */
  static final double DUPLICATE_SIMILARITY = 0.92;
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(10_000);

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(ID, "LLM responder (OpenAI-compatible)",
      "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.required("baseUrl", "The OpenAI-compatible API, e.g. https://api.openai.com/v1"),
          new ConfigField("apiKey", false, true, null, "Bearer token of the API (encrypted at rest, never logged)"),
          ConfigField.required("model", "Chat model, e.g. gpt-4o-mini"),
          ConfigField.optional("temperature", "0.7", "Sampling temperature (0-2)"),
          ConfigField.optional("maxTokens", "512", "Longest answer, in tokens (max_tokens)"),
          ConfigField.optional("timeout", "PT30S", "How long to wait for one model answer (ISO-8601)"),
          ConfigField.optional("systemPrompt", LlmSettings.DEFAULT_SYSTEM_PROMPT, "The tenant's system prompt"),
          ConfigField.optional("historyMessages", "20", "Earlier messages of the conversation in the prompt (0-200)"),
          ConfigField.optional("contextTokens", "8000", "Token budget of the prompt"),
          ConfigField.optional("memory", null, "{enabled, topK, minScore, embeddingModel, extract, extractionPrompt, "
              + "expireAfter}"),
          ConfigField.optional("fallbackReply", null, "Sent when the model cannot answer"),
          ConfigField.optional("maxAttempts", "3", "Model calls per message before the fallback (1-20)"),
          ConfigField.optional("prices", null, "{promptPerMillion, completionPerMillion, embeddingPerMillion}"),
          ConfigField.optional("stop", "true", "Whether the answer ends the chain")));

  private final Map<Map<String, Object>, LlmSettings> parsed = new ConcurrentHashMap<>();

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void validate(Map<String, Object> settings) {
    LlmSettings.parse(settings);
  }

  private LlmSettings settings(Map<String, Object> raw) {
    if (parsed.size() > 1_000) {
      parsed.clear(); // old chains after many reloads
    }
    return parsed.computeIfAbsent(raw, LlmSettings::parse);
  }

  @Override
  public Future<ChainDecision> handle(InboundContext ctx) {
    LlmSettings s = settings(ctx.settings());
    String text = input(ctx.message());
    Long messageId = Ids.MESSAGE.parse(ctx.ids().messageId());
    if (text == null || messageId == null) {
      return Future.succeededFuture(ChainDecision.CONTINUE);
    }
    Turn turn = new Turn(ctx, s, text, new AiUsage.Subject(ctx.tenant().value(), Ids.CONTACT.parse(ctx.ids().contactId()),
        ctx.conversationId(), messageId));
    EventBus bus = ctx.vertx().eventBus();
    return bus.<Context>request(Addresses.AI_CONTEXT,
            new ContextQuery(turn.who().tenantId(), ctx.conversationId(), messageId, s.historyMessages()), STORE)
        .compose(context -> relevantMemories(turn, context.body().memoryAvailable())
            .map(memories -> PromptAssembler.assemble(s.systemPrompt(), memories, context.body().history(), text,
                s.contextTokens()))
            .compose(prompt -> chat(turn, "chat", prompt.messages(), s.temperature(), s.maxTokens()))
            .map(call -> decide(turn, call, context.body().memoryAvailable())))
        .otherwise(err -> new ChainDecision.Retry(Duration.ZERO,
            "storage_unavailable: the conversation could not be read (" + err.getClass().getSimpleName() + ")"));
  }

  /** One message being answered. */
  private record Turn(InboundContext ctx, LlmSettings s, String text, AiUsage.Subject who) {
  }

  /** The text a model can answer: the message's text, a media caption, or the title of a tapped button. */
  static String input(InboundMessage m) {
    if (m.text() != null && !m.text().isBlank()) {
      return m.text();
    }
    if (m.media() != null && m.media().caption() != null && !m.media().caption().isBlank()) {
      return m.media().caption();
    }
    if (m.interactive() != null && m.interactive().title() != null && !m.interactive().title().isBlank()) {
      return m.interactive().title();
    }
    return null;
  }

  private ChainDecision decide(Turn t, ModelClient.Call call, boolean memoryAvailable) {
    LlmSettings s = t.s();
    if (call.ok()) {
      if (s.memory().enabled() && s.memory().extract() && memoryAvailable && t.who().contactId() != null) {
        extract(t, call.content());
      }
      return new ChainDecision.Reply(List.of(new JsonObject().put("text", call.content())), s.stop());
    }
    if (call.retryable() && t.ctx().attempt() < s.maxAttempts()) {
      long after = call.retryAfterSeconds() == null ? 0 : Math.min(call.retryAfterSeconds(), 3_600);
      return new ChainDecision.Retry(Duration.ofSeconds(after), call.outcome() + ": " + call.error());
    }
    String why = call.outcome() + ": " + call.error() + (call.retryable() ? " (attempt " + t.ctx().attempt() + " of "
        + s.maxAttempts() + ")" : "");
    if (s.fallbackReply() != null) {
      LOG.atWarn().addKeyValue("tenant", t.who().tenantId()).addKeyValue("outcome", call.outcome())
          .log("the model did not answer a message of tenant {}; sending the fallback reply: {}", t.who().tenantId(), why);
      return new ChainDecision.Reply(List.of(new JsonObject().put("text", s.fallbackReply())), s.stop());
    }
    return new ChainDecision.Fail(call.outcome(), "the model did not answer: " + why);
  }

  /** The contact's memories relevant to the message; none when memory is off or unavailable, or on any failure. */
  private Future<List<Memory>> relevantMemories(Turn t, boolean available) {
    LlmSettings.Memory m = t.s().memory();
    if (!m.enabled() || !available || t.who().contactId() == null) {
      return Future.succeededFuture(List.of());
    }
    EventBus bus = t.ctx().vertx().eventBus();
    return embed(t, t.text()).compose(vector -> vector == null ? Future.succeededFuture(List.<Memory>of())
            : bus.<Memories>request(Addresses.MEMORY_SEARCH, new MemorySearch(t.who().tenantId(), t.who().contactId(),
                vector, m.topK(), m.minScore()), STORE).map(reply -> reply.body().memories()))
        .otherwise(err -> {
          LOG.atDebug().log("memories not searched for tenant {}: {}", t.who().tenantId(), err.toString());
          return List.of();
        });
  }

  /** The embedding of {@code text} in pgvector text form, or null when the provider gave none. */
  private Future<String> embed(Turn t, String text) {
    String model = t.s().memory().embeddingModel();
    return ModelClient.embed(t.ctx().vertx(), t.ctx().httpClient(), t.s().endpoint(), model, text).map(call -> {
      AiUsage.record(t.ctx().vertx().eventBus(), t.who(), "embedding", model, call, t.s().cost("embedding", call));
      return call.ok() ? call.vector() : null;
    });
  }

  private Future<ModelClient.Call> chat(Turn t, String purpose, List<JsonObject> messages, double temperature,
                                        int maxTokens) {
    JsonObject body = new JsonObject().put("model", t.s().model()).put("messages", new JsonArray(new ArrayList<>(messages)))
        .put("temperature", temperature).put("max_tokens", maxTokens);
    return ModelClient.chat(t.ctx().vertx(), t.ctx().httpClient(), t.s().endpoint(), body).map(call -> {
      AiUsage.record(t.ctx().vertx().eventBus(), t.who(), purpose, t.s().model(), call, t.s().cost(purpose, call));
      return call;
    });
  }

  /** Asks the model for facts of this turn worth remembering and stores the new ones (source {@code chat}). */
  private void extract(Turn t, String answer) {
    LlmSettings.Memory m = t.s().memory();
    List<JsonObject> messages = List.of(new JsonObject().put("role", "system").put("content", m.extractionPrompt()),
        new JsonObject().put("role", "user").put("content", "Customer: " + t.text() + "\nAssistant: " + answer));
    EventBus bus = t.ctx().vertx().eventBus();
    chat(t, "extraction", messages, 0, 400)
        .compose(call -> {
          Future<Void> stored = Future.succeededFuture();
          for (Fact f : call.ok() ? facts(call.content()) : List.<Fact>of()) {
            stored = stored.compose(v -> embed(t, f.content()).compose(vector -> vector == null ? Future.succeededFuture()
                : bus.request(Addresses.MEMORY_WRITE, new MemoryWrite(t.who().tenantId(), t.who().contactId(), f.content(),
                    vector, Vectors.dimensions(vector), f.importance(), f.category(), "chat",
                    m.expireAfter() == null ? null : Instant.now().plus(m.expireAfter()), DUPLICATE_SIMILARITY), STORE)
                    .mapEmpty()));
          }
          return stored;
        })
        .onFailure(err -> LOG.atWarn().log("memories of a turn of tenant {} were not stored: {}", t.who().tenantId(),
            err.getMessage()));
  }

  /** One fact the model picked out. */
  record Fact(String content, double importance, String category) {
  }

  /**
   * The facts of an extraction answer: {@code {"memories":[{content, importance, category}]}} (or the
   * bare list, or a list of strings), found inside whatever text surrounds it; anything else is none.
   */
  static List<Fact> facts(String answer) {
    Object parsed = null;
    int open = answer.indexOf('{');
    int square = answer.indexOf('[');
    try {
      if (open >= 0 && (square < 0 || open < square)) {
        parsed = Json.decodeValue(answer.substring(open, answer.lastIndexOf('}') + 1));
      } else if (square >= 0) {
        parsed = Json.decodeValue(answer.substring(square, answer.lastIndexOf(']') + 1));
      }
    } catch (DecodeException | StringIndexOutOfBoundsException e) {
      return List.of();
    }
    JsonArray list = parsed instanceof JsonObject o && o.getValue("memories") instanceof JsonArray a ? a
        : parsed instanceof JsonArray a ? a : new JsonArray();
    List<Fact> facts = new ArrayList<>();
    for (Object item : list) {
      String content = item instanceof String str ? str : item instanceof JsonObject o && o.getValue("content") instanceof String c
          ? c : null;
      if (content == null || content.isBlank() || content.length() > 4000) {
        continue;
      }
      double importance = 0.5;
      String category = null;
      if (item instanceof JsonObject o) {
        if (o.getValue("importance") instanceof Number n) {
          importance = Math.max(0, Math.min(1, n.doubleValue()));
        }
        if (o.getValue("category") instanceof String c && !c.isBlank()) {
          category = c.strip().toLowerCase(Locale.ROOT);
          category = category.length() > 60 ? category.substring(0, 60) : category;
        }
      }
      facts.add(new Fact(content.strip(), importance, category));
      if (facts.size() == MAX_EXTRACTED) {
        break;
      }
    }
    return facts;
  }
}
