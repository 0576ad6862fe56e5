-- V6: the outbound half.
--  * messages sent through the API: direction outbound, author business_api, status queued until
--    the platform accepts them; no platform id until then (platform_message_id becomes nullable:
--    every inbound message still has one); the client's idempotency key (unique per tenant) with
--    the hash of the request it came with; the send token; attempts; sent/delivered/read times
--  * outbox: one row per message still to send, claimed with FOR UPDATE SKIP LOCKED and a lease;
--    deleted once the message is sent or has failed for good (the outbox never grows without limit)
--  * dead_letters: sends (and, later, bot forwards) that failed for good, replayable
--  * outbox_enqueue / outbox_settle: one call per accepted send and one per batch of outcomes

ALTER TABLE messages ALTER COLUMN platform_message_id DROP NOT NULL;
ALTER TABLE messages
  ADD COLUMN idempotency_key text,
  ADD COLUMN request_hash    text,
  ADD COLUMN send_token      text,
  ADD COLUMN send_attempts   integer,
  ADD COLUMN sent_at         timestamptz,
  ADD COLUMN delivered_at    timestamptz,
  ADD COLUMN read_at         timestamptz;
CREATE UNIQUE INDEX messages_idempotency ON messages (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE outbox (
  id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         tenant_id   NOT NULL,
  channel           text        NOT NULL,
  message_id        bigint      NOT NULL,
  conversation_id   bigint      NOT NULL,
  -- what to send: recipient, type, content, the quoted message's platform id, the send token
  payload           jsonb       NOT NULL,
  -- 'sending' is written before the platform is called: a row found 'sending' with an expired
  -- lease is in doubt (the call may have been made)
  state             text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending')),
  attempts          integer     NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  lease_owner       text,
  lease_until       timestamptz,
  last_error_code   text,
  last_error_detail text,
  accepted_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (channel, next_attempt_at, id);
-- the head of each conversation's queue: a row is claimable only when no earlier row of its
-- conversation is still in the outbox (order per conversation)
CREATE INDEX outbox_conversation ON outbox (conversation_id, id);
CREATE INDEX outbox_tenant ON outbox (tenant_id);
CREATE UNIQUE INDEX outbox_message ON outbox (message_id);

CREATE TABLE dead_letters (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       tenant_id   NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('outbound', 'forward')),
  channel         text,
  message_id      bigint,
  conversation_id bigint,
  payload         jsonb       NOT NULL,
  attempts        integer     NOT NULL,
  error_code      text,
  error_detail    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  replayed_at     timestamptz
);
CREATE INDEX dead_letters_list ON dead_letters (tenant_id, kind, id DESC);
CREATE INDEX dead_letters_recent ON dead_letters (id DESC);

-- The status guard (V1) also stamps when a message was sent, delivered and read, and lets a
-- dead-letter replay (and only a replay: SET LOCAL switchboard.replay = 'on') put a failed
-- message back to queued.
CREATE OR REPLACE FUNCTION messages_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF OLD.status = 'failed' AND NEW.status = 'queued'
       AND current_setting('switchboard.replay', true) = 'on' THEN
      RETURN NEW;
    END IF;
    IF NOT msg_status_advances(OLD.status, NEW.status) THEN
      NEW.status := OLD.status;
      NEW.status_at := OLD.status_at;
      NEW.error_code := OLD.error_code;
      NEW.error_detail := OLD.error_detail;
      RETURN NEW;
    END IF;
    IF NEW.status = 'sent' THEN
      NEW.sent_at := COALESCE(NEW.sent_at, NEW.status_at, now());
    ELSIF NEW.status = 'delivered' THEN
      NEW.delivered_at := COALESCE(NEW.delivered_at, NEW.status_at, now());
    ELSIF NEW.status = 'read' THEN
      NEW.read_at := COALESCE(NEW.read_at, NEW.status_at, now());
      NEW.delivered_at := COALESCE(NEW.delivered_at, NEW.read_at);
    END IF;
  END IF;
  RETURN NEW;
END
$$;

-- outbox_enqueue: stores one accepted send (the message and its outbox row) after the checks that
-- need the database, or says why not. Called once per API request; the gateway group-commits
-- several calls in one transaction (one round trip).
--   outcome 'queued'          stored now
--           'existing'        the idempotency key was used before: the original message
--           'no_conversation' p_conversation is not a conversation of this tenant and channel
--           'outside_window'  p_window is set and the contact's last inbound message on this
--                             account is older (detail: its time, or null when there is none)
--           'reply_not_found' p_reply_to is not a message of this conversation that has a platform id
--                             (for a reply: the message quoted; for a reaction: the message reacted to)
-- The idempotency key is checked first, so a retry of an accepted request answers the original
-- even after its window closed.
CREATE FUNCTION outbox_enqueue(
  p_tenant text, p_channel text, p_account text, p_conversation bigint, p_chat text, p_user text,
  p_phone text, p_idem text, p_hash text, p_token text, p_type text, p_text text, p_content text,
  p_reply_to bigint, p_payload text, p_window interval)
RETURNS TABLE (outcome text, message_id bigint, conversation_id bigint, status text, request_hash text,
               detail text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  conv bigint;
  contact bigint;
  last_in timestamptz;
  reply text;
  ref_from_me boolean;
  mid bigint;
BEGIN
  IF p_idem IS NOT NULL THEN
    RETURN QUERY SELECT 'existing'::text, m.id, m.conversation_id, m.status::text, m.request_hash, NULL::text
      FROM messages m WHERE m.tenant_id = p_tenant AND m.idempotency_key = p_idem;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;

  IF p_conversation IS NOT NULL THEN
    SELECT c.id, c.contact_id INTO conv, contact FROM conversations c
     WHERE c.id = p_conversation AND c.tenant_id = p_tenant AND c.channel = p_channel;
    IF conv IS NULL THEN
      RETURN QUERY SELECT 'no_conversation'::text, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text;
      RETURN;
    END IF;
  ELSE
    SELECT c.id, c.contact_id INTO conv, contact FROM conversations c
     WHERE c.tenant_id = p_tenant AND c.channel = p_channel AND c.chat_id = p_chat AND c.status <> 'closed';
  END IF;

  IF p_window IS NOT NULL THEN
    SELECT m.platform_ts INTO last_in FROM messages m
     WHERE m.conversation_id = conv AND m.direction = 'inbound' AND m.tenant_id = p_tenant
       AND m.account_ref IS NOT DISTINCT FROM p_account
     ORDER BY m.id DESC LIMIT 1;
    IF last_in IS NULL OR last_in < now() - p_window THEN
      RETURN QUERY SELECT 'outside_window'::text, NULL::bigint, conv, NULL::text, NULL::text, last_in::text;
      RETURN;
    END IF;
  END IF;

  IF p_reply_to IS NOT NULL THEN
    SELECT m.platform_message_id, m.direction = 'outbound' INTO reply, ref_from_me FROM messages m
     WHERE m.id = p_reply_to AND m.tenant_id = p_tenant AND m.conversation_id = conv;
    IF reply IS NULL THEN
      RETURN QUERY SELECT 'reply_not_found'::text, NULL::bigint, conv, NULL::text, NULL::text, NULL::text;
      RETURN;
    END IF;
  END IF;

  IF conv IS NULL THEN -- a chat we never talked to: its contact and conversation start now
    INSERT INTO contacts (tenant_id, channel, platform_user_id, phone)
    VALUES (p_tenant, p_channel, p_user, p_phone::e164)
    ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING;
    SELECT k.id INTO contact FROM contacts k
     WHERE k.tenant_id = p_tenant AND k.channel = p_channel AND k.platform_user_id = p_user;
    INSERT INTO conversations (tenant_id, channel, chat_id, contact_id)
    VALUES (p_tenant, p_channel, p_chat, contact)
    ON CONFLICT (tenant_id, channel, chat_id) WHERE status <> 'closed' DO NOTHING;
    SELECT c.id, c.contact_id INTO conv, contact FROM conversations c
     WHERE c.tenant_id = p_tenant AND c.channel = p_channel AND c.chat_id = p_chat AND c.status <> 'closed';
  END IF;

  INSERT INTO messages AS m (tenant_id, channel, account_ref, conversation_id, contact_id, direction, author,
                             type, status, text, content, reply_to_platform_id, platform_ts,
                             idempotency_key, request_hash, send_token, send_attempts)
  VALUES (p_tenant, p_channel, p_account, conv, contact, 'outbound', 'business_api', p_type::msg_type,
          'queued', p_text, p_content::jsonb, reply, now(), p_idem, p_hash, p_token, 0)
  ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING m.id INTO mid;
  IF mid IS NULL THEN -- a concurrent request with the same key committed first
    RETURN QUERY SELECT 'existing'::text, m.id, m.conversation_id, m.status::text, m.request_hash, NULL::text
      FROM messages m WHERE m.tenant_id = p_tenant AND m.idempotency_key = p_idem;
    RETURN;
  END IF;

  INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload)
  VALUES (p_tenant, p_channel, mid, conv,
          CASE WHEN reply IS NULL THEN p_payload::jsonb
               ELSE p_payload::jsonb || jsonb_build_object('refPlatformId', reply, 'refFromMe', ref_from_me) END);
  UPDATE conversations c SET last_message_at = now()
   WHERE c.id = conv AND (c.last_message_at IS NULL OR c.last_message_at < now() - interval '1 minute');
  RETURN QUERY SELECT 'queued'::text, mid, conv, 'queued'::text, p_hash, NULL::text;
END
$$;

-- outbox_claim: leases up to p_limit due rows of one channel to p_owner for p_lease seconds. A row
-- is due when its time has come, no live lease holds it, and no earlier row of its conversation is
-- still in the outbox. Rows another node is claiming are skipped, not waited for.
CREATE FUNCTION outbox_claim(p_channel text, p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (id bigint, tenant_id text, message_id bigint, conversation_id bigint, payload text,
               state text, attempts integer, accepted_at timestamptz)
LANGUAGE sql VOLATILE AS $$
  WITH c AS (
    SELECT o.id FROM outbox o
     WHERE o.channel = p_channel AND o.next_attempt_at <= now()
       AND (o.lease_until IS NULL OR o.lease_until < now())
       AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = o.conversation_id AND p.id < o.id)
     ORDER BY o.next_attempt_at, o.id
     LIMIT p_limit
     FOR UPDATE OF o SKIP LOCKED)
  UPDATE outbox o SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease)
    FROM c WHERE o.id = c.id
  RETURNING o.id, o.tenant_id::text, o.message_id, o.conversation_id, o.payload::text, o.state, o.attempts,
            o.accepted_at
