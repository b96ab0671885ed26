-- Issue 25: what each partner's closed month came to, stored at closing, so the dashboard's
-- chart and other readers of a closed month's totals read one row instead of every bill line.
CREATE TABLE closed_partner_totals (
    month       TEXT NOT NULL,
    partner_id  BIGINT NOT NULL REFERENCES partners (partner_id),
    usage       BIGINT NOT NULL,
    discounts   BIGINT NOT NULL,
    credits     BIGINT NOT NULL,
    PRIMARY KEY (month, partner_id)
);

-- Months closed before this table: their totals are exactly the sums of their stored lines.
INSERT INTO closed_partner_totals (month, partner_id, usage, discounts, credits)
SELECT month, partner_id, SUM(usage), SUM(discounts), SUM(credits)
FROM closed_bill_lines
GROUP BY month, partner_id;
