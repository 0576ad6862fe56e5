-- V22: the queue statements stay probes whatever the queue's statistics say, are planned once per
-- session, and outbox_claim says how much of each lease is left when the claim ends.
--
-- 1. Probes whatever the statistics. The queues (outbox, dispatch_queue) are nearly empty whenever
--    autovacuum looks at them, so their statistics say "one row" while a backlog of tens of
--    thousands builds up. With that estimate the planner made each claim's "no earlier row of this
--    conversation" check (NOT EXISTS, pulled up into an anti join) a full scan of the conversation
--    index for every candidate row, the condition applied as a join filter: a claim of 256 rows at
--    a 20,000-row backlog read 5.1 million index entries and took 2.0 s (EXPLAIN ANALYZE after a
--    VACUUM ANALYZE of a nearly empty outbox, 2026-12-03); in bench/turns.sh the claims took 3-5 s
--    each under a webhook flood and the replies collapsed to 100-330/s (4 runs of 11); caught by
--    auto_explain in one of them, the check had become a range scan of the primary key (every row
--    with a smaller id, the conversation filtered afterwards). The check is now a subquery with
--    LIMIT 1, which is never pulled up into a join, and its condition a row comparison
--    `(conversation_id, id) < (…)` that only the conversation index can serve: one index probe
--    per candidate row, 0.51 ms for the same claim. dispatch_claim's update and its reads of the
--    message, conversation and contact go by primary key (= ANY, LATERAL ... LIMIT 1), and
--    dispatch_settle reaches its rows by `message_id = ANY` of each kind's ids, never by joining
--    the batch's arrays to the queue.
--
-- 2. Planned once. dispatch_claim, outbox_claim and dispatch_take_keys were SQL functions, and
--    PostgreSQL plans the body of a SQL function (one that is not inlined) on every call. At a
--    steady 500 turns/s (bench/turns.sh, pg_stat_statements with track_planning, 2026-12-03) that
--    was 0.50 ms of planning per dispatch claim, 0.24 ms per outbox claim and 0.14 ms per hand-over:
--    8.8 s of PostgreSQL CPU in 80 s. As PL/pgSQL functions their statements keep a generic plan
--    for the session (force_generic_plan: with the planner's choice a statement whose custom plan
--    looks cheaper is planned on every call anyway). The claims plan no sequential scan, sort, hash
--    join or merge join: every step is an index probe per row, in the due index's order, the right
--    plan for a claim of up to a few hundred rows at any table size. (The hand-over only disables
--    sequential scans: its settings also hold inside dispatch_take, whose joins of a batch's own
--    rows are hash joins.)
--
-- 3. The lease left. A lease begins at the claim's transaction start (`now()`), but the sender
--    learns of it only when the claim's answer arrives. The sender assumed the claim had taken
--    under a second; with claims of several seconds it believed it held a row longer than it did: a
--    platform call could outlive the lease and another node take the row and send it again.
--    `lease_left` (seconds) is measured by the database at the row's update against its own clock,
--    so neither the claim's duration nor a clock difference between gateway and database changes it.
DROP FUNCTION outbox_claim(text, text, integer, double precision);
CREATE FUNCTION outbox_claim(p_channel text, p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (id bigint, tenant_id text, message_id bigint, conversation_id bigint, payload text,
               state text, attempts integer, accepted_at timestamptz, lease_left double precision)
LANGUAGE plpgsql VOLATILE
SET enable_sort = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  UPDATE outbox o SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease),
                      next_attempt_at = now() + make_interval(secs => p_lease)
   WHERE o.id = ANY (ARRAY(
     SELECT c.id FROM outbox c
      WHERE c.channel = p_channel AND c.next_attempt_at <= now()
        AND (c.lease_until IS NULL OR c.lease_until < now())
        AND (SELECT p.id FROM outbox p
              WHERE p.conversation_id = c.conversation_id AND (p.conversation_id, p.id) < (c.conversation_id, c.id)
              LIMIT 1) IS NULL
      ORDER BY c.next_attempt_at, c.id
      LIMIT p_limit
      FOR UPDATE OF c SKIP LOCKED))
  RETURNING o.id, o.tenant_id::text, o.message_id, o.conversation_id, o.payload::text, o.state, o.attempts,
            o.accepted_at, extract(epoch FROM o.lease_until - clock_timestamp())::double precision;
END
$$;

