-- A bill line's amounts are named for what they mean (SPEC 5). The column held what was consumed
-- before discounts and credits, which the public API calls `runningTotal`; its old name
-- `total_cost` is the API's word for the amount owed. The values stay: only the name was wrong.
ALTER TABLE usage_monthly RENAME COLUMN total_cost TO usage;
ALTER TABLE closed_bill_lines RENAME COLUMN total_cost TO usage;
