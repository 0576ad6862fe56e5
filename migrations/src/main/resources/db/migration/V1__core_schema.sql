-- Switchboard core schema: tenants, channel accounts, contacts, conversations, messages and the
-- inbound event ledger. Every row is keyed by tenant; see migrations/README.md for where each
-- table comes from.

-- E.164 phone numbers: '+' then 7 to 15 digits, no leading zero.
CREATE DOMAIN e164 AS text CHECK (VALUE ~ '^\+[1-9][0-9]{6,14}$');

-- Tenant ids appear in URLs.
CREATE DOMAIN tenant_id AS text CHECK (VALUE ~ '^[a-z0-9-]{2,40}$');

CREATE TYPE msg_type AS ENUM (
  'text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'animation', 'video_note',
  'location', 'venue', 'contacts', 'poll', 'dice',
  'interactive', 'button', 'reaction', 'order', 'template',
  'system', 'edit', 'revoke', 'unsupported');

CREATE TYPE msg_direction AS ENUM ('inbound', 'outbound');

-- Who wrote a message: the contact, a person on the business side (phone app), or an API client.
CREATE TYPE msg_author AS ENUM ('contact', 'business_human', 'business_api');

CREATE TYPE msg_status AS ENUM ('queued', 'sent', 'delivered', 'read', 'failed');

CREATE TYPE conv_status AS ENUM ('active', 'paused', 'closed');

CREATE TABLE tenants (
  id               tenant_id   PRIMARY KEY,
  name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- SHA-256 (hex) of each API key; keys are random and long, so a fast hash is enough.
  api_key_hashes   text[]      NOT NULL DEFAULT '{}',
  inbound_per_second  integer  NOT NULL DEFAULT 200 CHECK (inbound_per_second > 0),
  inbound_burst       integer  NOT NULL DEFAULT 400 CHECK (inbound_burst > 0),
  outbound_per_second integer  NOT NULL DEFAULT 50  CHECK (outbound_per_second > 0),
  outbound_burst      integer  NOT NULL DEFAULT 50  CHECK (outbound_burst > 0),
  per_contact_daily   integer  NOT NULL DEFAULT 0   CHECK (per_contact_daily >= 0),
  takeover_auto_resume interval NOT NULL DEFAULT interval '2 hours'
                               CHECK (takeover_auto_resume > interval '0'),
  -- the ordered message-plugin chain; encrypted because entries carry secrets
  plugin_chain     bytea,
  source           text        NOT NULL DEFAULT 'config' CHECK (source IN ('config', 'admin')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE channel_accounts (
  tenant_id    tenant_id   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  channel      text        NOT NULL CHECK (channel ~ '^[a-z][a-z0-9-]{1,30}$'),
  -- the platform's id for the account: WhatsApp phone_number_id, Telegram bot id, Evolution instance
  account_ref  text        NOT NULL CHECK (length(account_ref) BETWEEN 1 AND 200),
  settings     jsonb       NOT NULL DEFAULT '{}',  -- the non-secret fields
  secrets      bytea       NOT NULL,               -- AES-256-GCM of the secret fields (SWITCHBOARD_MASTER_KEY)
  state        text,                               -- connection state reported by the platform
  state_detail jsonb,
  state_at     timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, channel)
);
CREATE INDEX channel_accounts_ref ON channel_accounts (channel, account_ref);

CREATE TABLE contacts (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id        tenant_id   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  channel          text        NOT NULL,
  platform_user_id text        NOT NULL CHECK (length(platform_user_id) BETWEEN 1 AND 200),
  phone            e164,
  display_name     text,
  username         text,
  blocked          boolean     NOT NULL DEFAULT false,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, channel, platform_user_id)
);
CREATE INDEX contacts_phone ON contacts (tenant_id, phone) WHERE phone IS NOT NULL;