CREATE OR REPLACE FUNCTION dispatch_claim(p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (message_id bigint, tenant_id text, channel text, conversation_id bigint, chat_id text,
               entry_position integer, attempts integer, stored_at timestamptz,
               account_ref text, platform_message_id text, direction text, author text, type text, text text,
               content text, reply_to text, related text, forwarded smallint, errors text, platform_ts timestamptz,
               edited_at timestamptz, raw text, undecodable text,
               contact_id bigint, platform_user_id text, phone text, display_name text, username text)
LANGUAGE plpgsql VOLATILE
SET enable_sort = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH l AS (
    UPDATE dispatch_queue q SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease),
                                next_attempt_at = now() + make_interval(secs => p_lease)
     WHERE q.message_id = ANY (ARRAY(
       SELECT c.message_id FROM dispatch_queue c
        WHERE c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
          AND (SELECT p.message_id FROM dispatch_queue p
                WHERE p.conversation_id = c.conversation_id
                  AND (p.conversation_id, p.message_id) < (c.conversation_id, c.message_id)
                LIMIT 1) IS NULL
        ORDER BY c.next_attempt_at, c.message_id
        LIMIT p_limit
          FOR UPDATE OF c SKIP LOCKED))
    RETURNING q.*)
  SELECT l.message_id, l.tenant_id::text, l.channel, l.conversation_id, v.chat_id, l.position, l.attempts,
         l.stored_at, m.account_ref, m.platform_message_id, m.direction::text, m.author::text, m.type::text, m.text,
         m.content::text, m.reply_to_platform_id, m.related_platform_id, m.forwarded, m.errors::text, m.platform_ts,
         m.edited_at, m.raw::text, m.undecodable, k.id, k.platform_user_id, k.phone::text, k.display_name, k.username
    FROM l
    CROSS JOIN LATERAL (SELECT m.* FROM messages m WHERE m.id = l.message_id LIMIT 1) m
    LEFT JOIN LATERAL (SELECT v.chat_id FROM conversations v WHERE v.id = l.conversation_id LIMIT 1) v ON true
    LEFT JOIN LATERAL (SELECT k.* FROM contacts k WHERE k.id = m.contact_id LIMIT 1) k ON true;
END
$$;

CREATE OR REPLACE FUNCTION dispatch_take_keys(p_tenant text[], p_channel text[], p_pid text[], p_chains text[])
RETURNS TABLE (message_id bigint, tenant_id text, conversation_id bigint, held boolean, notice boolean)
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY SELECT * FROM dispatch_take(ARRAY(
    SELECT m.id FROM unnest(p_tenant, p_channel, p_pid) AS u(t, c, pid)
      JOIN messages m ON m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid), p_chains);
END
$$;

-- dispatch_settle (V9's statements, the same outcomes) reaches its queue rows by primary key only
-- (`message_id = ANY` of each kind's ids), never by joining the batch's arrays to the queue: with
-- the queue analyzed while nearly empty, V9's joins could be planned to scan the whole queue for
-- each call (or for each row of the batch) while a backlog built up.
CREATE OR REPLACE FUNCTION dispatch_settle(p_owner text, p_id bigint[], p_kind text[], p_position integer[],
                                           p_wait double precision[], p_error text[],
                                           r_tenant text[], r_message bigint[], r_plugin text[], r_position integer[],
                                           r_outcome text[], r_latency integer[], r_error text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off AS $$
DECLARE
  dead integer := 0;
  k_back bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind IN ('retry', 'release'));
  k_dead bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'dead');
  k_done bigint[] := ARRAY(SELECT u.id FROM unnest(p_id, p_kind) AS u(id, kind) WHERE u.kind = 'done');
BEGIN
  IF cardinality(r_message) > 0 THEN
    INSERT INTO plugin_runs (tenant_id, message_id, plugin, position, outcome, latency_ms, error)
    SELECT * FROM unnest(r_tenant, r_message, r_plugin, r_position, r_outcome, r_latency, r_error);
  END IF;

  IF cardinality(k_back) > 0 THEN
    UPDATE dispatch_queue q
       SET position = u.pos, next_attempt_at = now() + make_interval(secs => u.wait),
           attempts = q.attempts + CASE WHEN u.kind = 'retry' THEN 1 ELSE 0 END,
           last_error = CASE WHEN u.kind = 'retry' THEN u.err ELSE q.last_error END,
           lease_owner = NULL, lease_until = NULL
      FROM unnest(p_id, p_kind, p_position, p_wait, p_error) AS u(id, kind, pos, wait, err)
     WHERE q.message_id = ANY (k_back) AND u.kind IN ('retry', 'release') AND q.message_id = u.id
       AND q.lease_owner = p_owner;
  END IF;

  IF cardinality(k_dead) > 0 THEN
    WITH d AS (
      DELETE FROM dispatch_queue q USING unnest(p_id, p_kind, p_position, p_error) AS u(id, kind, pos, err)
       WHERE q.message_id = ANY (k_dead) AND u.kind = 'dead' AND q.message_id = u.id
      RETURNING q.*, u.pos, u.err),
    ins AS (
      INSERT INTO dead_letters (tenant_id, kind, channel, message_id, conversation_id, payload, attempts,
                                error_code, error_detail)
      SELECT d.tenant_id, 'forward', d.channel, d.message_id, d.conversation_id,
             jsonb_build_object('position', d.pos, 'storedAt', d.stored_at), d.attempts + 1,
             split_part(d.err, ':', 1), d.err
        FROM d
      RETURNING 1)
    SELECT count(*) INTO dead FROM ins;
  END IF;

  IF cardinality(k_done) > 0 THEN
    DELETE FROM dispatch_queue q WHERE q.message_id = ANY (k_done);
  END IF;
  RETURN dead;
END
$$;
