-- The current definition of inbox_append, the inbox's batch write. Flyway applies this repeatable
-- migration after every pending versioned one, and again whenever this file changes: change the
-- function here, never in a V migration. (A V migration that redefined it would be overwritten by
-- this file on a new database, where this file runs after it, but would stay in force on an
-- existing one, where this file has run before and is unchanged.) A change of the tables it
-- writes comes in a V migration, which this file then uses. V2, V3, V4 and V7 hold the earlier
-- definitions, kept as they were applied (Flyway checks their checksums).
--
-- Every earlier signature is dropped first: a change of arguments or of the result makes a new
-- function rather than a replacement, and the gateway must find exactly one.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.proname = 'inbox_append' AND p.pronamespace = current_schema()::regnamespace
  LOOP
    EXECUTE format('DROP FUNCTION %s', f);
  END LOOP;
END
$$;

-- inbox_append: writes one group-commit batch of webhook events in a single call (one round trip,
-- one implicit transaction). Called by the gateway's inbox store.
--
-- e_*: every event of the batch, for the ledger (the idempotency authority).
-- m_*: the message events (inbound messages and business echoes), with their contact and chat;
--      m_edited is set for a new version of an earlier message; m_alt is another id of the contact
--      (WhatsApp's business-scoped user id next to a phone number), or null; m_undecodable is why
--      the channel could not read the message, or null. m_user and m_chat are null for an
--      undecodable message whose sender or chat is unknown: it is stored without contact or
--      conversation.
-- s_*: the delivery receipts.
-- x_*: state changes: kind 'blocked' / 'unblocked' (x_a user id, x_b display name, x_c username),
--      'migrate' (x_a old chat id, x_b new chat id), 'account_state' (x_a account ref, x_b state,
--      x_detail JSON).
-- Returns rows of three kinds: 'event' (id = the key of an event that was new), 'message' (id = the
-- platform message id of a message inserted or replaced, its conversation, whether it is to be
-- handed to the dispatcher: new, inbound, conversation not paused, tenant with a plugin chain and a
-- daily quota; whether it was handed over as it was stored with nothing to run: the same, for a
-- tenant without a chain; and whether it was queued for its chain as it was stored: the same, for
-- a tenant with a chain and no daily quota) and 'claimed' (a message stored as typed by a person
-- that an API send of this batch corrected).
--
-- Hand-over. A new inbound message that is not held is stored with dispatched_at set unless its
-- tenant has both a plugin chain and a daily quota (tenants.per_contact_daily > 0):
--  * no chain (tenants.has_chain false, V13): there is nothing to run;
--  * a chain and no quota: its dispatch_queue row is inserted by the same statement, so the
--    message and its queue row commit together, and the dispatcher's claim finds it. (Until
--    2026-12-03 every such message waited for the dispatcher's hand-over, dispatch_take, after
--    the commit: one more call per batch, and an update that wrote a second version of each row.)
-- Messages of tenants with a chain and a quota are left for the dispatcher's hand-over
-- (dispatch_take: queue row, daily quota counted in storage order). Held messages that step 6b
-- releases go the same three ways.
--
-- Each statement of a VOLATILE function sees a fresh snapshot, so a contact or conversation that a
-- concurrent batch inserted (ON CONFLICT waited for it) is visible to the next statement.
-- Rows are inserted in key order so concurrent batches take index locks in the same order.
CREATE FUNCTION inbox_append(
  e_tenant text[], e_channel text[], e_key text[], e_type text[], e_outcome text[], e_account text[],
  e_occurred timestamptz[], e_received timestamptz[], e_detail text[], e_payload text[],
  m_tenant text[], m_channel text[], m_key text[], m_account text[], m_pid text[], m_chat text[],
  m_user text[], m_phone text[], m_name text[], m_username text[], m_direction text[], m_author text[],
  m_type text[], m_status text[], m_text text[], m_content text[], m_reply text[], m_related text[],
  m_forwarded int[], m_errors text[], m_ts timestamptz[], m_received timestamptz[], m_raw text[],
  m_edited timestamptz[], m_alt text[], m_undecodable text[],
  s_tenant text[], s_channel text[], s_key text[], s_pid text[], s_status text[], s_ts timestamptz[],
  s_code text[], s_detail text[],
  x_tenant text[], x_channel text[], x_key text[], x_kind text[], x_a text[], x_b text[], x_c text[],
  x_ts timestamptz[], x_detail text[])
RETURNS TABLE (row_kind text, row_tenant text, row_channel text, row_id text, row_conversation bigint,
               row_dispatch boolean, row_handed_over boolean, row_queued boolean)
