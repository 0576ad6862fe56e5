-- Work that belongs to the whole cluster and runs on one node at a time (housekeeping: auto-resume of
-- takeovers, late receipts, retention deletes) is done by the node holding its lease. A node takes
-- the lease when it is free or expired, renews it on every run, and gives it up when it stops; a
-- node that dies holds it until `until` passes, then another node takes it.
CREATE TABLE cluster_leases (
  name   text        PRIMARY KEY,
  owner  text        NOT NULL,
  until  timestamptz NOT NULL
);