CREATE TABLE conversations (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       tenant_id   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  channel         text        NOT NULL,
  -- the platform's chat id: the contact's id in a 1:1 chat, the group's id otherwise
  chat_id         text        NOT NULL,
  contact_id      bigint      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  status          conv_status NOT NULL DEFAULT 'active',
  paused_reason   text,
  paused_at       timestamptz,
  last_human_at   timestamptz,
  last_inbound_at timestamptz,
  last_message_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'paused') = (paused_reason IS NOT NULL))
);
-- one open (active or paused) conversation per chat and channel; in 1:1 chats that is one per contact
CREATE UNIQUE INDEX conversations_one_open ON conversations (tenant_id, channel, chat_id)
  WHERE status <> 'closed';
CREATE INDEX conversations_contact ON conversations (contact_id);
CREATE INDEX conversations_recent ON conversations (tenant_id, last_message_at DESC);

-- messages and inbound_events are the hot ingest tables: they carry no foreign keys, because every
-- insert would share-lock the referenced tenant / conversation / contact row, and concurrent
-- group-commit batches contend on those rows (measured: a third of the insert cost). The inbox
-- store is their only writer and takes the ids from its own transaction; deleting a tenant
-- deletes its messages and events explicitly.
CREATE TABLE messages (
  id                  bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id           tenant_id     NOT NULL,
  channel             text          NOT NULL,
  account_ref         text,
  platform_message_id text          NOT NULL CHECK (length(platform_message_id) BETWEEN 1 AND 400),
  conversation_id     bigint,
  contact_id          bigint,
  direction           msg_direction NOT NULL,
  author              msg_author    NOT NULL,
  type                msg_type      NOT NULL,
  status              msg_status    NOT NULL,
  text                text,
  -- type-specific content: media, location, contacts, interactive, reaction, extras
  content             jsonb,
  reply_to_platform_id text,
  -- for edits and revokes: the message edited or deleted
  related_platform_id text,
  forwarded           smallint      NOT NULL DEFAULT 0 CHECK (forwarded BETWEEN 0 AND 2),
  errors              jsonb,
  error_code          text,
  error_detail        text,
  platform_ts         timestamptz   NOT NULL,
  received_at         timestamptz   NOT NULL DEFAULT now(),
  status_at           timestamptz,
  edited_at           timestamptz,
  revoked_at          timestamptz,
  raw                 jsonb,
  dispatched_at       timestamptz,
  UNIQUE (tenant_id, channel, platform_message_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id DESC);

-- Status order: queued < sent < failed < delivered < read.
CREATE FUNCTION msg_status_rank(status msg_status) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT array_position(ARRAY['queued','sent','failed','delivered','read']::msg_status[], status)
$$;

-- A status never moves backwards; 'failed' may still become delivered/read (a late receipt proves
-- delivery).
CREATE FUNCTION msg_status_advances(old msg_status, new msg_status) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE
    WHEN old = 'failed' THEN new IN ('delivered', 'read')
    ELSE msg_status_rank(new) > msg_status_rank(old)
  END
$$;

-- Enforced in the database: an update that would move a status backwards keeps the old status.
CREATE FUNCTION messages_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT msg_status_advances(OLD.status, NEW.status) THEN
    NEW.status := OLD.status;
    NEW.status_at := OLD.status_at;
    NEW.error_code := OLD.error_code;
    NEW.error_detail := OLD.error_detail;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER messages_status_guard BEFORE UPDATE OF status ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_status_guard();

-- The inbound event ledger: one row per event key per tenant and channel (the idempotency
-- authority), plus audit rows for refused calls.
CREATE TABLE inbound_events (
  tenant_id     tenant_id   NOT NULL,
  channel       text        NOT NULL,
  idem_key      text        NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 500),
  event_type    text        NOT NULL,
  outcome       text        NOT NULL CHECK (outcome IN
                  ('accepted', 'ignored', 'undecodable', 'foreign_account', 'platform_error', 'malformed')),
  account_ref   text,
  occurred_at   timestamptz,
  received_at   timestamptz NOT NULL DEFAULT now(),
  detail        text,
  payload       jsonb,      -- for notices (messages keep theirs in messages.raw)
  body_excerpt  text,       -- for malformed calls: the first bytes as received
  PRIMARY KEY (tenant_id, channel, idem_key)
);
-- rows arrive in time order, so a BRIN index serves time-range audits at almost no write cost
CREATE INDEX inbound_events_received ON inbound_events USING brin (received_at);
