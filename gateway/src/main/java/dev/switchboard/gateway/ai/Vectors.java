package dev.switchboard.gateway.ai;

import com.pgvector.PGvector;
import io.vertx.core.json.JsonArray;

/**
 * Embeddings in pgvector's text form, through pgvector-java's {@link PGvector}: built from the
 * provider's numbers, bound as text with a {@code ::vector} cast, and read back with
 * {@code new PGvector(String)} — never {@code addVectorType}, which needs a JDBC connection.
 */
public final class Vectors {
  private Vectors() {
  }

  /** The provider's {@code embedding} array as pgvector text, or null when it is not a non-empty list of numbers. */
  public static String fromJson(JsonArray embedding) {
    if (embedding == null || embedding.isEmpty()) {
      return null;
    }
    float[] values = new float[embedding.size()];
    for (int i = 0; i < values.length; i++) {
      if (!(embedding.getValue(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
        return null;
      }
      values[i] = n.floatValue();
    }
    return new PGvector(values).toString();
  }

  /** The numbers of a vector in pgvector's text form. */
  public static float[] values(String text) {
    try {
      return new PGvector(text).toArray();
    } catch (java.sql.SQLException e) {
      throw new IllegalArgumentException("not a vector: " + e.getMessage());
    }
  }

  /** How many dimensions a vector in text form has. */
  public static int dimensions(String text) {
    return values(text).length;
  }
}
