-- Budget alerts (issue 27): a monthly amount for a partner as a whole (no customer) or one of
-- its customers, the shares of it that alert, and whether they are judged on the amount owed so
-- far or on its straight-line forecast to the month's end.
CREATE TABLE budgets (
    budget_id    INTEGER PRIMARY KEY,
    partner_id   INTEGER NOT NULL REFERENCES partners (partner_id),
    customer_id  INTEGER REFERENCES customers (customer_id),
    amount       BIGINT NOT NULL CHECK (amount > 0),
    -- Percentages, comma-separated, ascending: "50,80,100".
    thresholds   TEXT NOT NULL,
    on_forecast  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL
);
-- One budget for the partner, one per customer.
CREATE UNIQUE INDEX budgets_scope ON budgets (partner_id, coalesce(customer_id, 0));

-- Each (budget, month, threshold) fires once: the row is written in the alert's transaction.
CREATE TABLE budget_alerts (
    budget_id  INTEGER NOT NULL REFERENCES budgets (budget_id) ON DELETE CASCADE,
    month      TEXT NOT NULL,
    threshold  INTEGER NOT NULL,
    -- The amount (owed or forecast) that reached it.
    figure     BIGINT NOT NULL,
    fired_at   TEXT NOT NULL,
    PRIMARY KEY (budget_id, month, threshold)
);

-- The members who chose to receive budget alerts by e-mail.
CREATE TABLE budget_recipients (
    user_id  INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE
);
