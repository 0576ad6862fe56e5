package dev.switchboard.migrations;

/**
 * Whether contact memory can be used on a database, and why not.
 *
 * @param available  the {@code contact_memories} table exists (pgvector is installed)
 * @param reason     why not, in a few words (shown by {@code /ready} and the memory routes), or null
 * @param dimensions the embedding size the table holds, 0 when unavailable
 */
public record MemorySchema(boolean available, String reason, int dimensions) {
  public static final String NO_PGVECTOR = "the server has no pgvector extension";

  public static MemorySchema unavailable(String reason) {
    return new MemorySchema(false, reason, 0);
  }
}
