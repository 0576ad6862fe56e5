-- V5: maintenance settings for the two tables every webhook appends to (messages, inbound_events).
--  * Autovacuum after every 2 % of new rows (default 20 %): an append-only table is vacuumed to set
--    its visibility map; with the default the first vacuum comes after a long burst and then has to
--    write back every page of it at once, which stalls the commits of the acknowledgements on a
--    small machine. Frequent small vacuums spread that work.
--  * No planner statistics for the payload columns (raw JSON, content, free text): no query filters
--    on them, and sampling wide jsonb values is most of what ANALYZE of these tables costs.
ALTER TABLE messages SET (autovacuum_vacuum_insert_scale_factor = 0.02,
                          autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE inbound_events SET (autovacuum_vacuum_insert_scale_factor = 0.02,
                                autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE messages ALTER COLUMN raw SET STATISTICS 0,
                     ALTER COLUMN content SET STATISTICS 0,
                     ALTER COLUMN errors SET STATISTICS 0,
                     ALTER COLUMN text SET STATISTICS 0;
ALTER TABLE inbound_events ALTER COLUMN payload SET STATISTICS 0,
                           ALTER COLUMN body_excerpt SET STATISTICS 0,
                           ALTER COLUMN detail SET STATISTICS 0;
