-- The current definition of outbox_enqueue_batch, the outbox's batch write (one group-commit batch
-- of API sends and replies in one call). Flyway applies this repeatable migration after every
-- pending versioned one, and again whenever this file changes: change the function here, never in
-- a V migration (one that redefined it would be overwritten by this file on a new database and stay
-- in force on an existing one). V14 holds the first definition, kept as it was applied (Flyway
-- checks its checksum). The signature is V14's, so this replaces it; a change of arguments or of
-- the result must drop the old function first, as R__inbox_append does.
--
-- What it answers per send, and why the rows go in the order they do: see V14's header.
--
-- Changes since V14:
-- - The quoted-message lookup (r) is a probe by primary key per send (LIMIT 1). Without it the
--   planner pulled the LATERAL subquery up into a hash join, and the generic plan kept for the
--   session, made while a new database was near empty, hashed every message of the table for each
--   batch: bench/outbound.sh's first minute on a new database (2026-12-02 11:03) had 1,836 calls
--   over 5 ms, 23 ms each (auto_explain), with this statement 22.6 ms of them, and its fixed-rate
--   run reached 998-4,212 sends/s of the 5,000 offered.
-- - For the same reason the two other lookups without LIMIT are probes per send now: the fresh
--   snapshot of the new chats' conversations after step 2 (at most one open conversation per chat;
--   it was a hash of the tenant's open conversations, 46 calls over 5 ms in that minute) and the
--   answer step's look-up of a key stored meanwhile (unique per tenant).
-- - The conversations whose last_message_at moves are locked in id order before the update, as
--   inbox_append locks them: updated in the join's order, two batches (two of these, or one of
--   these and an inbox batch) that touched the same conversations deadlocked, and PostgreSQL rolled
--   one back after a second (bench/turns.sh, 2026-12-06: twice in one run, 224 bot calls repeated).
--
-- Keeps one generic plan per statement, and never a sequential scan (plan_cache_mode and
-- enable_seqscan, set on the function as V14 did with ALTER FUNCTION): see V14.
CREATE OR REPLACE FUNCTION outbox_enqueue_batch(
  p_tenant text[], p_channel text[], p_account text[], p_conversation bigint[], p_chat text[],
  p_user text[], p_phone text[], p_idem text[], p_hash text[], p_token text[], p_type text[],
  p_text text[], p_content text[], p_reply_to bigint[], p_payload text[], p_window double precision[])
RETURNS TABLE (pos integer, outcome text, message_id bigint, conversation_id bigint, status text,
               request_hash text, detail text)
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  r_outcome text[];   -- per send, after the checks: NULL = to store
  r_mid bigint[];     -- the original message of a key used before the batch
  r_conv bigint[];
  r_contact bigint[];
  r_status text[];
  r_hash text[];
  r_detail text[];
  r_reply text[];     -- the quoted / reacted-to message's platform id
  r_from_me boolean[];
  new_chat integer[]; -- sends to store whose chat has no open conversation yet
  s_pos integer[];    -- the sends stored now, and their messages
  s_mid bigint[];
