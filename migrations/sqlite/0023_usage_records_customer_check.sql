-- Issue 25: PostgreSQL's usage_records drops its foreign key on customer_id (see the same
-- migration there: its check ran a query per loaded row). SQLite checks it inside the row's own
-- write, at a fraction of the load's time, and dropping it would mean copying the whole table:
-- the key stays here, and this migration changes nothing.
SELECT 1;
