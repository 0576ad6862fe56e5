-- Issue 11, admin API: tenants managed over HTTP, API keys created over HTTP, and deleting a tenant.

-- Where a tenant comes from: 'config' (the config file defines it: the file manages it, the admin API
-- answers 409 managed_by_config to a change) or 'admin' (created over the admin API: kept across
-- restarts and config reloads). V1 created the column; this documents it.
COMMENT ON COLUMN tenants.source IS
  'config: defined by the config file (changed only there); admin: created over the admin API';

-- API keys created over the admin API (the config file's apiKeys stay in tenants.api_key_hashes).
-- Only the SHA-256 (hex) of a key is stored; the key is shown once, when it is created. A revoked
-- key stays listed with its revocation time. last_used_at is written at most once a minute per key,
-- in batches, never on the request path.
CREATE TABLE api_keys (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    tenant_id   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  hash         text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

-- Deletes a tenant and everything stored for it. The hot tables (messages, inbound_events, …) carry
-- no foreign key to tenants (see migrations/README.md), so every table with a tenant_id column is
-- cleared explicitly — found in the catalog, so tables added by later migrations are included.
-- The only foreign keys among these tables point to tenants and contacts, both ON DELETE CASCADE,
-- so the order does not matter. Returns false when there was no such tenant.
CREATE FUNCTION delete_tenant(t text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  tbl text;
BEGIN
  PERFORM 1 FROM tenants WHERE id = t FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  FOR tbl IN
    SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables x ON x.table_schema = c.table_schema AND x.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
       AND x.table_type = 'BASE TABLE' AND c.table_name <> 'tenants'
     ORDER BY c.table_name
  LOOP
    EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', tbl) USING t;
  END LOOP;
  DELETE FROM tenants WHERE id = t;
  RETURN true;
END $$;
