-- V14: outbox_enqueue_batch stores one group-commit batch of accepted sends in one call: arrays in
-- (one element per send, in the order the sends were accepted), one row out per send. It replaces
-- a call of outbox_enqueue (V6: five statements of plpgsql) per send with a fixed number of
-- set-based statements per batch, as inbox_append does for inbound. outbox_enqueue stays (same
-- answers, one send).
--
-- A send's outcome is what outbox_enqueue would have said had the sends of the batch been stored
-- one after the other in their order:
--   'queued'          stored now (its message and outbox row, in this call's transaction)
--   'existing'        its idempotency key was used before: by a message stored earlier, by an
--                     earlier send of this same batch, or by a concurrent batch that committed first
--                     (ON CONFLICT waited for it); the original message is returned, with its
--                     request hash, so the API answers 200 (same body) or 409 (another body)
--   'no_conversation', 'outside_window', 'reply_not_found'  as outbox_enqueue (V6)
-- The key is checked first: a send whose key an earlier send of the batch stored is 'existing'
-- even if its own body would have been refused. A refused send stores nothing, so a later send of
-- the batch with the same key is judged on its own.
--
-- Order per conversation: messages and outbox rows are inserted in the order of the sends, so the
-- outbox ids (the queue order of each conversation) are the order of acceptance. New contacts and
-- conversations are inserted in key order (as inbox_append), so concurrent batches creating the
-- same chats take their index locks in the same order. p_token (each send's own random token)
-- maps the inserted messages back to their sends: it must be unique within a batch.
CREATE FUNCTION outbox_enqueue_batch(
  p_tenant text[], p_channel text[], p_account text[], p_conversation bigint[], p_chat text[],
  p_user text[], p_phone text[], p_idem text[], p_hash text[], p_token text[], p_type text[],
  p_text text[], p_content text[], p_reply_to bigint[], p_payload text[], p_window double precision[])
RETURNS TABLE (pos integer, outcome text, message_id bigint, conversation_id bigint, status text,
               request_hash text, detail text)
LANGUAGE plpgsql VOLATILE AS $$
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
          SELECT m.platform_ts AS ts FROM messages m
           WHERE b.win IS NOT NULL AND m.conversation_id = v.id AND m.direction = 'inbound'
             AND m.tenant_id = b.t AND m.account_ref IS NOT DISTINCT FROM b.a
           ORDER BY m.id DESC LIMIT 1) w ON true
        LEFT JOIN LATERAL (
          SELECT m.platform_message_id AS pid, m.direction = 'outbound' AS from_me FROM messages m
           WHERE b.rep IS NOT NULL AND m.id = b.rep AND m.tenant_id = b.t AND m.conversation_id = v.id) r ON true
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
           AND c.status <> 'closed') v ON true;
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
  touched AS (
    UPDATE conversations c SET last_message_at = now()
     WHERE c.id IN (SELECT s.conv FROM stored s)
       AND (c.last_message_at IS NULL OR c.last_message_at < now() - interval '1 minute')
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
         AND m.tenant_id = x.t AND m.idempotency_key = x.idem) e ON true
    LEFT JOIN unnest(s_pos, s_mid) AS tw(pos, mid) ON tw.mid = e.id
   ORDER BY x.pos;
END
$$;

-- outbox_settle (replaces V11's) finds its outbox rows by primary key (o.id = ANY of the ids of
-- each kind) and plans without sequential scans, so the plan it keeps for the session is the same
-- whatever the outbox held when it was made. plpgsql keeps a generic plan per statement once five
-- calls did not beat it; V11's joins of the batch's arrays to the outbox, planned while the outbox
-- was small, became a scan of the whole outbox that re-reads the arrays for every row. The outbox
-- is a queue (empty, then a burst of tens of thousands of rows), and that plan stayed while the
-- backlog grew, until an ANALYZE invalidated it: every settle then cost in proportion to the
-- backlog, the sender fell further behind, the backlog grew faster. Measured in one session
-- (bench/settle-plan.sh: 8 calls on an empty outbox, 50,000 rows inserted, then 20 calls of 20
-- rows): 13-27 s with V11, 0.08-0.3 s planned per call; enable_seqscan = off alone does not help
-- (the plan then reads the whole primary-key index: 23-35 s). The suspected cause of the collapse
-- of bench/outbound.sh's max-load run (3,453 -> 451 sends/s within 20 s as the backlog grew to
-- 5,549, then a drain of 130 msg/s). Planning every call was measured too (plan_cache_mode =
-- force_custom_plan): 8.6 ms a settle call against 3.0 before, so the kept plan is made robust
-- instead. The retry and failure statements run only when the batch has such outcomes.
CREATE OR REPLACE FUNCTION outbox_settle(p_owner text, p_id bigint[], p_kind text[], p_pid text[],
                              p_wait double precision[], p_code text[], p_detail text[])
