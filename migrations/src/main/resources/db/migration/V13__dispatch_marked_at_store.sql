-- V13: a message of a tenant without a plugin chain is handed over as it is stored.
--  * tenants.has_chain: whether the tenant's configured plugin chain has an entry (written with
--    plugin_chain, which is sealed and cannot be read here). Unknown, the default, counts as having
--    one: such a tenant's messages take the dispatcher's hand-over as before.
--  * inbox_append (R__inbox_append.sql) stores a new, not held, inbound message of a tenant whose
--    has_chain is false with dispatched_at already set. Until V13 every such message was inserted
--    with dispatched_at NULL (an entry in messages_undispatched) and then updated by the
--    dispatcher's dispatch_take after the commit: a second statement per batch and a second version
--    of every message row, with new entries in each of the table's indexes.

ALTER TABLE tenants ADD COLUMN has_chain boolean NOT NULL DEFAULT true;
