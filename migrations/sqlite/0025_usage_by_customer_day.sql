-- A month's cost by day (the FOCUS export) reads a few thousand customers' records at a time;
-- without this it read every usage record ever loaded.
CREATE INDEX usage_records_customer_day ON usage_records (customer_id, day);
