package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.Turn;
import dev.switchboard.gateway.ai.PromptAssembler.Prompt;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptAssemblerTest {
  private static final String SYSTEM = "You are Acme's assistant.";

  private static Memory memory(String content) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Memory(1, 1, content, 0.5, null, "manual", now, now, null, 0.8);
  }

  private static List<String> lines(Prompt p) {
    return p.messages().stream().map(m -> m.getString("role") + ": " + m.getString("content")).toList();
  }

  @Test
  void theSystemPromptComesFirstThenTheHistoryOldestFirstThenTheMessage() {
    Prompt p = PromptAssembler.assemble(SYSTEM, List.of(),
        List.of(new Turn(true, "Hi"), new Turn(false, "Hello! How can I help?"), new Turn(true, "My order is late")),
        "Where is it?", 8000);
    assertThat(lines(p)).containsExactly("system: " + SYSTEM, "user: Hi", "assistant: Hello! How can I help?",
        "user: My order is late", "user: Where is it?");
    assertThat(p.historyUsed()).isEqualTo(3);
    assertThat(p.memoriesUsed()).isZero();
  }

  @Test
  void memoriesAreABlockOfTheSystemMessageMostRelevantFirst() {
    Prompt p = PromptAssembler.assemble(SYSTEM, List.of(memory("Has a dog called Rex"), memory("Prefers email")),
        List.of(), "What's my dog's name?", 8000);
    assertThat(p.messages()).hasSize(2);
    assertThat(p.messages().get(0)).isEqualTo(new JsonObject().put("role", "system").put("content", SYSTEM + "\n\n"
        + "What you know about this contact (most relevant first):\n- Has a dog called Rex\n- Prefers email"));
    assertThat(p.memoriesUsed()).isEqualTo(2);
  }

  @Test
  void withoutASystemPromptTheMemoriesStandAlone() {
    Prompt p = PromptAssembler.assemble("", List.of(memory("Lives in Porto")), List.of(), "Hi", 8000);
    assertThat(lines(p)).containsExactly("system: What you know about this contact (most relevant first):\n- Lives in Porto",
        "user: Hi");
    assertThat(lines(PromptAssembler.assemble(" ", List.of(), List.of(), "Hi", 8000))).containsExactly("user: Hi");
  }

  @Test
  void overTheBudgetTheOldestHistoryGoesFirstThenTheLeastRelevantMemory() {
    List<Turn> history = List.of(new Turn(true, "a".repeat(400)), new Turn(false, "b".repeat(400)),
        new Turn(true, "c".repeat(400)));
    // system 7+4, message 1+4, memory heading+line ~18, each turn 100+4: room for the two newest turns
    Prompt p = PromptAssembler.assemble(SYSTEM, List.of(memory("Has a dog called Rex")), history, "Hi", 250);
    assertThat(p.memoriesUsed()).isEqualTo(1);
    assertThat(lines(p)).containsExactly("system: " + SYSTEM
            + "\n\nWhat you know about this contact (most relevant first):\n- Has a dog called Rex",
        "assistant: " + "b".repeat(400), "user: " + "c".repeat(400), "user: Hi");
    assertThat(p.estimatedTokens()).isLessThanOrEqualTo(250);

    Prompt tight = PromptAssembler.assemble(SYSTEM, List.of(memory("x".repeat(200)), memory("Has a dog")), history, "Hi", 40);
    assertThat(tight.memoriesUsed()).as("the first memory does not fit, so none after it either").isZero();
    assertThat(tight.historyUsed()).isZero();
    assertThat(lines(tight)).containsExactly("system: " + SYSTEM, "user: Hi");
  }

  @Test
  void theSystemPromptAndTheMessageAlwaysGoInAndAMessageTooLongIsCutToTheBudget() {
    String longMessage = "word ".repeat(2000);
    Prompt p = PromptAssembler.assemble(SYSTEM, List.of(memory("Has a dog")), List.of(new Turn(true, "earlier")),
        longMessage, 300);
    assertThat(p.messages()).hasSize(2);
    assertThat(p.messages().get(0).getString("content")).isEqualTo(SYSTEM);
    String cut = p.messages().get(1).getString("content");
    assertThat(longMessage).startsWith(cut);
    assertThat(PromptAssembler.tokens(cut)).isLessThanOrEqualTo(300 - PromptAssembler.tokens(SYSTEM) - 8);
    assertThat(p.estimatedTokens()).isLessThanOrEqualTo(300);
  }

  @Test
  void tokensAreEstimatedAtFourCharactersEach() {
    assertThat(PromptAssembler.tokens("")).isZero();
    assertThat(PromptAssembler.tokens("abcd")).isEqualTo(1);
    assertThat(PromptAssembler.tokens("abcde")).isEqualTo(2);
  }
}
