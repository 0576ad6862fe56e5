-- V21: the dispatcher's hand-over and claim never plan a sequential scan of a hot table.
--
-- dispatch_take (V9) is plpgsql: after five calls it keeps a generic plan per statement for the
-- session. On a new database those plans are made while `messages` holds a few rows, and its first
-- statement (`messages` by `id = ANY (p_ids)`) became a sequential scan that stayed while the table
-- grew: every hand-over then read the whole table. dispatch_claim (V17) is planned at each call, but
-- before the first ANALYZE of a growing table its estimates made it hash the whole `conversations`
-- table to join a dozen claimed rows. Measured in bench/turns.sh's first minute on a new database
-- (2026-12-02 11:17, auto_explain, statements over 5 ms): 430 hand-overs with a sequential scan of
-- `messages` (14 ms a call), claims with one of `conversations` (5 ms); the fixed-rate run's
-- PostgreSQL CPU per turn was 1.74 ms against 0.54 ms once warm.
--
-- Both only ever look rows up by key, so no sequential scan is the plan for any size; with it
-- disabled the planner still uses one where no index applies.
ALTER FUNCTION dispatch_take(bigint[], text[]) SET enable_seqscan = off;
ALTER FUNCTION dispatch_claim(text, integer, double precision) SET enable_seqscan = off;