-- never a sequential scan of a table: every step looks its rows up by key, and plpgsql keeps a plan
-- per statement for the session; planned while a new database was near empty, a scan of
-- conversations or contacts stayed while they grew (bench/turns.sh, 2026-12-02 11:17: 118 calls of
-- the conversations step and 30 of the contacts step scanned their table).
-- Generic plans only (plan_cache_mode = force_generic_plan): with the planner's choice, a batch of
-- fewer than about ten events looked cheaper with a custom plan, so the two largest statements (the
-- contacts-and-chats probe and the messages insert) were planned again on every call, 0.5 ms each
-- (bench/turns.sh at 500 turns/s, 2026-12-03: 17.7 s of PostgreSQL CPU in 80 s). StoreCeiling on a
-- new database (2 connections, 30,000 events, two rounds): batch 4 426/428 -> 212/211 us of
-- PostgreSQL CPU per event (2,943 -> 4,598 rows/s), batch 16 86/87 -> 90/86, batch 64 53/53 -> 54/53.
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  n_tenant text[];
  n_channel text[];
  n_key text[];
  fresh_m boolean[];
  r_user text[];
  r_contact bigint[];
  r_chat text[];
  need_contacts boolean;
  need_conversations boolean;
  fresh_x boolean[];
  i_tenant text[];
  i_channel text[];
  i_pid text[];
  i_conv bigint[];
  i_dispatch boolean[];
  i_new boolean[];
  i_handed boolean[];
  i_queued boolean[];
  h_conv bigint[];
  api_tenant text[];
  api_channel text[];
  api_pid text[];
  cl_tenant text[];
  cl_channel text[];
  cl_pid text[];
  cl_conv bigint[];
  contested boolean;
  resumed bigint[];
  r_tenant text[];
  r_channel text[];
  r_pid text[];
  r_how text[];
