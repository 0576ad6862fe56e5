-- V10: AI usage accounting (after migue.ai's ai_requests, made multi-tenant). One row per model call
-- the gateway makes for a tenant: chat completions, embeddings, memory extraction. Tokens are the
-- provider's own `usage` numbers; cost is filled in only when the tenant's config gives prices.
-- Like messages, this append-only table has no foreign keys (every dispatched message may append
-- several rows); deleting a tenant deletes its rows explicitly.
CREATE TABLE ai_requests (
  id                bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         tenant_id    NOT NULL,
  contact_id        bigint,
  conversation_id   bigint,
  message_id        bigint,
  plugin            text         NOT NULL,
  -- what the call was for
  purpose           text         NOT NULL CHECK (purpose IN ('chat', 'embedding', 'extraction')),
  model             text         NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
  prompt_tokens     integer      NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer      NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  latency_ms        integer      NOT NULL CHECK (latency_ms >= 0),
  -- ok; timeout, rate_limited, server_error, network (retried); client_error, bad_answer (not)
  outcome           text         NOT NULL CHECK (outcome IN
                      ('ok', 'timeout', 'rate_limited', 'server_error', 'network', 'client_error', 'bad_answer')),
  http_status       integer,
  error             text,
  cost              numeric(18, 10),
  created_at        timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX ai_requests_tenant_time ON ai_requests (tenant_id, created_at);
CREATE INDEX ai_requests_message ON ai_requests (message_id) WHERE message_id IS NOT NULL;
ALTER TABLE ai_requests SET (autovacuum_vacuum_insert_scale_factor = 0.02);
