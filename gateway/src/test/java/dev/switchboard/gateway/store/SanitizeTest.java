package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SanitizeTest {
  private static final String BS = "\\"; // one backslash character

  @Test
  void textWithoutNulIsReturnedAsIs() {
    String s = "hello ✓";

    assertThat(Sanitize.text(s)).isSameAs(s);
    assertThat(Sanitize.text(null)).isNull();
    assertThat(Sanitize.json(null)).isNull();
  }

  @Test
  void nulCharactersInTextAreReplaced() {
    assertThat(Sanitize.text("a\u0000b\u0000\u0000")).isEqualTo("a\uFFFDb\uFFFD\uFFFD");
  }

  @Test
  void nulEscapeInJsonIsReplacedAndTheResultStillParses() {
    String json = "{\"text\":\"hi" + BS + "u0000there\"}";
    assertThat(new JsonObject(json).getString("text")).as("precondition: Vert.x reads a NUL").contains("\u0000");

    String out = Sanitize.json(json);

    assertThat(out).doesNotContain(BS + "u0000");
    assertThat(new JsonObject(out).getString("text")).isEqualTo("hi\uFFFDthere");
  }

  @Test
  void everyNulEscapeIsReplacedIncludingInKeysAndAdjacentOnes() {
    String json = "{\"k" + BS + "u0000\":\"" + BS + "u0000" + BS + "u00001\",\"n\":[\"" + BS + "u0000\"]}";

    JsonObject parsed = new JsonObject(Sanitize.json(json));

    assertThat(parsed.getString("k\uFFFD")).isEqualTo("\uFFFD\uFFFD1");
    assertThat(parsed.getJsonArray("n").getString(0)).isEqualTo("\uFFFD");
  }

  @Test
  void escapedBackslashFollowedByU0000IsNotANul() {
    // JSON text "\\u0000" is a backslash followed by the five characters u0000
    String json = "{\"path\":\"" + BS + BS + "u0000\"}";

    String out = Sanitize.json(json);

    assertThat(out).isEqualTo(json);
    assertThat(new JsonObject(out).getString("path")).isEqualTo(BS + "u0000");
  }

  @Test
  void twoEscapedBackslashesFollowedByU0000AreNotANulEither() {
    String json = "{\"p\":\"" + BS + BS + BS + BS + "u0000\"}";

    assertThat(Sanitize.json(json)).isEqualTo(json);
    assertThat(new JsonObject(json).getString("p")).isEqualTo(BS + BS + "u0000");
  }

  @Test
  void escapedBackslashThenARealNulEscape() {
    // "\\\u0000" = a backslash, then NUL
    String json = "{\"p\":\"" + BS + BS + BS + "u0000\"}";

    JsonObject parsed = new JsonObject(Sanitize.json(json));

    assertThat(parsed.getString("p")).isEqualTo(BS + "\uFFFD");
  }

  @Test
  void otherEscapesAreUntouched() {
    String json = "{\"a\":\"" + BS + "u0001" + BS + "u00e9" + BS + "n" + BS + "\"\"}";

    assertThat(Sanitize.json(json)).isEqualTo(json);
  }

  @Test
  void rawNulInJsonTextIsReplacedToo() {
    assertThat(Sanitize.json("{\"a\":\"x\u0000\"}")).isEqualTo("{\"a\":\"x\uFFFD\"}");
  }
}
