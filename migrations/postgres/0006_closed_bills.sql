-- A closed month's bill, as it was computed at closing; it never changes afterwards.
CREATE TABLE closed_bill_lines (
    month        TEXT NOT NULL,
    partner_id   BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id  BIGINT NOT NULL REFERENCES customers (customer_id),
    service      TEXT NOT NULL,
    project      TEXT NOT NULL,
    cluster      TEXT NOT NULL,
    total_cost   BIGINT NOT NULL,
    discounts    BIGINT NOT NULL,
    credits      BIGINT NOT NULL,
    PRIMARY KEY (month, partner_id, customer_id, service, project, cluster)
);

CREATE TABLE closed_credit_uses (
    month      TEXT NOT NULL,
    credit_id  BIGINT NOT NULL REFERENCES credits (credit_id),
    used       BIGINT NOT NULL,
    PRIMARY KEY (month, credit_id)
);