RETURNS TABLE (dead_letter_id bigint, dead_message_id bigint)
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
  echo_convs bigint[];
  k_sending bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'sending');
  k_back bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind IN ('retry', 'release'));
  k_sent bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'sent');
  k_failed bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'failed');
BEGIN
  IF cardinality(k_sending) > 0 THEN
    UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1
     WHERE o.id = ANY (k_sending) AND o.lease_owner = p_owner;
  END IF;

  IF cardinality(k_back) > 0 THEN
    UPDATE outbox o SET state = CASE WHEN u.kind = 'retry' THEN 'queued' ELSE o.state END,
                        lease_owner = NULL, lease_until = NULL,
                        next_attempt_at = now() + make_interval(secs => u.wait),
                        last_error_code = CASE WHEN u.kind = 'retry' THEN u.code ELSE o.last_error_code END,
                        last_error_detail = CASE WHEN u.kind = 'retry' THEN u.detail ELSE o.last_error_detail END
      FROM unnest(p_id, p_kind, p_wait, p_code, p_detail) AS u(id, kind, wait, code, detail)
     WHERE o.id = ANY (k_back) AND u.kind IN ('retry', 'release') AND o.id = u.id AND o.lease_owner = p_owner;
  END IF;

  IF cardinality(k_sent) > 0 THEN
    WITH s AS (
      SELECT o.id, o.tenant_id, o.channel, o.message_id, o.attempts, u.pid
        FROM unnest(p_id, p_kind, p_pid) AS u(id, kind, pid)
        JOIN outbox o ON o.id = u.id
       WHERE o.id = ANY (k_sent) AND u.kind = 'sent' AND u.pid IS NOT NULL),
    echo AS (
      DELETE FROM messages e
       USING s CROSS JOIN LATERAL (
               SELECT k.id FROM messages k
                WHERE k.tenant_id = s.tenant_id AND k.channel = s.channel AND k.platform_message_id = s.pid
                  AND k.id <> s.message_id
                LIMIT 1) x -- LIMIT: not flattened into a join, so the whole unique key is the index condition
       WHERE e.id = x.id
      RETURNING e.conversation_id, e.author, e.status, s.message_id)
    SELECT array_agg(DISTINCT echo.conversation_id) FILTER (WHERE echo.author = 'business_human')
      INTO echo_convs FROM echo;

    UPDATE messages m SET platform_message_id = u.pid, status = 'sent', status_at = now(), sent_at = now(),
                          send_attempts = o.attempts, error_code = NULL, error_detail = NULL
      FROM unnest(p_id, p_kind, p_pid) AS u(id, kind, pid)
      JOIN outbox o ON o.id = u.id
     WHERE o.id = ANY (k_sent) AND u.kind = 'sent' AND m.id = o.message_id;
    DELETE FROM outbox o WHERE o.id = ANY (k_sent);
    IF EXISTS (SELECT 1 FROM pending_receipts) THEN -- (as inbox_append): a SQL function is planned on
      PERFORM apply_pending_receipts();              -- every call, ~0.6 ms even when nothing waits
    END IF;
    IF echo_convs IS NOT NULL THEN
      PERFORM refresh_takeovers(echo_convs);
    END IF;
  END IF;

  IF cardinality(k_failed) > 0 THEN
    UPDATE messages m SET status = 'failed', status_at = now(), error_code = u.code, error_detail = u.detail,
                          send_attempts = o.attempts
      FROM unnest(p_id, p_kind, p_code, p_detail) AS u(id, kind, code, detail)
      JOIN outbox o ON o.id = u.id
     WHERE o.id = ANY (k_failed) AND u.kind = 'failed' AND m.id = o.message_id;
    RETURN QUERY
    WITH f AS (
      DELETE FROM outbox o USING unnest(p_id, p_kind, p_code, p_detail) AS u(id, kind, code, detail)
       WHERE o.id = ANY (k_failed) AND u.kind = 'failed' AND o.id = u.id
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

-- outbox_enqueue_batch keeps one generic plan per statement, and never a sequential scan: by
-- default plpgsql planned its first statement anew for every call (a custom plan for each batch's
-- arrays: 0.63 ms of planning per call, pg_stat_statements with track_planning, more than the
-- statement itself), and its lookups are probes by key of messages and conversations that must not
-- become scans planned while a new database was empty (measured: plans made on an empty database,
-- then 25,600 sends in the same session, then 128 sends a call: 36 ms a call generic, 64 ms
-- planned per call).
ALTER FUNCTION outbox_enqueue_batch(text[], text[], text[], bigint[], text[], text[], text[], text[], text[],
                                    text[], text[], text[], text[], bigint[], text[], double precision[])
  SET enable_seqscan = off SET plan_cache_mode = force_generic_plan;
