-- outbox_settle: the one definition of the outbox's batch of send outcomes (see migrations/README.md,
-- "One definition of inbox_append": the same rule). V6, V11 and V14 keep the earlier definitions as
-- they were applied; Flyway runs this file after them, and again whenever it changes.
--
-- One call records a batch of outcomes of one sender: 'sending' (before the platform call),
-- 'retry' / 'release' (back to the queue, after a wait), 'sent' (the platform's id; the message moves
-- to sent, an Evolution echo of it is dropped, the row leaves the outbox) and 'failed' (the message
-- fails, the row becomes a dead letter). Rows are reached by primary key only, with
-- enable_seqscan = off: plpgsql keeps one plan per statement for the session, and a plan made while
-- the outbox was small must not scan it once a backlog builds up (V14).
--
-- The "sent" path looks each row of the batch up by id in a LATERAL subquery with LIMIT 1, which the
-- planner cannot flatten into a join: one probe of the primary key a row. V14 joined the batch to
-- the outbox with both `o.id = u.id` and `o.id = ANY (k_sent)`; PostgreSQL put both into the inner
-- index condition and the ANY made each row one index scan per element of the array, n squared
-- scans a batch under the generic plan (OutboxSettlePlanIT: 98,688 for a batch of 256, 768 now; a
-- bench database: 87 scans of outbox_pkey per send). The retry, release and failed statements keep
-- V14's ANY bounds.
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
        CROSS JOIN LATERAL (SELECT o.* FROM outbox o WHERE o.id = u.id LIMIT 1) o
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

    UPDATE messages m SET platform_message_id = s.pid, status = 'sent', status_at = now(), sent_at = now(),
                          send_attempts = s.attempts, error_code = NULL, error_detail = NULL
      FROM (SELECT u.pid, o.message_id, o.attempts
              FROM unnest(p_id, p_kind, p_pid) AS u(id, kind, pid)
              CROSS JOIN LATERAL (SELECT o.message_id, o.attempts FROM outbox o WHERE o.id = u.id LIMIT 1) o
             WHERE u.kind = 'sent') s
     WHERE m.id = s.message_id;
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
