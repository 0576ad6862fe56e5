-- V19: a chat that moved, found by a send. When Telegram answers a send to a group with
-- "group chat was upgraded to a supergroup chat" and parameters.migrate_to_chat_id, the channel
-- sends the message again to the new chat and reports the new id with the outcome; outbox_settle
-- records the send as usual, and the gateway then calls chat_migrate in the same transaction.
--
-- chat_migrate(tenant, channel, old chat, new chat) does what inbox_append does for an inbound
-- migration (the service message migrate_to_chat_id / migrate_from_chat_id), for one tenant and
-- channel:
--  * the open conversation of the old chat follows the new chat id (its id, history and pause
--    stay); when the new chat already has an open conversation (its messages came first), the old
--    conversation's messages move into it and the old conversation is closed;
--  * sends still queued for the old chat go to the new one: their payload's "to" is the chat the
--    sender calls, written when the send was accepted, so every outbox row of the tenant and
--    channel addressed to the old chat is re-addressed, and rows of a merged conversation join the
--    conversation that now holds the chat (they keep their order: the outbox orders by row id).
-- Returns the open conversation that holds the new chat id now, or null when the tenant has none
-- (the chat was never stored, or was re-keyed before: only queued rows changed then).
CREATE FUNCTION chat_migrate(p_tenant text, p_channel text, p_old text, p_new text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  src bigint;
  dst bigint;
BEGIN
  IF p_old IS NULL OR p_new IS NULL OR p_old = p_new THEN
    RETURN NULL;
  END IF;
  -- locked in id order, whatever the chats' order, so two migrations never wait on each other
  PERFORM 1 FROM conversations c
   WHERE c.tenant_id = p_tenant AND c.channel = p_channel AND c.chat_id IN (p_old, p_new) AND c.status <> 'closed'
   ORDER BY c.id FOR UPDATE;
  SELECT c.id INTO src FROM conversations c
   WHERE c.tenant_id = p_tenant AND c.channel = p_channel AND c.chat_id = p_old AND c.status <> 'closed';
  SELECT c.id INTO dst FROM conversations c
   WHERE c.tenant_id = p_tenant AND c.channel = p_channel AND c.chat_id = p_new AND c.status <> 'closed';

  IF src IS NOT NULL AND dst IS NOT NULL THEN
    UPDATE messages m SET conversation_id = dst WHERE m.conversation_id = src;
    UPDATE outbox o SET conversation_id = dst WHERE o.conversation_id = src;
    UPDATE conversations v SET status = 'closed', paused_reason = NULL, paused_at = NULL, updated_at = now()
     WHERE v.id = src;
  ELSIF src IS NOT NULL THEN
    UPDATE conversations v SET chat_id = p_new, updated_at = now() WHERE v.id = src;
    dst := src;
  END IF;

  UPDATE outbox o SET payload = jsonb_set(o.payload, '{to}', to_jsonb(p_new))
   WHERE o.tenant_id = p_tenant AND o.channel = p_channel AND o.payload->>'to' = p_old;
  RETURN dst;
END
$$;
