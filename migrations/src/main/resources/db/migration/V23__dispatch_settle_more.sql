-- V23: a settle that also says whether a conversation it finished has another message queued.
--
-- A dispatcher used to claim again after every settle, in case a conversation's next message had
-- become its head; at a steady 500 bot turns/s many of those claims found nothing. The new
-- dispatch_settle_more answers `more` as well: true when a conversation whose queue row it deleted
-- (done or dead) still has a row queued; the dispatcher claims after a settle then, when a claim
-- started while the settle was out (its snapshot may have missed the settle), or when its last
-- claim came back full or failed. Rows put back with a wait (retry, release) are due later and
-- found by the periodic poll, as before. The statements are V22's dispatch_settle, the same
-- outcomes. dispatch_settle keeps its name and result, for nodes of the earlier version that share
-- the database during an upgrade (a function whose result type changed would fail their prepared
-- statements), but is now this function's `dead` alone (end of file): the outcomes have one
-- definition. A later migration drops it.
CREATE FUNCTION dispatch_settle_more(p_owner text, p_id bigint[], p_kind text[], p_position integer[],
                                           p_wait double precision[], p_error text[],
                                           r_tenant text[], r_message bigint[], r_plugin text[], r_position integer[],
                                           r_outcome text[], r_latency integer[], r_error text[])
RETURNS TABLE (dead integer, more boolean)
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
  n_dead integer := 0;
  freed bigint[];
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
    f AS (
      SELECT array_agg(d.conversation_id) AS convs FROM d WHERE d.conversation_id IS NOT NULL),
    ins AS (
      INSERT INTO dead_letters (tenant_id, kind, channel, message_id, conversation_id, payload, attempts,
                                error_code, error_detail)
      SELECT d.tenant_id, 'forward', d.channel, d.message_id, d.conversation_id,
             jsonb_build_object('position', d.pos, 'storedAt', d.stored_at), d.attempts + 1,
             split_part(d.err, ':', 1), d.err
        FROM d
      RETURNING 1)
    SELECT (SELECT count(*) FROM ins), (SELECT f.convs FROM f) INTO n_dead, freed;
  END IF;

  IF cardinality(k_done) > 0 THEN
    WITH d AS (DELETE FROM dispatch_queue q WHERE q.message_id = ANY (k_done) RETURNING q.conversation_id)
    SELECT COALESCE(freed, '{}') || array_agg(d.conversation_id) INTO freed FROM d WHERE d.conversation_id IS NOT NULL;
  END IF;
  -- more: a conversation whose head just left still has a message queued (now its head)
  RETURN QUERY SELECT n_dead, freed IS NOT NULL AND EXISTS (
    SELECT 1 FROM unnest(freed) AS f(conv)
     WHERE EXISTS (SELECT 1 FROM dispatch_queue q WHERE q.conversation_id = f.conv));
END
$$;

CREATE OR REPLACE FUNCTION dispatch_settle(p_owner text, p_id bigint[], p_kind text[], p_position integer[],
                                           p_wait double precision[], p_error text[],
                                           r_tenant text[], r_message bigint[], r_plugin text[], r_position integer[],
                                           r_outcome text[], r_latency integer[], r_error text[])
RETURNS integer
LANGUAGE sql VOLATILE AS $$
  SELECT s.dead FROM dispatch_settle_more(p_owner, p_id, p_kind, p_position, p_wait, p_error, r_tenant, r_message,
                                          r_plugin, r_position, r_outcome, r_latency, r_error) AS s
$$;
