-- Issue 25: a usage load on PostgreSQL spent half its time in the foreign key's check of each
-- record's customer (one query per row, run by a trigger). The load itself refuses any record
-- whose organization id names no customer, and writes each record's month into usage_monthly in
-- the same transaction; usage_monthly keeps its foreign key, checked once per roll-up line, so
-- a customer deleted while a file loads still fails that load, and a customer with usage is
-- never deleted. usage_records is written by nothing else.
ALTER TABLE usage_records DROP CONSTRAINT usage_records_customer_id_fkey;
