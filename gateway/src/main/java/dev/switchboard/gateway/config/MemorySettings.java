package dev.switchboard.gateway.config;

/**
 * The {@code memory:} section: where contact memories (pgvector) live.
 *
 * @param databaseUrl {@code postgresql://…} of a server with pgvector, or null for the main
 *                    database ({@code DATABASE_URL}); {@code ?prepareThreshold=0} for a server
 *                    behind a session-sharing pooler
 * @param dimensions  the embedding size of a new {@code contact_memories} table, 1–2000 (the most an
 *                    HNSW index takes); an existing table keeps its own
 * @param poolSize    connections to the memory database (1 for a server that serves all connections
 *                    from one session, such as PGlite's socket server)
 */
public record MemorySettings(String databaseUrl, int dimensions, int poolSize) {
  public static final MemorySettings DEFAULTS = new MemorySettings(null, 1536, 4);
}