BEGIN
  -- 1. every check that needs the database, for all sends at once (one index probe each)
  SELECT array_agg(x.outcome ORDER BY x.pos), array_agg(x.mid ORDER BY x.pos), array_agg(x.conv ORDER BY x.pos),
         array_agg(x.contact ORDER BY x.pos), array_agg(x.st ORDER BY x.pos), array_agg(x.hash ORDER BY x.pos),
         array_agg(x.detail ORDER BY x.pos), array_agg(x.reply ORDER BY x.pos), array_agg(x.from_me ORDER BY x.pos),
         array_agg(x.pos::integer ORDER BY x.pos) FILTER (WHERE x.outcome IS NULL AND x.conv IS NULL)
    INTO r_outcome, r_mid, r_conv, r_contact, r_status, r_hash, r_detail, r_reply, r_from_me, new_chat
    FROM (
      SELECT b.pos,
             CASE WHEN e.id IS NOT NULL THEN 'existing'
                  WHEN b.conv IS NOT NULL AND v.id IS NULL THEN 'no_conversation'
                  WHEN b.win IS NOT NULL AND (w.ts IS NULL OR w.ts < now() - make_interval(secs => b.win))
                    THEN 'outside_window'
                  WHEN b.rep IS NOT NULL AND r.pid IS NULL THEN 'reply_not_found'
             END AS outcome,
             e.id AS mid,
             CASE WHEN e.id IS NOT NULL THEN e.conversation_id ELSE v.id END AS conv,
             v.contact_id AS contact, e.status AS st, e.request_hash AS hash,
             CASE WHEN e.id IS NULL AND b.win IS NOT NULL THEN w.ts::text END AS detail,
             r.pid AS reply, r.from_me
        FROM unnest(p_tenant, p_channel, p_account, p_conversation, p_chat, p_idem, p_reply_to, p_window)
             WITH ORDINALITY AS b(t, c, a, conv, chat, idem, rep, win, pos)
        LEFT JOIN LATERAL (
          SELECT m.id, m.conversation_id, m.status::text AS status, m.request_hash FROM messages m
           WHERE m.tenant_id = b.t AND m.idempotency_key = b.idem LIMIT 1) e ON true  -- LIMIT 1: a probe per send (a pulled-up join read every keyed message per batch)
        LEFT JOIN LATERAL (
          SELECT c.id, c.contact_id FROM conversations c
           WHERE b.conv IS NOT NULL AND c.id = b.conv AND c.tenant_id = b.t AND c.channel = b.c
          UNION ALL
          SELECT c.id, c.contact_id FROM conversations c
           WHERE b.conv IS NULL AND c.tenant_id = b.t AND c.channel = b.c AND c.chat_id = b.chat
             AND c.status <> 'closed') v ON true
        LEFT JOIN LATERAL (
          -- the tenant is checked as a filter ("IS TRUE" is no index condition): as one, with
          -- statistics that knew the table's size but not its columns (after a VACUUM, before the
          -- next ANALYZE) the planner ANDed the conversation index with the unique key's tenant
          -- prefix, a bitmap of every message of the tenant for each send: 150-600 ms a batch
          -- (auto_explain, bench/turns.sh, 2026-12-03); this walks the conversation's messages from
          -- the newest and stops at the first inbound one
          SELECT m.platform_ts AS ts FROM messages m
           WHERE b.win IS NOT NULL AND m.conversation_id = v.id AND m.direction = 'inbound'
             AND (m.tenant_id = b.t) IS TRUE AND m.account_ref IS NOT DISTINCT FROM b.a
           ORDER BY m.id DESC LIMIT 1) w ON true
        LEFT JOIN LATERAL (
          SELECT m.platform_message_id AS pid, m.direction = 'outbound' AS from_me FROM messages m
           WHERE b.rep IS NOT NULL AND m.id = b.rep AND m.tenant_id = b.t AND m.conversation_id = v.id
           LIMIT 1) r ON true  -- LIMIT 1: a probe by primary key per reply (pulled up, it became a hash of every message)
    ) x;

  -- 2. chats never talked to: their contacts and conversations start now
  IF new_chat IS NOT NULL THEN
    INSERT INTO contacts (tenant_id, channel, platform_user_id, phone)
    SELECT DISTINCT ON (b.t, b.c, b.usr) b.t, b.c, b.usr, b.phone::e164
      FROM unnest(p_tenant, p_channel, p_user, p_phone) WITH ORDINALITY AS b(t, c, usr, phone, pos)
     WHERE b.pos = ANY (new_chat)
     ORDER BY b.t, b.c, b.usr, b.pos
    ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING;

    INSERT INTO conversations (tenant_id, channel, chat_id, contact_id)
    SELECT DISTINCT ON (b.t, b.c, b.chat) b.t, b.c, b.chat, k.id
      FROM unnest(p_tenant, p_channel, p_chat, p_user) WITH ORDINALITY AS b(t, c, chat, usr, pos)
      JOIN contacts k ON k.tenant_id = b.t AND k.channel = b.c AND k.platform_user_id = b.usr
     WHERE b.pos = ANY (new_chat)
     ORDER BY b.t, b.c, b.chat, b.pos
    ON CONFLICT (tenant_id, channel, chat_id) WHERE status <> 'closed' DO NOTHING;

    -- (a fresh snapshot: also the conversations a concurrent batch created, which ON CONFLICT waited for)
    SELECT array_agg(COALESCE(v.id, x.conv) ORDER BY x.pos), array_agg(COALESCE(v.contact_id, x.contact) ORDER BY x.pos)
      INTO r_conv, r_contact
      FROM unnest(r_conv, r_contact, p_tenant, p_channel, p_chat) WITH ORDINALITY AS x(conv, contact, t, c, chat, pos)
      LEFT JOIN LATERAL (
        SELECT c.id, c.contact_id FROM conversations c
         WHERE x.pos = ANY (new_chat) AND c.tenant_id = x.t AND c.channel = x.c AND c.chat_id = x.chat
           AND c.status <> 'closed' LIMIT 1) v ON true;  -- LIMIT 1: a probe per send (at most one open conversation per chat)
  END IF;

  -- 3. the messages and their outbox rows, in the order of the sends; a key that an earlier send of
  --    the batch (or a concurrent batch) stored first is skipped here and answered 'existing' below
  WITH b AS (
    SELECT * FROM unnest(p_tenant, p_channel, p_account, p_idem, p_hash, p_token, p_type, p_text, p_content,
                         p_payload, r_outcome, r_conv, r_contact, r_reply, r_from_me) WITH ORDINALITY
                  AS b(t, c, a, idem, hash, token, ty, tx, co, payload, outcome, conv, contact, reply, from_me, pos)
     WHERE b.outcome IS NULL),
  ins AS (
    INSERT INTO messages AS m (tenant_id, channel, account_ref, conversation_id, contact_id, direction, author,
                               type, status, text, content, reply_to_platform_id, platform_ts,
                               idempotency_key, request_hash, send_token, send_attempts)
    SELECT b.t, b.c, b.a, b.conv, b.contact, 'outbound', 'business_api', b.ty::msg_type, 'queued', b.tx,
           b.co::jsonb, b.reply, now(), b.idem, b.hash, b.token, 0
      FROM b ORDER BY b.pos
    ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING m.id, m.send_token),
  stored AS (
    SELECT b.*, ins.id AS mid FROM b JOIN ins ON ins.send_token = b.token),
  ob AS (
    INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload)
    SELECT s.t, s.c, s.mid, s.conv,
           CASE WHEN s.reply IS NULL THEN s.payload::jsonb
                ELSE s.payload::jsonb || jsonb_build_object('refPlatformId', s.reply, 'refFromMe', s.from_me) END
      FROM stored s ORDER BY s.pos
    RETURNING 1),
  touched AS ( -- locked in id order first, as inbox_append locks them (no deadlock between batches)
    UPDATE conversations c SET last_message_at = now()
      FROM (SELECT l.id FROM conversations l
             WHERE l.id IN (SELECT s.conv FROM stored s)
               AND (l.last_message_at IS NULL OR l.last_message_at < now() - interval '1 minute')
             ORDER BY l.id FOR NO KEY UPDATE) k
     WHERE c.id = k.id
    RETURNING 1)
  SELECT array_agg(s.pos::integer), array_agg(s.mid) INTO s_pos, s_mid FROM stored s;

  -- 4. one answer per send
  RETURN QUERY
  SELECT x.pos::integer,
         CASE WHEN s.mid IS NOT NULL THEN 'queued'
              WHEN x.outcome IS NULL OR x.outcome = 'existing' OR tw.pos < x.pos THEN 'existing'
              ELSE x.outcome END,
         CASE WHEN s.mid IS NOT NULL THEN s.mid
              WHEN x.outcome = 'existing' THEN x.mid
              WHEN x.outcome IS NULL OR tw.pos < x.pos THEN e.id END,
         CASE WHEN s.mid IS NOT NULL OR x.outcome = 'existing' THEN x.conv
              WHEN x.outcome IS NULL OR tw.pos < x.pos THEN e.conversation_id
              WHEN x.outcome = 'no_conversation' THEN NULL
              ELSE x.conv END,
         CASE WHEN s.mid IS NOT NULL THEN 'queued'
              WHEN x.outcome = 'existing' THEN x.st
              WHEN x.outcome IS NULL OR tw.pos < x.pos THEN e.status END,
         CASE WHEN s.mid IS NOT NULL THEN x.hash
              WHEN x.outcome = 'existing' THEN x.h
              WHEN x.outcome IS NULL OR tw.pos < x.pos THEN e.request_hash END,
         CASE WHEN s.mid IS NULL AND x.outcome = 'outside_window' AND (tw.pos IS NULL OR tw.pos > x.pos)
              THEN x.detail END
    FROM unnest(p_tenant, p_idem, p_hash, r_outcome, r_mid, r_conv, r_status, r_hash, r_detail) WITH ORDINALITY
         AS x(t, idem, hash, outcome, mid, conv, st, h, detail, pos)
    LEFT JOIN unnest(s_pos, s_mid) AS s(pos, mid) ON s.pos = x.pos
    LEFT JOIN LATERAL ( -- a key stored meanwhile: by an earlier send of this batch, or a concurrent batch
      SELECT m.id, m.conversation_id, m.status::text AS status, m.request_hash FROM messages m
       WHERE s.mid IS NULL AND (x.outcome IS NULL OR x.outcome <> 'existing')
         AND m.tenant_id = x.t AND m.idempotency_key = x.idem LIMIT 1) e ON true  -- LIMIT 1: a probe per send
    LEFT JOIN unnest(s_pos, s_mid) AS tw(pos, mid) ON tw.mid = e.id
   ORDER BY x.pos;
END
$$;