$$;

-- outbox_settle: records a batch of outcomes in one call. Per row (p_kind):
--   'sending' the platform is about to be called: state sending, one more attempt
--   'sent'    accepted by the platform with id p_pid: the message is sent, its outbox row deleted.
--             A message already stored under that id (the channel's echo of this very send, which
--             raced the answer) is folded into it; receipts that waited for the id are applied;
--             a takeover that the echo caused is re-examined.
--   'retry'   not sent: back in the queue after p_wait seconds, with the error kept
--   'release' not attempted (the pace did not allow it within the lease): back after p_wait
--   'failed'  failed for good: the message is failed with the error, the row becomes a dead letter
-- Returns the dead letters made.
CREATE FUNCTION outbox_settle(p_owner text, p_id bigint[], p_kind text[], p_pid text[],
                              p_wait double precision[], p_code text[], p_detail text[])
RETURNS TABLE (dead_letter_id bigint, dead_message_id bigint)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  echo_convs bigint[];
BEGIN
  UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1
    FROM unnest(p_id, p_kind) AS u(id, kind)
   WHERE u.kind = 'sending' AND o.id = u.id AND o.lease_owner = p_owner;

  UPDATE outbox o SET state = CASE WHEN u.kind = 'retry' THEN 'queued' ELSE o.state END,
                      lease_owner = NULL, lease_until = NULL,
                      next_attempt_at = now() + make_interval(secs => u.wait),
                      last_error_code = CASE WHEN u.kind = 'retry' THEN u.code ELSE o.last_error_code END,
                      last_error_detail = CASE WHEN u.kind = 'retry' THEN u.detail ELSE o.last_error_detail END
    FROM unnest(p_id, p_kind, p_wait, p_code, p_detail) AS u(id, kind, wait, code, detail)
   WHERE u.kind IN ('retry', 'release') AND o.id = u.id AND o.lease_owner = p_owner;

  IF 'sent' = ANY (p_kind) THEN
    WITH s AS (
      SELECT o.id, o.tenant_id, o.channel, o.message_id, o.attempts, u.pid
        FROM unnest(p_id, p_kind, p_pid) AS u(id, kind, pid)
        JOIN outbox o ON o.id = u.id
       WHERE u.kind = 'sent' AND u.pid IS NOT NULL),
    echo AS (
      DELETE FROM messages e USING s
       WHERE e.tenant_id = s.tenant_id AND e.channel = s.channel AND e.platform_message_id = s.pid
         AND e.id <> s.message_id
      RETURNING e.conversation_id, e.author, e.status, s.message_id)
    SELECT array_agg(DISTINCT echo.conversation_id) FILTER (WHERE echo.author = 'business_human')
      INTO echo_convs FROM echo;

    UPDATE messages m SET platform_message_id = u.pid, status = 'sent', status_at = now(), sent_at = now(),
                          send_attempts = o.attempts, error_code = NULL, error_detail = NULL
      FROM unnest(p_id, p_kind, p_pid) AS u(id, kind, pid)
      JOIN outbox o ON o.id = u.id
     WHERE u.kind = 'sent' AND m.id = o.message_id;
    DELETE FROM outbox o USING unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'sent' AND o.id = u.id;
    PERFORM apply_pending_receipts();
    IF echo_convs IS NOT NULL THEN
      PERFORM refresh_takeovers(echo_convs);
    END IF;
  END IF;

  IF 'failed' = ANY (p_kind) THEN
    UPDATE messages m SET status = 'failed', status_at = now(), error_code = u.code, error_detail = u.detail,
                          send_attempts = o.attempts
      FROM unnest(p_id, p_kind, p_code, p_detail) AS u(id, kind, code, detail)
      JOIN outbox o ON o.id = u.id
     WHERE u.kind = 'failed' AND m.id = o.message_id;
    RETURN QUERY
    WITH f AS (
      DELETE FROM outbox o USING unnest(p_id, p_kind, p_code, p_detail) AS u(id, kind, code, detail)
       WHERE u.kind = 'failed' AND o.id = u.id
      RETURNING o.*, u.code, u.detail),
    d AS (
      INSERT INTO dead_letters (tenant_id, kind, channel, message_id, conversation_id, payload, attempts,
                                error_code, error_detail)
      SELECT f.tenant_id, 'outbound', f.channel, f.message_id, f.conversation_id, f.payload, f.attempts,
             f.code, f.detail FROM f
      RETURNING dead_letters.id, dead_letters.message_id)
    SELECT d.id, d.message_id FROM d;
  END IF;
