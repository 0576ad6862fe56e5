-- Contact memory (pgvector): facts about one contact of one tenant, shaped after the seeds'
-- user_memory / user_context / memories. Applied by the gateway only where the `vector` extension
-- can be created, with its own history table (flyway_memory_history): on a server without
-- pgvector it stays pending, and applies at the first start after pgvector is installed.
-- ${dimensions} is memory.dimensions (default 1536), fixed when the table is created.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE contact_memories (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   text        NOT NULL CHECK (tenant_id ~ '^[a-z0-9-]{2,40}$'),
  -- contacts.id of the main database (no foreign key: the memory database may be another server)
  contact_id  bigint      NOT NULL,
  content     text        NOT NULL CHECK (length(content) BETWEEN 1 AND 4000),
  embedding   vector(${dimensions}) NOT NULL,
  importance  real        NOT NULL DEFAULT 0.5 CHECK (importance BETWEEN 0 AND 1),
  category    text        CHECK (length(category) BETWEEN 1 AND 60),
  source      text        NOT NULL CHECK (source IN ('chat', 'manual', 'import')),
  is_active   boolean     NOT NULL DEFAULT true,
  expires_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- every query names one tenant and contact: this index serves lists and exact per-contact search
CREATE INDEX contact_memories_contact ON contact_memories (tenant_id, contact_id, id DESC) WHERE is_active;
-- approximate nearest neighbours by cosine distance (<=>)
CREATE INDEX contact_memories_embedding ON contact_memories USING hnsw (embedding vector_cosine_ops);
