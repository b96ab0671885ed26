-- The partial index (WHERE aws_account IS NOT NULL) made SQLite compile every statement on
-- customers again at each run: checking whether a partial index applies records the bound
-- parameters it compared, and any new binding then expires the statement. A plain unique
-- index means the same here, since NULLs never collide in a unique index.
DROP INDEX customers_partner_aws;
CREATE UNIQUE INDEX customers_partner_aws ON customers (partner_id, aws_account);
