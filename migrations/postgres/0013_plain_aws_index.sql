-- As on SQLite (where the partial index made every statement on customers compile again at
-- each run): a plain unique index means the same, since NULLs never collide in one.
DROP INDEX customers_partner_aws;
CREATE UNIQUE INDEX customers_partner_aws ON customers (partner_id, aws_account);
