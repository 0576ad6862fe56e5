-- The tenant read API lists a tenant's conversations newest first as keyset pages
-- (WHERE tenant_id = $1 [AND status = $2] AND id < $cursor ORDER BY id DESC LIMIT n).
-- Without these the plan walks the primary key backwards and filters every other tenant's rows
-- (and, with ?status=, every conversation of another status) out of the way; with them a page reads
-- only its own rows at any depth. The messages of a conversation already have theirs
-- (messages_conversation: conversation_id, id DESC).
CREATE INDEX conversations_tenant_newest ON conversations (tenant_id, id DESC);
CREATE INDEX conversations_tenant_status_newest ON conversations (tenant_id, status, id DESC);
