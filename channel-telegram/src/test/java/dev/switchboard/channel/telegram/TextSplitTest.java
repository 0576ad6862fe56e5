package dev.switchboard.channel.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextSplitTest {
  private static final int LIMIT = SendPlanner.TEXT_LIMIT;

  @Test
  void aTextWithinTheLimitIsOnePartUnchanged() {
    String exactly = "x".repeat(LIMIT);
    assertThat(TextSplitter.split(exactly, LIMIT)).containsExactly(exactly);
    assertThat(TextSplitter.split("  hi\n\n", LIMIT)).containsExactly("  hi\n\n");
  }

  @Test
  void cutsAtTheLastParagraphBreakThatFits() {
    String first = "First paragraph. " + "a".repeat(2000);
    String second = "Second paragraph.\nIts second line " + "b".repeat(1500);
    String third = "Third paragraph " + "c".repeat(1000);
    List<String> parts = TextSplitter.split(first + "\n\n" + second + "\n\n" + third, LIMIT);

    assertThat(parts).containsExactly(first + "\n\n" + second, third);
  }

  @Test
  void fallsBackToLineBreaksThenToSpaces() {
    String line = "l".repeat(3000);
    List<String> byLine = TextSplitter.split(line + "\n" + line + "\n" + line, LIMIT);
    assertThat(byLine).containsExactly(line, line, line);

    String word = "w".repeat(999);
    String words = String.join(" ", Collections.nCopies(6, word)); // 6 * 999 + 5 = 5999
    List<String> byWord = TextSplitter.split(words, LIMIT);
    assertThat(byWord).containsExactly(String.join(" ", Collections.nCopies(4, word)),
        String.join(" ", Collections.nCopies(2, word)));
  }

  @Test
  void aParagraphBreakIsPreferredToALaterLineBreak() {
    String text = "p".repeat(1000) + "\n\n" + "q".repeat(2500) + "\n" + "r".repeat(1000);
    assertThat(TextSplitter.split(text, LIMIT)).containsExactly("p".repeat(1000),
        "q".repeat(2500) + "\n" + "r".repeat(1000));
  }

  @Test
  void aTenThousandCharacterWordIsCutAtTheLimit() {
    String word = "x".repeat(10_000);
    List<String> parts = TextSplitter.split(word, LIMIT);

    assertThat(parts).extracting(String::length).containsExactly(4096, 4096, 1808);
    assertThat(String.join("", parts)).isEqualTo(word);
  }

  @Test
  void neverSeparatesASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // 😀, two UTF-16 units
    String text = "a" + emoji.repeat(3000); // 6001 units: the pair straddles unit 4096
    List<String> parts = TextSplitter.split(text, LIMIT);

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0)).hasSize(4095).endsWith(emoji);
    assertThat(String.join("", parts)).isEqualTo(text);
    for (String part : parts) {
      assertThat(part.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
          .as("no lone surrogate").isTrue();
    }
  }

  @Test
  void everyPartFitsAndNoVisibleCharacterIsLost() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      text.append("Sentence number ").append(i).append(" has some words in it.")
          .append(i % 7 == 0 ? "\n\n" : i % 3 == 0 ? "\n" : " ");
    }
    List<String> parts = TextSplitter.split(text.toString(), LIMIT);

    assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> assertThat(part.length()).isBetween(1, LIMIT));
    assertThat(String.join("", parts).replaceAll("\\s", "")).isEqualTo(text.toString().replaceAll("\\s", ""));
  }
}