BEGIN
  -- 1. the ledger: which events are new?
  WITH ins AS (
    INSERT INTO inbound_events AS ie (tenant_id, channel, idem_key, event_type, outcome, account_ref,
                                      occurred_at, received_at, detail, payload)
    SELECT u.t, u.c, u.k, u.et, u.o, u.a, u.occ, u.rec, u.d, u.p::jsonb
      FROM unnest(e_tenant, e_channel, e_key, e_type, e_outcome, e_account, e_occurred, e_received,
                  e_detail, e_payload) AS u(t, c, k, et, o, a, occ, rec, d, p)
     ORDER BY u.t, u.c, u.k
    ON CONFLICT DO NOTHING
    RETURNING ie.tenant_id, ie.channel, ie.idem_key)
  SELECT array_agg(ins.tenant_id::text), array_agg(ins.channel), array_agg(ins.idem_key)
    INTO n_tenant, n_channel, n_key FROM ins;

  IF n_key IS NULL THEN
    RETURN; -- all duplicates
  END IF;

  -- 2. the new messages: fresh_m[i] is whether the i-th message event is new (a flag per position,
  --    so the steps below filter the m_* arrays in constant time per row)
  --    (when every event is new, as nearly always, every message is, and no join is needed)
  IF cardinality(n_key) = cardinality(e_key) THEN
    fresh_m := array_fill(true, ARRAY[COALESCE(cardinality(m_key), 0)]);
  ELSE
    SELECT array_agg(n.k IS NOT NULL ORDER BY m.ord) INTO fresh_m
      FROM unnest(m_tenant, m_channel, m_key) WITH ORDINALITY AS m(t, c, k, ord)
      LEFT JOIN unnest(n_tenant, n_channel, n_key) AS n(t, c, k) ON n.t = m.t AND n.c = m.c AND n.k = m.k;
  END IF;

  IF true = ANY (fresh_m) THEN
    -- 3. contacts. First, whom each message is with (r_user: the key of that contact, r_contact:
    --    its id when it exists): the contact keyed by the message's user id; failing that, one that
    --    knows it by its other id (keyed by m_alt, or holding m_user or m_alt as alt_user_id: a
    --    person first seen without a phone number, or first by phone); failing that, a message of
    --    this batch that names the same person with both ids (its m_user); else a new contact keyed
    --    by m_user. In a 1:1 chat (the chat is the contact) the chat follows the contact (r_chat), so
    --    the person keeps one conversation too.
    --    Each lookup is an index probe per message (a LATERAL subquery with LIMIT 1 stays one: the
    --    planner cannot turn it into a hash join over the whole table). The same statement looks up
    --    the open conversation of each message's chat and says whether the contacts step
    --    (need_contacts: a new contact, or a known one whose profile, other id or last_seen_at is
    --    due) and the conversations step (need_conversations: a new conversation, or
    --    last_message_at / last_inbound_at due) have anything to do: a steady stream from known
    --    people in known chats skips both statements.
    WITH b AS (
      SELECT b.ord, b.t, b.c, b.usr, b.alt, b.chat, b.phone, b.name, b.username, b.dir, b.ts,
             COALESCE(p.id, a.id) AS cid, COALESCE(p.platform_user_id, a.platform_user_id) AS known,
             COALESCE(p.last_seen_at, a.last_seen_at) AS k_seen, COALESCE(p.phone, a.phone) AS k_phone,
             COALESCE(p.display_name, a.display_name) AS k_name, COALESCE(p.username, a.username) AS k_username,
             COALESCE(p.alt_user_id, a.alt_user_id) AS k_alt
        FROM unnest(m_tenant, m_channel, m_user, m_alt, m_chat, m_phone, m_name, m_username, m_direction, m_ts)
             WITH ORDINALITY AS b(t, c, usr, alt, chat, phone, name, username, dir, ts, ord)
        LEFT JOIN LATERAL (
          SELECT k.id, k.platform_user_id, k.last_seen_at, k.phone::text AS phone, k.display_name, k.username,
                 k.alt_user_id
            FROM contacts k
           WHERE k.tenant_id = b.t AND k.channel = b.c AND k.platform_user_id = b.usr
           LIMIT 1) p ON true
        LEFT JOIN LATERAL (
          -- the first of the three probes by id; each is a probe of its own index (an OR of the three
          -- was planned, on a session's first call against a small table, as one scan of the unique
          -- key by tenant and channel with the OR as a filter: every contact of the tenant read for
          -- each new contact's message, InboxAppendPlanIT)
          SELECT o.* FROM (
            (SELECT k.id, k.platform_user_id, k.last_seen_at, k.phone::text AS phone, k.display_name, k.username,
                    k.alt_user_id
               FROM contacts k
              WHERE p.id IS NULL AND k.tenant_id = b.t AND k.channel = b.c AND k.platform_user_id = b.alt
              LIMIT 1)
            UNION ALL
            (SELECT k.id, k.platform_user_id, k.last_seen_at, k.phone::text AS phone, k.display_name, k.username,
                    k.alt_user_id
               FROM contacts k
              WHERE p.id IS NULL AND k.tenant_id = b.t AND k.channel = b.c AND k.alt_user_id = b.usr
              ORDER BY k.id LIMIT 1)
            UNION ALL
            (SELECT k.id, k.platform_user_id, k.last_seen_at, k.phone::text AS phone, k.display_name, k.username,
                    k.alt_user_id
               FROM contacts k
              WHERE p.id IS NULL AND k.tenant_id = b.t AND k.channel = b.c AND k.alt_user_id = b.alt
              ORDER BY k.id LIMIT 1)) o
           ORDER BY o.id LIMIT 1) a ON true),
    r AS (
      SELECT b.*, COALESCE(b.known, pair.usr, b.usr) AS r_usr
        FROM b
        LEFT JOIN (SELECT DISTINCT ON (x.t, x.c, x.alt) x.t, x.c, x.alt, x.usr
                     FROM b x WHERE x.alt IS NOT NULL AND x.known IS NULL
                    ORDER BY x.t, x.c, x.alt, x.usr) pair
               ON b.known IS NULL AND pair.t = b.t AND pair.c = b.c AND pair.alt = b.usr),
    q AS (
      SELECT r.*, CASE WHEN r.chat = r.usr THEN r.r_usr ELSE r.chat END AS r_chat,
             NULLIF(CASE WHEN r.r_usr = r.usr THEN r.alt ELSE r.usr END, r.r_usr) AS other
        FROM r)
    SELECT array_agg(q.r_usr ORDER BY q.ord), array_agg(q.cid ORDER BY q.ord), array_agg(q.r_chat ORDER BY q.ord),
           COALESCE(bool_or(fresh_m[q.ord] AND q.r_usr IS NOT NULL
                            AND (q.cid IS NULL OR q.k_seen < q.ts - interval '1 minute'
                                 OR (q.phone IS NOT NULL AND q.k_phone IS DISTINCT FROM q.phone)
                                 OR (q.name IS NOT NULL AND q.k_name IS DISTINCT FROM q.name)
                                 OR (q.username IS NOT NULL AND q.k_username IS DISTINCT FROM q.username)
                                 OR (q.other IS NOT NULL AND q.k_alt IS DISTINCT FROM q.other))), false),
           COALESCE(bool_or(fresh_m[q.ord] AND q.r_chat IS NOT NULL
                            AND (v.id IS NULL OR v.last_message_at IS NULL
                                 OR v.last_message_at < q.ts - interval '1 minute'
                                 OR (q.dir = 'inbound' AND (v.last_inbound_at IS NULL
                                                            OR v.last_inbound_at < q.ts - interval '1 minute')))), false)
      INTO r_user, r_contact, r_chat, need_contacts, need_conversations
      FROM q
      LEFT JOIN LATERAL (
        SELECT v.id, v.last_message_at, v.last_inbound_at FROM conversations v
         WHERE fresh_m[q.ord] AND v.tenant_id = q.t AND v.channel = q.c AND v.chat_id = q.r_chat
           AND v.status <> 'closed'
         LIMIT 1) v ON true;

    --    Then insert the new ones and touch a known one only when its profile or other id changed
    --    or last_seen_at is over a minute old (it is kept to the minute). The other id kept is the
    --    one of the message's two ids that is not the contact's key (the latest wins: WhatsApp gives
    --    a user a new business-scoped id with a new phone number).
    IF need_contacts THEN
    WITH u AS (
      SELECT DISTINCT ON (b.t, b.c, b.usr) b.t, b.c, b.usr, b.cid,
             NULLIF(CASE WHEN b.usr = b.own THEN b.alt ELSE b.own END, b.usr) AS other,
             b.phone::e164 AS phone, b.name, b.username, b.ts
        FROM unnest(m_tenant, m_channel, r_user, r_contact, m_user, m_alt, m_phone, m_name, m_username, m_ts)
             WITH ORDINALITY AS b(t, c, usr, cid, own, alt, phone, name, username, ts, ord)
       WHERE fresh_m[b.ord] AND b.usr IS NOT NULL
       ORDER BY b.t, b.c, b.usr, b.ts DESC),
    ins AS (
      INSERT INTO contacts (tenant_id, channel, platform_user_id, alt_user_id, phone, display_name, username,
                            first_seen_at, last_seen_at)
      SELECT u.t, u.c, u.usr, u.other, u.phone, u.name, u.username, u.ts, u.ts FROM u WHERE u.cid IS NULL
      ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING)
    UPDATE contacts k
       SET phone = COALESCE(u.phone, k.phone), display_name = COALESCE(u.name, k.display_name),
           username = COALESCE(u.username, k.username), alt_user_id = COALESCE(u.other, k.alt_user_id),
           last_seen_at = GREATEST(k.last_seen_at, u.ts)
      FROM u
     WHERE k.id = u.cid
       AND (k.last_seen_at < u.ts - interval '1 minute'
            OR (u.phone IS NOT NULL AND k.phone IS DISTINCT FROM u.phone)
            OR (u.name IS NOT NULL AND k.display_name IS DISTINCT FROM u.name)
            OR (u.username IS NOT NULL AND k.username IS DISTINCT FROM u.username)
            OR (u.other IS NOT NULL AND k.alt_user_id IS DISTINCT FROM u.other));
    END IF;

    -- 4. open conversations: insert the new ones; keep last_message_at / last_inbound_at to the minute
    IF need_conversations THEN
    WITH g AS (
      SELECT b.t, b.c, b.chat, (array_agg(b.usr ORDER BY b.ts) FILTER (WHERE b.usr IS NOT NULL))[1] AS usr,
             max(b.ts) FILTER (WHERE b.dir = 'inbound') AS li, max(b.ts) AS lm
        FROM unnest(m_tenant, m_channel, r_chat, r_user, m_direction, m_ts) WITH ORDINALITY AS b(t, c, chat, usr, dir, ts, ord)
       WHERE fresh_m[b.ord] AND b.chat IS NOT NULL
       GROUP BY b.t, b.c, b.chat),
    ins AS (
      INSERT INTO conversations (tenant_id, channel, chat_id, contact_id, last_inbound_at, last_message_at)
      SELECT g.t, g.c, g.chat, k.id, g.li, g.lm
        FROM g CROSS JOIN LATERAL (
             SELECT k.id FROM contacts k
              WHERE k.tenant_id = g.t AND k.channel = g.c AND k.platform_user_id = g.usr LIMIT 1) k
       ORDER BY g.t, g.c, g.chat
      ON CONFLICT (tenant_id, channel, chat_id) WHERE status <> 'closed' DO NOTHING)
    -- the rows are locked in id order first, as outbox_enqueue_batch locks them: two batches that
    -- update the same conversations in different orders deadlock (seen in bench/turns.sh,
    -- 2026-12-06, when every conversation of the run fell a minute behind at once); FOR NO KEY
    -- UPDATE is the lock the UPDATE itself takes, taken earlier and in order
    UPDATE conversations v
       SET last_inbound_at = GREATEST(v.last_inbound_at, k.li),
           last_message_at = GREATEST(v.last_message_at, k.lm), updated_at = now()
      FROM (SELECT l.id, g.li, g.lm
              FROM g JOIN conversations l
                ON l.tenant_id = g.t AND l.channel = g.c AND l.chat_id = g.chat AND l.status <> 'closed'
             WHERE l.last_message_at IS NULL OR l.last_message_at < g.lm - interval '1 minute'
                OR (g.li IS NOT NULL AND (l.last_inbound_at IS NULL OR l.last_inbound_at < g.li - interval '1 minute'))
             ORDER BY l.id FOR NO KEY UPDATE OF l) k
     WHERE v.id = k.id;
    END IF;

    -- 5. human takeover: a person on the business side wrote in the chat (and it is not a message
    --    the business sent through an API, which would already be stored under this id, or come
    --    in this batch as an API send): pause the conversation and remember when, for the
    --    auto-resume. Step 6b re-examines the pause when this batch does not get to store it.
    --    Each of the two statements runs only when the batch has a message by its author (API
    --    sends, a person): a statement's executor start-up is a fixed cost per call whatever it
    --    finds, and a batch of inbound messages alone needs neither.
    IF 'business_api' = ANY (m_author) THEN
    SELECT array_agg(b.t), array_agg(b.c), array_agg(b.pid) INTO api_tenant, api_channel, api_pid
      FROM unnest(m_tenant, m_channel, m_pid, m_author) WITH ORDINALITY AS b(t, c, pid, author, ord)
     WHERE fresh_m[b.ord] AND b.author = 'business_api';
    END IF;

    IF 'business_human' = ANY (m_author) THEN
    WITH paused AS (
    UPDATE conversations v
       SET status = 'paused',
           paused_reason = CASE WHEN v.status = 'paused' THEN v.paused_reason ELSE 'human_takeover' END,
           paused_at = CASE WHEN v.status = 'paused' THEN v.paused_at ELSE now() END,
           last_human_at = GREATEST(v.last_human_at, h.ts), updated_at = now()
      FROM (SELECT b.t, b.c, b.chat, max(b.ts) AS ts
              FROM unnest(m_tenant, m_channel, r_chat, m_pid, m_author, m_ts) WITH ORDINALITY AS b(t, c, chat, pid, author, ts, ord)
             WHERE fresh_m[b.ord] AND b.author = 'business_human' AND b.chat IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM messages x
                                WHERE x.tenant_id = b.t AND x.channel = b.c AND x.platform_message_id = b.pid)
               AND NOT EXISTS (SELECT 1 FROM unnest(api_tenant, api_channel, api_pid) AS a(t, c, pid)
                                WHERE a.t = b.t AND a.c = b.c AND a.pid = b.pid)
             GROUP BY b.t, b.c, b.chat) h
     WHERE v.tenant_id = h.t AND v.channel = h.c AND v.chat_id = h.chat AND v.status <> 'closed'
    RETURNING v.id)
    SELECT array_agg(paused.id) INTO h_conv FROM paused;
    END IF;

    -- 6. the messages themselves. A new version of a known message (m_edited) replaces its content
    --    when it is newer than what is stored; a plain duplicate id changes nothing. Inbound messages
    --    of a paused conversation are held back from dispatch (while a takeover has not expired).
    --    An undecodable message with no known sender or chat is stored without them.
    WITH ins AS (
      INSERT INTO messages AS m (tenant_id, channel, account_ref, platform_message_id, conversation_id,
                                 contact_id, direction, author, type, status, text, content,
                                 reply_to_platform_id, related_platform_id, forwarded, errors,
                                 platform_ts, received_at, raw, edited_at, dispatch_hold, undecodable,
                                 dispatched_at)
      SELECT DISTINCT ON (b.t, b.c, b.pid)
             b.t, b.c, b.a, b.pid, v.id,
             COALESCE(b.cid, (SELECT k.id FROM contacts k
                               WHERE k.tenant_id = b.t AND k.channel = b.c AND k.platform_user_id = b.usr)),
             b.dir::msg_direction, b.author::msg_author,
             b.ty::msg_type, b.st::msg_status, b.tx, b.co::jsonb, b.rep, b.rel, b.fw::int2,
             b.er::jsonb, b.ts, b.rec, b.raw::jsonb, b.ed, h.hold, b.und,
             CASE WHEN b.dir = 'inbound' AND h.hold IS NULL
                       AND (tn.has_chain IS FALSE OR tn.per_contact_daily = 0) THEN now() END
        FROM unnest(m_tenant, m_channel, m_account, m_pid, r_chat, r_user, r_contact, m_direction, m_author,
                    m_type, m_status, m_text, m_content, m_reply, m_related, m_forwarded, m_errors, m_ts,
                    m_received, m_raw, m_edited, m_undecodable) WITH ORDINALITY
             AS b(t, c, a, pid, chat, usr, cid, dir, author, ty, st, tx, co, rep, rel, fw, er, ts, rec, raw, ed, und,
                  ord)
        LEFT JOIN LATERAL (
             SELECT v.id, v.status, v.paused_reason, v.last_human_at FROM conversations v
              WHERE v.tenant_id = b.t AND v.channel = b.c AND v.chat_id = b.chat AND v.status <> 'closed'
              LIMIT 1) v ON true
        LEFT JOIN tenants tn ON tn.id = b.t
       CROSS JOIN LATERAL (
             SELECT CASE WHEN b.dir = 'inbound' AND v.status = 'paused'
                          AND (v.paused_reason <> 'human_takeover'
                               OR v.last_human_at > now() - tn.takeover_auto_resume)
                         THEN v.paused_reason END AS hold) h
       WHERE fresh_m[b.ord]
       ORDER BY b.t, b.c, b.pid, b.ed DESC NULLS LAST, b.author = 'business_human', b.ord DESC
      ON CONFLICT (tenant_id, channel, platform_message_id) DO UPDATE
         SET text = EXCLUDED.text, content = EXCLUDED.content, type = EXCLUDED.type,
             edited_at = EXCLUDED.edited_at, raw = EXCLUDED.raw, undecodable = EXCLUDED.undecodable
       WHERE EXCLUDED.edited_at IS NOT NULL AND (m.edited_at IS NULL OR m.edited_at < EXCLUDED.edited_at)
      RETURNING m.id, m.tenant_id, m.channel, m.platform_message_id, m.conversation_id, m.received_at,
                (m.xmax = 0) AS inserted, m.direction, m.dispatch_hold, m.dispatched_at IS NOT NULL AS handed),
    -- the queue row of a new message handed over as it was stored to a tenant with a chain (and no
    -- daily quota): the dispatcher's claim finds it, no hand-over call needed (see "Hand-over")
    queued AS (
      INSERT INTO dispatch_queue (message_id, tenant_id, channel, conversation_id, stored_at)
      SELECT ins.id, ins.tenant_id, ins.channel, ins.conversation_id, ins.received_at
        FROM ins JOIN tenants t ON t.id = ins.tenant_id
       WHERE ins.inserted AND ins.handed AND ins.direction = 'inbound' AND ins.dispatch_hold IS NULL
         AND t.has_chain
       ORDER BY ins.id
      RETURNING dispatch_queue.message_id)
    SELECT array_agg(ins.tenant_id::text), array_agg(ins.channel), array_agg(ins.platform_message_id),
           array_agg(ins.conversation_id),
           array_agg(ins.inserted AND ins.direction = 'inbound' AND ins.dispatch_hold IS NULL AND NOT ins.handed),
           array_agg(ins.inserted),
           array_agg(ins.inserted AND ins.handed AND q.message_id IS NULL),
           array_agg(q.message_id IS NOT NULL)
      INTO i_tenant, i_channel, i_pid, i_conv, i_dispatch, i_new, i_handed, i_queued
      FROM ins LEFT JOIN queued q ON q.message_id = ins.id;

    -- 6b. an API send outranks "typed by a person". An API send of a message already stored as
    --     business_human (an older Evolution reports the upsert of an API send before its
    --     send.message echo; or a concurrent batch stored the upsert first) corrects it; a pause
    --     that step 5 based on a human message this batch did not get to store (a concurrent batch
    --     stored that id first) is re-examined. Runs after step 6, whose insert waited for any
    --     concurrent batch holding the same id, so this statement sees that batch's rows.
    IF api_pid IS NOT NULL THEN
      SELECT array_agg(c.tenant_id), array_agg(c.channel), array_agg(c.platform_message_id),
             array_agg(c.conversation_id)
        INTO cl_tenant, cl_channel, cl_pid, cl_conv
        FROM claim_api_sends(api_tenant, api_channel, api_pid) AS c;
    END IF;
    -- only when step 5 updated a conversation (as one expression, "h_conv IS NOT NULL AND EXISTS
    -- (...)" went through the executor on every call)
    contested := false;
    IF h_conv IS NOT NULL THEN
      contested := EXISTS (
        SELECT 1 FROM unnest(m_tenant, m_channel, m_pid, m_author) WITH ORDINALITY AS b(t, c, pid, author, ord)
         WHERE fresh_m[b.ord] AND b.author = 'business_human'
           AND NOT EXISTS (SELECT 1 FROM unnest(i_tenant, i_channel, i_pid, i_new) AS i(t, c, pid, fresh)
                            WHERE i.fresh AND i.t = b.t AND i.c = b.c AND i.pid = b.pid));
    END IF;
    IF cl_conv IS NOT NULL OR contested THEN
      SELECT array_agg(r.conversation_id) INTO resumed
        FROM refresh_takeovers(COALESCE(cl_conv, '{}') || CASE WHEN contested THEN h_conv ELSE '{}' END) AS r
       WHERE r.resumed;
      -- inbound messages of this batch that the false pause held back go to the plugins after all,
      -- the way step 6 would have sent them: queued now (a chain, no daily quota), handed over now
      -- (no chain), or left for the dispatcher's hand-over (a quota). Queued in this statement, as
      -- the conversation's later messages will be, so a later message never overtakes it.
      IF resumed IS NOT NULL AND i_pid IS NOT NULL THEN
        WITH rel AS (
          UPDATE messages m SET dispatch_hold = NULL,
                                dispatched_at = CASE WHEN tn.has_chain IS FALSE OR tn.per_contact_daily = 0
                                                     THEN now() END
            FROM unnest(i_tenant, i_channel, i_pid, i_new) AS i(t, c, pid, fresh), tenants tn
           WHERE i.fresh AND m.tenant_id = i.t AND m.channel = i.c AND m.platform_message_id = i.pid
             AND m.direction = 'inbound' AND m.dispatch_hold = 'human_takeover'
             AND m.conversation_id = ANY (resumed) AND tn.id = m.tenant_id
          RETURNING m.id, m.tenant_id, m.channel, m.platform_message_id, m.conversation_id, m.received_at,
                    CASE WHEN m.dispatched_at IS NULL THEN 'take' WHEN tn.has_chain THEN 'queued'
                         ELSE 'handed' END AS how),
        queued AS (
          INSERT INTO dispatch_queue (message_id, tenant_id, channel, conversation_id, stored_at)
          SELECT rel.id, rel.tenant_id, rel.channel, rel.conversation_id, rel.received_at
            FROM rel WHERE rel.how = 'queued' ORDER BY rel.id
          RETURNING 1)
        SELECT array_agg(rel.tenant_id::text), array_agg(rel.channel), array_agg(rel.platform_message_id),
               array_agg(rel.how)
          INTO r_tenant, r_channel, r_pid, r_how FROM rel;
        IF r_pid IS NOT NULL THEN
          SELECT array_agg(i.go OR COALESCE(r.how = 'take', false) ORDER BY i.ord),
                 array_agg(i.handed OR COALESCE(r.how = 'handed', false) ORDER BY i.ord),
                 array_agg(i.queued OR COALESCE(r.how = 'queued', false) ORDER BY i.ord)
            INTO i_dispatch, i_handed, i_queued
            FROM unnest(i_tenant, i_channel, i_pid, i_dispatch, i_handed, i_queued) WITH ORDINALITY
                 AS i(t, c, pid, go, handed, queued, ord)
            LEFT JOIN LATERAL (SELECT r.how FROM unnest(r_tenant, r_channel, r_pid, r_how) AS r(t, c, pid, how)
                                WHERE r.t = i.t AND r.c = i.c AND r.pid = i.pid LIMIT 1) r ON true;
        END IF;
      END IF;
    END IF;

    -- 7. edits and deletions recorded as their own message (WhatsApp) apply to the original
    IF 'edit' = ANY (m_type) OR 'revoke' = ANY (m_type) THEN
      UPDATE messages m SET text = b.tx, edited_at = b.ts
        FROM unnest(m_tenant, m_channel, m_type, m_related, m_text, m_ts) WITH ORDINALITY AS b(t, c, ty, rel, tx, ts, ord)
       WHERE fresh_m[b.ord] AND b.ty = 'edit' AND b.rel IS NOT NULL
         AND m.tenant_id = b.t AND m.channel = b.c AND m.platform_message_id = b.rel;
      UPDATE messages m SET revoked_at = b.ts
        FROM unnest(m_tenant, m_channel, m_type, m_related, m_text, m_ts) WITH ORDINALITY AS b(t, c, ty, rel, tx, ts, ord)
       WHERE fresh_m[b.ord] AND b.ty = 'revoke' AND b.rel IS NOT NULL
         AND m.tenant_id = b.t AND m.channel = b.c AND m.platform_message_id = b.rel;
    END IF;

    -- 8. receipts that arrived before their message
    IF i_pid IS NOT NULL AND EXISTS (SELECT 1 FROM pending_receipts) THEN
      WITH p AS (
        DELETE FROM pending_receipts pr
         USING unnest(i_tenant, i_channel, i_pid, i_new) AS i(t, c, pid, fresh)
         WHERE i.fresh AND pr.tenant_id = i.t AND pr.channel = i.c AND pr.platform_message_id = i.pid
        RETURNING pr.tenant_id, pr.channel, pr.platform_message_id, pr.status, pr.status_at,
                  pr.error_code, pr.error_detail)
      UPDATE messages m
         SET status = u.status, status_at = u.status_at, error_code = u.error_code, error_detail = u.error_detail
        FROM (SELECT DISTINCT ON (p.tenant_id, p.channel, p.platform_message_id) p.*
                FROM p ORDER BY p.tenant_id, p.channel, p.platform_message_id, msg_status_rank(p.status) DESC) u
       WHERE m.tenant_id = u.tenant_id AND m.channel = u.channel AND m.platform_message_id = u.platform_message_id
         AND msg_status_advances(m.status, u.status);
    END IF;
  END IF;

  -- 9. receipts: the furthest new status per message, never backwards; one for a message not stored
  --    (yet) waits in pending_receipts
  IF s_key IS NOT NULL AND cardinality(s_key) > 0 THEN
    WITH u AS (
      SELECT DISTINCT ON (s.t, s.c, s.pid) s.t, s.c, s.pid, s.st::msg_status AS st, s.ts, s.code, s.detail
        FROM unnest(s_tenant, s_channel, s_key, s_pid, s_status, s_ts, s_code, s_detail)
             AS s(t, c, k, pid, st, ts, code, detail)
        JOIN unnest(n_tenant, n_channel, n_key) AS n(t, c, k) ON n.t = s.t AND n.c = s.c AND n.k = s.k
       ORDER BY s.t, s.c, s.pid, msg_status_rank(s.st::msg_status) DESC),
    upd AS (
      UPDATE messages m
         SET status = u.st, status_at = u.ts, error_code = u.code, error_detail = u.detail
        FROM u
       WHERE m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid
         AND msg_status_advances(m.status, u.st))
    INSERT INTO pending_receipts (tenant_id, channel, platform_message_id, status, status_at, error_code, error_detail)
    SELECT u.t, u.c, u.pid, u.st, u.ts, u.code, u.detail FROM u
     WHERE NOT EXISTS (SELECT 1 FROM messages x
                        WHERE x.tenant_id = u.t AND x.channel = u.c AND x.platform_message_id = u.pid)
     ORDER BY u.t, u.c, u.pid
    ON CONFLICT DO NOTHING;
  END IF;

  -- 10. state changes
  IF x_key IS NOT NULL AND cardinality(x_key) > 0 THEN
    SELECT array_agg(n.k IS NOT NULL ORDER BY x.ord) INTO fresh_x
      FROM unnest(x_tenant, x_channel, x_key) WITH ORDINALITY AS x(t, c, k, ord)
      LEFT JOIN unnest(n_tenant, n_channel, n_key) AS n(t, c, k) ON n.t = x.t AND n.c = x.c AND n.k = x.k;

    IF true = ANY (fresh_x) THEN
      -- blocked / unblocked: the latest event per contact wins (a late, older one changes nothing)
      WITH u AS (
        SELECT DISTINCT ON (b.t, b.c, b.a) b.t, b.c, b.a, b.b, b.cc, b.kind = 'blocked' AS blocked, b.ts
          FROM unnest(x_tenant, x_channel, x_kind, x_a, x_b, x_c, x_ts) WITH ORDINALITY AS b(t, c, kind, a, b, cc, ts, ord)
         WHERE fresh_x[b.ord] AND b.kind IN ('blocked', 'unblocked')
         ORDER BY b.t, b.c, b.a, b.ts DESC),
      ins AS (
        INSERT INTO contacts (tenant_id, channel, platform_user_id, display_name, username, blocked,
                              blocked_at, first_seen_at, last_seen_at)
        SELECT u.t, u.c, u.a, u.b, u.cc, u.blocked, u.ts, u.ts, u.ts FROM u
        ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING)
      UPDATE contacts k SET blocked = u.blocked, blocked_at = u.ts
        FROM u
       WHERE k.tenant_id = u.t AND k.channel = u.c AND k.platform_user_id = u.a
         AND (k.blocked_at IS NULL OR k.blocked_at <= u.ts);

      -- chat migration: the open conversation follows the new chat id; when the new chat already
      -- has one (its messages came first), the old conversation's messages move into it
      WITH mv AS (
        SELECT DISTINCT b.t, b.c, b.a AS old_chat, b.b AS new_chat
          FROM unnest(x_tenant, x_channel, x_kind, x_a, x_b) WITH ORDINALITY AS b(t, c, kind, a, b, ord)
         WHERE fresh_x[b.ord] AND b.kind = 'migrate' AND b.a <> b.b),
      pairs AS (
        SELECT src.id AS src_id, dst.id AS dst_id
          FROM mv
          JOIN conversations src ON src.tenant_id = mv.t AND src.channel = mv.c AND src.chat_id = mv.old_chat
                                AND src.status <> 'closed'
          JOIN conversations dst ON dst.tenant_id = mv.t AND dst.channel = mv.c AND dst.chat_id = mv.new_chat
                                AND dst.status <> 'closed'),
      moved AS (
        UPDATE messages m SET conversation_id = pairs.dst_id FROM pairs WHERE m.conversation_id = pairs.src_id)
      UPDATE conversations v SET status = 'closed', paused_reason = NULL, paused_at = NULL, updated_at = now()
        FROM pairs WHERE v.id = pairs.src_id;

      UPDATE conversations v SET chat_id = mv.new_chat, updated_at = now()
        FROM (SELECT DISTINCT b.t, b.c, b.a AS old_chat, b.b AS new_chat
                FROM unnest(x_tenant, x_channel, x_kind, x_a, x_b) WITH ORDINALITY AS b(t, c, kind, a, b, ord)
               WHERE fresh_x[b.ord] AND b.kind = 'migrate' AND b.a <> b.b) mv
       WHERE v.tenant_id = mv.t AND v.channel = mv.c AND v.chat_id = mv.old_chat AND v.status <> 'closed';

      -- account state: the latest report per account
      UPDATE channel_accounts a SET state = u.state, state_detail = u.detail::jsonb, state_at = u.ts
        FROM (SELECT DISTINCT ON (b.t, b.c) b.t, b.c, b.b AS state, b.d AS detail, b.ts
                FROM unnest(x_tenant, x_channel, x_kind, x_a, x_b, x_ts, x_detail) WITH ORDINALITY AS b(t, c, kind, a, b, ts, d, ord)
               WHERE fresh_x[b.ord] AND b.kind = 'account_state'
               ORDER BY b.t, b.c, b.ts DESC) u
       WHERE a.tenant_id = u.t AND a.channel = u.c AND (a.state_at IS NULL OR a.state_at <= u.ts);
    END IF;
  END IF;

  -- what the batch wrote, as rows the caller maps back onto its events (it knows each event's
  -- message id; a join back onto the m_* arrays here would cost more than all the inserts):
  -- 'event' per new event key; 'message' per message inserted or replaced (its conversation,
  -- whether it is to be dispatched, whether it was handed over as stored); 'claimed' per message an
  -- API send corrected
  -- (one statement for both: the unnest of a null array is no rows)
  RETURN QUERY SELECT 'event'::text, n.t, n.c, n.k, NULL::bigint, NULL::boolean, NULL::boolean, NULL::boolean
                 FROM unnest(n_tenant, n_channel, n_key) AS n(t, c, k)
               UNION ALL
               SELECT 'message'::text, i.t, i.c, i.pid, i.conv, i.go, i.handed, i.queued
                 FROM unnest(i_tenant, i_channel, i_pid, i_conv, i_dispatch, i_handed, i_queued)
                      AS i(t, c, pid, conv, go, handed, queued);
  IF cl_pid IS NOT NULL THEN
    RETURN QUERY SELECT 'claimed'::text, cl.t, cl.c, cl.pid, cl.conv, NULL::boolean, NULL::boolean, NULL::boolean
                   FROM unnest(cl_tenant, cl_channel, cl_pid, cl_conv) AS cl(t, c, pid, conv);
  END IF;
END
$$;

