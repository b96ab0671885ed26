CREATE TABLE discounts (
    discount_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id   BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id  BIGINT REFERENCES customers (customer_id),
    service      TEXT,
    rate_bps     BIGINT CHECK (rate_bps > 0 AND rate_bps <= 10000),
    amount       BIGINT CHECK (amount > 0),
    start_month  TEXT NOT NULL,
    end_month    TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    CHECK ((rate_bps IS NULL) <> (amount IS NULL))
);
CREATE INDEX discounts_partner ON discounts (partner_id);

CREATE TABLE credits (
    credit_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id   BIGINT REFERENCES customers (customer_id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    effective_on  DATE NOT NULL,
    expires_on    DATE NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX credits_partner ON credits (partner_id);
