package dev.switchboard.gateway.ai;

import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.Turn;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a chat-completions {@code messages} list within a token budget. Pure.
 *
 * <ol>
 *   <li>One {@code system} message: the tenant's system prompt, then (when there are any) the
 *       contact's relevant memories as a block, most relevant first. One system message because
 *       some OpenAI-compatible servers accept no second one.</li>
 *   <li>The conversation's earlier messages, oldest first: the contact's as {@code user}, the
 *       business's (bot or person) as {@code assistant}.</li>
 *   <li>The incoming message as the last {@code user} message.</li>
 * </ol>
 *
 * Within {@code budgetTokens} (estimated at {@value #CHARS_PER_TOKEN} characters per token plus
 * {@value #TOKENS_PER_MESSAGE} per message, as OpenAI's guidance counts English text): the system
 * prompt and the incoming message always go in (the incoming message is cut to what is left when
 * the two alone are too long); then memories, most relevant first, while they fit; then history,
 * newest first, while it fits — so what is dropped is the least relevant memory and the oldest message.
 */
public final class PromptAssembler {
  static final int CHARS_PER_TOKEN = 4;
  static final int TOKENS_PER_MESSAGE = 4;
  static final String MEMORY_HEADING = "What you know about this contact (most relevant first):";

  /** The messages and what went in. */
  public record Prompt(List<JsonObject> messages, int estimatedTokens, int memoriesUsed, int historyUsed) {
    public Prompt {
      messages = List.copyOf(messages);
    }
  }

  private PromptAssembler() {
  }

  public static int tokens(String text) {
    return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  public static Prompt assemble(String systemPrompt, List<Memory> memories, List<Turn> history, String incoming,
                                int budgetTokens) {
    String system = systemPrompt == null ? "" : systemPrompt.strip();
    int used = tokens(system) + TOKENS_PER_MESSAGE;
    int left = budgetTokens - used - TOKENS_PER_MESSAGE;
    String current = incoming;
    if (tokens(current) > left) {
      current = current.substring(0, Math.max(1, Math.min(current.length(), left * CHARS_PER_TOKEN)));
    }
    used += tokens(current) + TOKENS_PER_MESSAGE;

    StringBuilder block = new StringBuilder();
    int memoriesUsed = 0;
    for (Memory m : memories) {
      String line = "\n- " + m.content().strip();
      int cost = tokens(line) + (memoriesUsed == 0 ? tokens("\n\n" + MEMORY_HEADING) : 0);
      if (used + cost > budgetTokens) {
        break;
      }
      if (memoriesUsed == 0) {
        block.append(system.isEmpty() ? "" : "\n\n").append(MEMORY_HEADING);
      }
      block.append(line);
      used += cost;
      memoriesUsed++;
    }

    List<JsonObject> turns = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      Turn t = history.get(i);
      int cost = tokens(t.text()) + TOKENS_PER_MESSAGE;
      if (used + cost > budgetTokens) {
        break;
      }
      turns.add(0, message(t.fromContact() ? "user" : "assistant", t.text()));
      used += cost;
    }

    List<JsonObject> messages = new ArrayList<>();
    String systemText = system + block;
    if (!systemText.isEmpty()) {
      messages.add(message("system", systemText));
    }
    messages.addAll(turns);
    messages.add(message("user", current));
    return new Prompt(messages, used, memoriesUsed, turns.size());
  }

  private static JsonObject message(String role, String content) {
    return new JsonObject().put("role", role).put("content", content);
  }
}