END
$$;

-- dead_letter_replay: puts an outbound dead letter back in the outbox with a fresh attempt count and
-- the same send token. 'replayed', or why not: 'not_found', 'already_replayed', 'not_failed' (the
-- message reached the recipient after all: a late receipt).
CREATE FUNCTION dead_letter_replay(p_id bigint)
RETURNS TABLE (outcome text, message_id bigint, tenant_id text, channel text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  dl dead_letters%ROWTYPE;
  moved integer;
BEGIN
  SELECT * INTO dl FROM dead_letters d WHERE d.id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF dl.replayed_at IS NOT NULL THEN
    RETURN QUERY SELECT 'already_replayed'::text, dl.message_id, dl.tenant_id::text, dl.channel;
    RETURN;
  END IF;
  PERFORM set_config('switchboard.replay', 'on', true);
  UPDATE messages m SET status = 'queued', status_at = now(), error_code = NULL, error_detail = NULL
   WHERE m.id = dl.message_id AND m.status = 'failed';
  GET DIAGNOSTICS moved = ROW_COUNT;
  PERFORM set_config('switchboard.replay', 'off', true);
  IF moved = 0 THEN
    RETURN QUERY SELECT 'not_failed'::text, dl.message_id, dl.tenant_id::text, dl.channel;
    RETURN;
  END IF;
  INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload)
  VALUES (dl.tenant_id, dl.channel, dl.message_id, dl.conversation_id, dl.payload);
  UPDATE dead_letters d SET replayed_at = now() WHERE d.id = dl.id;
  RETURN QUERY SELECT 'replayed'::text, dl.message_id, dl.tenant_id::text, dl.channel;
END
$$;
