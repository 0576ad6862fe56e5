-- V11: plans of the outbox functions that do not depend on the planner's statistics, and status
-- checks that the planner can inline.
--  * outbox_settle (replaces V6's): the echo check ("is a message with this platform id already
--    stored?") looks each id up by the whole unique key (tenant, channel, platform id). As a join,
--    the planner could probe messages_tenant_id_channel_platform_message_id_key by (tenant,
--    channel) only and filter the platform id afterwards, which it does while messages has no
--    statistics yet (a new database: the default selectivity makes one tenant and channel look like
--    a handful of rows): every settled send then read every message of its tenant and channel
--    (bench/outbound.sh: ~300 ms per settle call of ~30 sends with 20k messages stored). And it
--    calls apply_pending_receipts() only when a receipt waits (0.6 ms -> 0.014 ms a call when none
--    does).
--  * outbox_claim (replaces V6's): the due rows are read in the order of outbox_due, stopping at
--    p_limit, however many rows wait behind them (SET enable_sort = off: without it, and more so
--    without statistics, the planner checked "no earlier row of its conversation" for every due
--    row and sorted them all, because it cannot know that the heads of the conversations come
--    first); the rows found are then updated by primary key (= ANY of their ids: V6's join of
--    the claim back onto outbox became a hash join over the whole table once the limit was a
--    generic parameter). With 100,000 rows waiting: 86-164 ms a claim before, 17-43 ms after.

CREATE OR REPLACE FUNCTION outbox_settle(p_owner text, p_id bigint[], p_kind text[], p_pid text[],
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
     WHERE u.kind = 'sent' AND m.id = o.message_id;
    DELETE FROM outbox o USING unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'sent' AND o.id = u.id;
    IF EXISTS (SELECT 1 FROM pending_receipts) THEN -- (as inbox_append): a SQL function is planned on
      PERFORM apply_pending_receipts();              -- every call, ~0.6 ms even when nothing waits
    END IF;
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

CREATE OR REPLACE FUNCTION outbox_claim(p_channel text, p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (id bigint, tenant_id text, message_id bigint, conversation_id bigint, payload text,
               state text, attempts integer, accepted_at timestamptz)
LANGUAGE sql VOLATILE SET enable_sort = off AS $$
  UPDATE outbox o SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease)
   WHERE o.id = ANY (ARRAY(
     SELECT c.id FROM outbox c
      WHERE c.channel = p_channel AND c.next_attempt_at <= now()
        AND (c.lease_until IS NULL OR c.lease_until < now())
        AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = c.conversation_id AND p.id < c.id)
      ORDER BY c.next_attempt_at, c.id
      LIMIT p_limit
      FOR UPDATE OF c SKIP LOCKED))
  RETURNING o.id, o.tenant_id::text, o.message_id, o.conversation_id, o.payload::text, o.state, o.attempts,
            o.accepted_at
$$;

-- msg_status_rank / msg_status_advances (replace V1's) without STRICT: a STRICT SQL function whose
-- body is not strict (CASE, array_position) is never inlined, so the status guard trigger ran
-- three SQL functions per updated row. Without STRICT they are inlined and give the same answers
-- (NULL for any NULL argument: the array holds no NULL, and CASE falls through to a NULL rank).
-- 11,111 status updates: 1,068-1,747 ms before, 235-415 ms after.
CREATE OR REPLACE FUNCTION msg_status_rank(status msg_status) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$
  SELECT array_position(ARRAY['queued','sent','failed','delivered','read']::msg_status[], status)
$$;

CREATE OR REPLACE FUNCTION msg_status_advances(old msg_status, new msg_status) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN old = 'failed' THEN new IN ('delivered', 'read')
    ELSE msg_status_rank(new) > msg_status_rank(old)
  END
$$;
