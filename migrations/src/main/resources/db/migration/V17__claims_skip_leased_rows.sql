-- A claim moves the rows it leases out of the due range: `next_attempt_at` becomes the lease's end.
--
-- V9's dispatch_claim and V11's outbox_claim read the due index (`next_attempt_at`, id) from its
-- start and skipped every row still under a lease, so each claim walked past all the work in
-- flight (up to `dispatch.maxInFlightPerTenant` chains, every send awaiting its platform) before it
-- found a free row, and the more work was in flight the dearer every claim became. A leased row
-- now has `next_attempt_at = lease_until`, after `now()`, outside the range the claim reads; when
-- the lease ends without a settle (the node died) the row is due again at that moment, as before.
-- Every settle that keeps a row (retry, release, deferral) sets `next_attempt_at` itself, and a
-- row that is done is deleted, so nothing else reads the value a claim leaves.
CREATE OR REPLACE FUNCTION dispatch_claim(p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (message_id bigint, tenant_id text, channel text, conversation_id bigint, chat_id text,
               entry_position integer, attempts integer, stored_at timestamptz,
               account_ref text, platform_message_id text, direction text, author text, type text, text text,
               content text, reply_to text, related text, forwarded smallint, errors text, platform_ts timestamptz,
               edited_at timestamptz, raw text, undecodable text,
               contact_id bigint, platform_user_id text, phone text, display_name text, username text)
LANGUAGE sql VOLATILE AS $$
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
    LEFT JOIN contacts k ON k.id = m.contact_id
$$;

CREATE OR REPLACE FUNCTION outbox_claim(p_channel text, p_owner text, p_limit integer, p_lease double precision)
RETURNS TABLE (id bigint, tenant_id text, message_id bigint, conversation_id bigint, payload text,
               state text, attempts integer, accepted_at timestamptz)
LANGUAGE sql VOLATILE SET enable_sort = off AS $$
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
            o.accepted_at
$$;
