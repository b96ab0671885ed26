-- Issue 25: what each customer and each service came to in a partner's closed month, stored at
-- closing, so a closed month's Billing page reads a row per customer instead of every bill line
-- and pricing each again. `price` and `margin` are what the customer pays the partner for the
-- month and the partner keeps, by the reseller's terms or the MSP's plans as the month was
-- closed (a corrected invoice rewrites its customer's row). Months closed before this table
-- have no rows here and are summed from their stored lines when read.
CREATE TABLE closed_customer_totals (
    month        TEXT NOT NULL,
    partner_id   BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id  BIGINT NOT NULL REFERENCES customers (customer_id),
    usage        BIGINT NOT NULL,
    discounts    BIGINT NOT NULL,
    credits      BIGINT NOT NULL,
    price        BIGINT NOT NULL,
    margin       BIGINT NOT NULL,
    PRIMARY KEY (month, partner_id, customer_id)
);

CREATE TABLE closed_service_totals (
    month        TEXT NOT NULL,
    partner_id   BIGINT NOT NULL REFERENCES partners (partner_id),
    service      TEXT NOT NULL,
    usage        BIGINT NOT NULL,
    discounts    BIGINT NOT NULL,
    credits      BIGINT NOT NULL,
    PRIMARY KEY (month, partner_id, service)
);
