-- V9: every stored inbound message reaches the tenant's plugin chain.
--  * messages.dispatched_at is the durable marker: set when the message is handed to the dispatch
--    queue (or held by the daily quota). A message committed but never handed over (the process
--    died between the commit and the hand-over) is found by dispatch_recover through a partial
--    index and handed over then.
--  * dispatch_queue: one row per message whose chain has not finished, claimed with FOR UPDATE
--    SKIP LOCKED and a lease, in order per conversation; `position` is the chain entry to run next
--    (a retry resumes there, so replies of earlier entries are not repeated).
--  * contact_daily_usage: inbound messages per contact and day (the tenant's time zone), for
--    limits.perContactDaily; over it a message is stored and held (dispatch_hold 'daily_quota').
--  * plugin_runs: every plugin run (plugin, message, outcome, latency, error), kept for
--    dispatch.runRetentionDays.
--  * dead letters of kind 'forward' are replayed into the dispatch queue at the entry that failed.

ALTER TABLE tenants
  ADD COLUMN timezone text NOT NULL DEFAULT 'UTC',
  ADD COLUMN daily_quota_notice text;

-- Messages stored before this version were never meant for a chain: mark them handed over, so the
-- recovery sweep does not replay history.
UPDATE messages SET dispatched_at = received_at
 WHERE dispatched_at IS NULL AND direction = 'inbound';

CREATE INDEX messages_undispatched ON messages (id)
  WHERE dispatched_at IS NULL AND direction = 'inbound' AND dispatch_hold IS NULL;

CREATE TABLE dispatch_queue (
  message_id      bigint      PRIMARY KEY,
  tenant_id       tenant_id   NOT NULL,
  channel         text        NOT NULL,
  conversation_id bigint,     -- null for an undecodable message whose sender is unknown
  position        integer     NOT NULL DEFAULT 0,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_error      text,
  stored_at       timestamptz NOT NULL,
  queued_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispatch_queue_due ON dispatch_queue (next_attempt_at, message_id);
CREATE INDEX dispatch_queue_conversation ON dispatch_queue (conversation_id, message_id);

CREATE TABLE contact_daily_usage (
  tenant_id   tenant_id NOT NULL,
  contact_id  bigint    NOT NULL,
  day         date      NOT NULL,
  messages    integer   NOT NULL,
  notice_sent boolean   NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, contact_id, day)
);

CREATE TABLE plugin_runs (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  tenant_id   NOT NULL,
  message_id bigint      NOT NULL,
  plugin     text        NOT NULL,
  position   integer     NOT NULL,
  outcome    text        NOT NULL,
  latency_ms integer     NOT NULL,
  error      text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plugin_runs_message ON plugin_runs (message_id);
CREATE INDEX plugin_runs_created ON plugin_runs USING brin (created_at);

-- dispatch_take: hands these inbound messages over (locks them; skips ones another node is taking
-- or has taken). Messages of tenants in p_chains get a queue row, unless the contact is over the
-- tenant's per-contact daily limit: then the message is held ('daily_quota') and, the first time
-- that day, `notice` is true (the tenant's notice, if it has one, is to be sent once).
CREATE FUNCTION dispatch_take(p_ids bigint[], p_chains text[])
RETURNS TABLE (message_id bigint, tenant_id text, conversation_id bigint, held boolean, notice boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_id bigint[];
  v_tenant text[];
  v_conv bigint[];
  v_over boolean[];
  v_contact bigint[];
  v_day date[];
  noticed bigint[];
BEGIN
  WITH m AS (
    SELECT m.id, m.tenant_id, m.channel, m.conversation_id, m.contact_id, m.received_at,
           t.per_contact_daily AS daily, (m.received_at AT TIME ZONE t.timezone)::date AS day,
           m.tenant_id = ANY (p_chains) AS chained
      FROM messages m JOIN tenants t ON t.id = m.tenant_id
     WHERE m.id = ANY (p_ids) AND m.dispatched_at IS NULL AND m.direction = 'inbound'
       AND m.dispatch_hold IS NULL
     ORDER BY m.id
       FOR UPDATE OF m SKIP LOCKED),
  counted AS (
    SELECT m.*, row_number() OVER (PARTITION BY m.tenant_id, m.contact_id, m.day ORDER BY m.id) AS n,
           count(*) OVER (PARTITION BY m.tenant_id, m.contact_id, m.day) AS added
      FROM m WHERE m.chained AND m.daily > 0 AND m.contact_id IS NOT NULL),
  usage AS (
    INSERT INTO contact_daily_usage AS u (tenant_id, contact_id, day, messages)
    SELECT c.tenant_id, c.contact_id, c.day, count(*) FROM counted c GROUP BY c.tenant_id, c.contact_id, c.day
    ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, contact_id, day) DO UPDATE SET messages = u.messages + EXCLUDED.messages
    RETURNING u.tenant_id, u.contact_id, u.day, u.messages AS total),
  verdict AS (
    SELECT m.id, m.tenant_id, m.channel, m.conversation_id, m.received_at, m.chained, m.contact_id, m.day,
           COALESCE(u.total - c.added + c.n > m.daily, false) AS over
      FROM m
      LEFT JOIN counted c ON c.id = m.id
      LEFT JOIN usage u ON u.tenant_id = c.tenant_id AND u.contact_id = c.contact_id AND u.day = c.day),
  marked AS (
    UPDATE messages x SET dispatched_at = now(),
                          dispatch_hold = CASE WHEN v.over THEN 'daily_quota' ELSE x.dispatch_hold END
      FROM verdict v WHERE x.id = v.id
    RETURNING x.id),
  queued AS (
    INSERT INTO dispatch_queue (message_id, tenant_id, channel, conversation_id, stored_at)
    SELECT v.id, v.tenant_id, v.channel, v.conversation_id, v.received_at FROM verdict v
     WHERE v.chained AND NOT v.over
    ON CONFLICT (message_id) DO NOTHING
    RETURNING dispatch_queue.message_id)
  SELECT array_agg(v.id ORDER BY v.id), array_agg(v.tenant_id::text ORDER BY v.id),
         array_agg(v.conversation_id ORDER BY v.id), array_agg(v.over ORDER BY v.id),
         array_agg(v.contact_id ORDER BY v.id), array_agg(v.day ORDER BY v.id)
    INTO v_id, v_tenant, v_conv, v_over, v_contact, v_day
    FROM verdict v WHERE v.chained;

  IF v_id IS NULL THEN
    RETURN;
  END IF;
  -- the first message held per contact and day carries the notice (once a day: notice_sent)
  IF true = ANY (v_over) THEN
    WITH first_over AS (
      SELECT DISTINCT ON (o.t, o.k, o.d) o.id, o.t, o.k, o.d
        FROM unnest(v_id, v_tenant, v_contact, v_day, v_over) AS o(id, t, k, d, over)
       WHERE o.over ORDER BY o.t, o.k, o.d, o.id),
    upd AS (
      UPDATE contact_daily_usage u SET notice_sent = true FROM first_over f
       WHERE u.tenant_id = f.t AND u.contact_id = f.k AND u.day = f.d AND NOT u.notice_sent
      RETURNING f.id)
    SELECT array_agg(upd.id) INTO noticed FROM upd;
  END IF;
  RETURN QUERY SELECT o.id, o.t, o.c, o.over, COALESCE(o.id = ANY (noticed), false)
    FROM unnest(v_id, v_tenant, v_conv, v_over) AS o(id, t, c, over);
END
$$;

-- dispatch_recover: hands over up to p_limit messages committed more than p_age seconds ago and
-- never handed over (their process died between commit and hand-over).
CREATE FUNCTION dispatch_recover(p_age double precision, p_limit integer, p_chains text[])
RETURNS TABLE (message_id bigint, tenant_id text, conversation_id bigint, held boolean, notice boolean)
LANGUAGE sql VOLATILE AS $$
  SELECT * FROM dispatch_take(ARRAY(
    SELECT m.id FROM messages m
     WHERE m.dispatched_at IS NULL AND m.direction = 'inbound' AND m.dispatch_hold IS NULL
       AND m.received_at < now() - make_interval(secs => p_age)
     ORDER BY m.id LIMIT p_limit), p_chains)
$$;

-- dispatch_claim: leases up to p_limit due queue rows, one per conversation at most (the head:
-- no earlier message of its conversation is still queued), with what the chain needs to know.
CREATE FUNCTION dispatch_claim(p_owner text, p_limit integer, p_lease double precision)
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
    UPDATE dispatch_queue q SET lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease)
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

-- dispatch_settle: records a batch of chain outcomes. Per row (p_kind): 'done' (the chain ended:
-- the row is deleted), 'retry' (run again from p_position after p_wait seconds, one more attempt),
-- 'release' (not run: back after p_wait, no attempt counted), 'dead' (a dead letter of kind
-- 'forward' that replays from p_position). Plugin runs are logged from the r_* arrays.
CREATE FUNCTION dispatch_settle(p_owner text, p_id bigint[], p_kind text[], p_position integer[],
                                p_wait double precision[], p_error text[],
                                r_tenant text[], r_message bigint[], r_plugin text[], r_position integer[],
                                r_outcome text[], r_latency integer[], r_error text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  dead integer := 0;
BEGIN
  INSERT INTO plugin_runs (tenant_id, message_id, plugin, position, outcome, latency_ms, error)
  SELECT * FROM unnest(r_tenant, r_message, r_plugin, r_position, r_outcome, r_latency, r_error);

  UPDATE dispatch_queue q
     SET position = u.pos, next_attempt_at = now() + make_interval(secs => u.wait),
         attempts = q.attempts + CASE WHEN u.kind = 'retry' THEN 1 ELSE 0 END,
         last_error = CASE WHEN u.kind = 'retry' THEN u.err ELSE q.last_error END,
         lease_owner = NULL, lease_until = NULL
    FROM unnest(p_id, p_kind, p_position, p_wait, p_error) AS u(id, kind, pos, wait, err)
   WHERE u.kind IN ('retry', 'release') AND q.message_id = u.id AND q.lease_owner = p_owner;

  WITH d AS (
    DELETE FROM dispatch_queue q USING unnest(p_id, p_kind, p_position, p_error) AS u(id, kind, pos, err)
     WHERE u.kind = 'dead' AND q.message_id = u.id
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

  DELETE FROM dispatch_queue q USING unnest(p_id, p_kind) AS u(id, kind)
   WHERE u.kind = 'done' AND q.message_id = u.id;
  RETURN dead;
END
$$;

-- Replays: an outbound dead letter goes back to the outbox (V6); a forward one back to the dispatch
-- queue at the chain entry that gave up, with a fresh attempt count (the event id stays the same).
DROP FUNCTION dead_letter_replay(bigint);
CREATE FUNCTION dead_letter_replay(p_id bigint)
RETURNS TABLE (outcome text, message_id bigint, tenant_id text, channel text, kind text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  dl dead_letters%ROWTYPE;
  moved integer;
BEGIN
  SELECT * INTO dl FROM dead_letters d WHERE d.id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF dl.replayed_at IS NOT NULL THEN
    RETURN QUERY SELECT 'already_replayed'::text, dl.message_id, dl.tenant_id::text, dl.channel, dl.kind;
    RETURN;
  END IF;
  IF dl.kind = 'forward' THEN
    INSERT INTO dispatch_queue (message_id, tenant_id, channel, conversation_id, position, stored_at)
    VALUES (dl.message_id, dl.tenant_id, dl.channel, dl.conversation_id,
            COALESCE((dl.payload ->> 'position')::integer, 0),
            COALESCE((dl.payload ->> 'storedAt')::timestamptz, dl.created_at))
    ON CONFLICT ON CONSTRAINT dispatch_queue_pkey DO NOTHING;
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved = 0 THEN
      RETURN QUERY SELECT 'already_replayed'::text, dl.message_id, dl.tenant_id::text, dl.channel, dl.kind;
      RETURN;
    END IF;
  ELSE
    PERFORM set_config('switchboard.replay', 'on', true);
    UPDATE messages m SET status = 'queued', status_at = now(), error_code = NULL, error_detail = NULL
     WHERE m.id = dl.message_id AND m.status = 'failed';
    GET DIAGNOSTICS moved = ROW_COUNT;
    PERFORM set_config('switchboard.replay', 'off', true);
    IF moved = 0 THEN
      RETURN QUERY SELECT 'not_failed'::text, dl.message_id, dl.tenant_id::text, dl.channel, dl.kind;
      RETURN;
    END IF;
    INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload)
    VALUES (dl.tenant_id, dl.channel, dl.message_id, dl.conversation_id, dl.payload);
  END IF;
  UPDATE dead_letters d SET replayed_at = now() WHERE d.id = dl.id;
  RETURN QUERY SELECT 'replayed'::text, dl.message_id, dl.tenant_id::text, dl.channel, dl.kind;
END
$$;

-- dispatch_take_keys: dispatch_take for messages named by tenant, channel and platform id (what the
-- inbox store publishes after its commit).
CREATE FUNCTION dispatch_take_keys(p_tenant text[], p_channel text[], p_pid text[], p_chains text[])
RETURNS TABLE (message_id bigint, tenant_id text, conversation_id bigint, held boolean, notice boolean)
LANGUAGE sql VOLATILE AS $$
  SELECT * FROM dispatch_take(ARRAY(
    SELECT m.id FROM unnest(p_tenant, p_channel, p_pid) AS u(t, c, pid)
      JOIN messages m ON m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid), p_chains)
$$;
