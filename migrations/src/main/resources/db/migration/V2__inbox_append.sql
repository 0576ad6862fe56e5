-- inbox_append: writes one group-commit batch of webhook events in a single call (one round trip,
-- one implicit transaction) instead of a statement per table. Called by the gateway's inbox store.
--
-- e_*: every event of the batch, for the ledger (the idempotency authority).
-- m_*: the message events (inbound messages and business echoes), with their contact and chat.
-- s_*: the delivery receipts.
-- Returns the (tenant, channel, key) of every event that was new; the rest were duplicates.
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
  s_tenant text[], s_channel text[], s_key text[], s_pid text[], s_status text[], s_ts timestamptz[],
  s_code text[], s_detail text[])
RETURNS TABLE (new_tenant text, new_channel text, new_key text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  n_tenant text[];
  n_channel text[];
  n_key text[];
  fresh_m bigint[];
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

  -- 2. the new messages (positions in the m_* arrays)
  SELECT array_agg(m.ord) INTO fresh_m
    FROM unnest(m_tenant, m_channel, m_key) WITH ORDINALITY AS m(t, c, k, ord)
    JOIN unnest(n_tenant, n_channel, n_key) AS n(t, c, k) ON n.t = m.t AND n.c = m.c AND n.k = m.k;

  IF fresh_m IS NOT NULL THEN
    -- 3. contacts: insert the new ones; touch an existing one only when its profile changed or
    --    last_seen_at is over a minute old (it is kept to the minute). One statement: the UPDATE
    --    sees the snapshot before the INSERT, so a row just inserted is never updated twice.
    WITH u AS (
      SELECT DISTINCT ON (b.t, b.c, b.usr) b.t, b.c, b.usr, b.phone::e164 AS phone, b.name, b.username, b.ts
        FROM unnest(m_tenant, m_channel, m_user, m_phone, m_name, m_username, m_ts) WITH ORDINALITY AS b(t, c, usr, phone, name, username, ts, ord)
       WHERE b.ord = ANY (fresh_m)
       ORDER BY b.t, b.c, b.usr, b.ts DESC),
    ins AS (
      INSERT INTO contacts (tenant_id, channel, platform_user_id, phone, display_name, username,
                            first_seen_at, last_seen_at)
      SELECT u.t, u.c, u.usr, u.phone, u.name, u.username, u.ts, u.ts FROM u
      ON CONFLICT (tenant_id, channel, platform_user_id) DO NOTHING)
    UPDATE contacts k
       SET phone = COALESCE(u.phone, k.phone), display_name = COALESCE(u.name, k.display_name),
           username = COALESCE(u.username, k.username), last_seen_at = GREATEST(k.last_seen_at, u.ts)
      FROM u
     WHERE k.tenant_id = u.t AND k.channel = u.c AND k.platform_user_id = u.usr
       AND (k.last_seen_at < u.ts - interval '1 minute'
            OR (u.phone IS NOT NULL AND k.phone IS DISTINCT FROM u.phone)
            OR (u.name IS NOT NULL AND k.display_name IS DISTINCT FROM u.name)
            OR (u.username IS NOT NULL AND k.username IS DISTINCT FROM u.username));

    -- 4. open conversations: insert the new ones; keep last_message_at / last_inbound_at to the minute
    WITH g AS (
      SELECT b.t, b.c, b.chat, (array_agg(b.usr ORDER BY b.ts))[1] AS usr,
             max(b.ts) FILTER (WHERE b.dir = 'inbound') AS li, max(b.ts) AS lm
        FROM unnest(m_tenant, m_channel, m_chat, m_user, m_direction, m_ts) WITH ORDINALITY AS b(t, c, chat, usr, dir, ts, ord)
       WHERE b.ord = ANY (fresh_m)
       GROUP BY b.t, b.c, b.chat),
    ins AS (
      INSERT INTO conversations (tenant_id, channel, chat_id, contact_id, last_inbound_at, last_message_at)
      SELECT g.t, g.c, g.chat, k.id, g.li, g.lm
        FROM g JOIN contacts k ON k.tenant_id = g.t AND k.channel = g.c AND k.platform_user_id = g.usr
       ORDER BY g.t, g.c, g.chat
      ON CONFLICT (tenant_id, channel, chat_id) WHERE status <> 'closed' DO NOTHING)
    UPDATE conversations v
       SET last_inbound_at = GREATEST(v.last_inbound_at, g.li),
           last_message_at = GREATEST(v.last_message_at, g.lm), updated_at = now()
      FROM g
     WHERE v.tenant_id = g.t AND v.channel = g.c AND v.chat_id = g.chat AND v.status <> 'closed'
       AND (v.last_message_at IS NULL OR v.last_message_at < g.lm - interval '1 minute'
            OR (g.li IS NOT NULL AND (v.last_inbound_at IS NULL OR v.last_inbound_at < g.li - interval '1 minute')));

    -- 5. the messages themselves
    INSERT INTO messages (tenant_id, channel, account_ref, platform_message_id, conversation_id,
                          contact_id, direction, author, type, status, text, content,
                          reply_to_platform_id, related_platform_id, forwarded, errors,
                          platform_ts, received_at, raw)
    SELECT b.t, b.c, b.a, b.pid, v.id, k.id, b.dir::msg_direction, b.author::msg_author,
           b.ty::msg_type, b.st::msg_status, b.tx, b.co::jsonb, b.rep, b.rel, b.fw::int2,
           b.er::jsonb, b.ts, b.rec, b.raw::jsonb
      FROM unnest(m_tenant, m_channel, m_account, m_pid, m_chat, m_user, m_direction, m_author, m_type,
                  m_status, m_text, m_content, m_reply, m_related, m_forwarded, m_errors, m_ts, m_received,
                  m_raw) WITH ORDINALITY
           AS b(t, c, a, pid, chat, usr, dir, author, ty, st, tx, co, rep, rel, fw, er, ts, rec, raw, ord)
      JOIN contacts k ON k.tenant_id = b.t AND k.channel = b.c AND k.platform_user_id = b.usr
      LEFT JOIN conversations v ON v.tenant_id = b.t AND v.channel = b.c AND v.chat_id = b.chat
                               AND v.status <> 'closed'
     WHERE b.ord = ANY (fresh_m)
     ORDER BY b.t, b.c, b.pid
    ON CONFLICT (tenant_id, channel, platform_message_id) DO NOTHING;

    -- 6. edits and deletions apply to the original message
    UPDATE messages m SET text = b.tx, edited_at = b.ts
      FROM unnest(m_tenant, m_channel, m_type, m_related, m_text, m_ts) WITH ORDINALITY AS b(t, c, ty, rel, tx, ts, ord)
     WHERE b.ord = ANY (fresh_m) AND b.ty = 'edit' AND b.rel IS NOT NULL
       AND m.tenant_id = b.t AND m.channel = b.c AND m.platform_message_id = b.rel;
    UPDATE messages m SET revoked_at = b.ts
      FROM unnest(m_tenant, m_channel, m_type, m_related, m_text, m_ts) WITH ORDINALITY AS b(t, c, ty, rel, tx, ts, ord)
     WHERE b.ord = ANY (fresh_m) AND b.ty = 'revoke' AND b.rel IS NOT NULL
       AND m.tenant_id = b.t AND m.channel = b.c AND m.platform_message_id = b.rel;
  END IF;

  -- 7. receipts: the furthest new status per message, never backwards
  IF s_key IS NOT NULL AND cardinality(s_key) > 0 THEN
    UPDATE messages m
       SET status = u.st::msg_status, status_at = u.ts, error_code = u.code, error_detail = u.detail
      FROM (SELECT DISTINCT ON (s.t, s.c, s.pid) s.t, s.c, s.pid, s.st, s.ts, s.code, s.detail
              FROM unnest(s_tenant, s_channel, s_key, s_pid, s_status, s_ts, s_code, s_detail)
                   AS s(t, c, k, pid, st, ts, code, detail)
              JOIN unnest(n_tenant, n_channel, n_key) AS n(t, c, k) ON n.t = s.t AND n.c = s.c AND n.k = s.k
             ORDER BY s.t, s.c, s.pid,
                      msg_status_rank(s.st::msg_status) DESC) u
     WHERE m.tenant_id = u.t AND m.channel = u.c AND m.platform_message_id = u.pid
       AND msg_status_advances(m.status, u.st::msg_status);
  END IF;

  RETURN QUERY SELECT * FROM unnest(n_tenant, n_channel, n_key);
END
$$;
