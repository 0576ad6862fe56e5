-- A tenant may have no inbound limit (`limits.inbound: unlimited`): both columns NULL, and the
-- gateway skips admission for its webhooks. The defaults stay 200/s, burst 400, so a tenant without
-- `limits` is limited as before; the two columns are NULL together or not at all.
ALTER TABLE tenants
  ALTER COLUMN inbound_per_second DROP NOT NULL,
  ALTER COLUMN inbound_burst DROP NOT NULL,
  ADD CONSTRAINT tenants_inbound_unlimited_both
    CHECK ((inbound_per_second IS NULL) = (inbound_burst IS NULL));
