-- V22: the claims and the hand-over are planned once per session, not on every call, and
-- outbox_claim says how much of each lease is left when the claim ends.
--
-- 1. Planned once. dispatch_claim, outbox_claim and dispatch_take_keys were SQL functions, and
--    PostgreSQL plans the body of a SQL function (one that is not inlined) on every call. At a
--    steady 500 turns/s (bench/turns.sh, pg_stat_statements with track_planning, 2026-12-03 06:37)
--    that was 0.50 ms of planning per dispatch claim, 0.24 ms per outbox claim and 0.14 ms per
--    hand-over: 8.8 s of PostgreSQL CPU in 80 s, a tenth of a core on a 2-core machine, spent making
--    the same plans again. As PL/pgSQL functions their statements keep a plan for the session. The
--    plan is the generic one (force_generic_plan): with the planner's choice, a statement whose
--    custom plan looks cheaper is planned on every call anyway. A generic plan may be made while the
--    tables are nearly empty and is then kept while they grow, so these functions plan no sequential
--    scan, hash join or merge join: every step is an index probe per row, the right plan for a
--    claim of up to a few hundred rows whatever the size of the tables (V21's reason). (The
--    hand-over, dispatch_take_keys, only disables sequential scans: its settings also hold inside
--    dispatch_take, whose joins of a batch's own rows are hash joins.)
--
-- 2. The lease left. A lease begins at the claim's transaction start (`now()`), but the sender
--    learns of it only when the claim's answer arrives. The sender assumed the claim had taken under
--    a second; claims of several seconds were seen (bench/turns.sh under a webhook flood), and then
--    the sender believed it held a row longer than it did: a platform call could outlive the lease
--    and another node take the row and send it again. `lease_left` (seconds) is measured by the
--    database at the row's update against its own clock, so neither the claim's duration nor a
--    clock difference between the gateway and the database changes it.
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
        AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = c.conversation_id AND p.id < c.id)
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
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH c AS (
    SELECT q.message_id FROM dispatch_queue q
     WHERE q.next_attempt_at <= now() AND (q.lease_until IS NULL OR q.lease_until < now())
       AND NOT EXISTS (SELECT 1 FROM dispatch_queue p
                        WHERE p.conversation_id = q.conversation_id AND p.message_id < q.message_id)
     ORDER BY q.next_attempt_at, q.message_id
     LIMIT p_limit
       FOR UPDATE OF q SKIP LOCKED),
  l AS (
    UPDATE dispatch_queue q SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease),
                                next_attempt_at = now() + make_interval(secs => p_lease)
      FROM c WHERE q.message_id = c.message_id
    RETURNING q.*)
  SELECT l.message_id, l.tenant_id::text, l.channel, l.conversation_id, v.chat_id, l.position, l.attempts,
         l.stored_at, m.account_ref, m.platform_message_id, m.direction::text, m.author::text, m.type::text, m.text,
         m.content::text, m.reply_to_platform_id, m.related_platform_id, m.forwarded, m.errors::text, m.platform_ts,
         m.edited_at, m.raw::text, m.undecodable, k.id, k.platform_user_id, k.phone::text, k.display_name, k.username
    FROM l
    JOIN messages m ON m.id = l.message_id
    LEFT JOIN conversations v ON v.id = l.conversation_id
    LEFT JOIN contacts k ON k.id = m.contact_id;
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
