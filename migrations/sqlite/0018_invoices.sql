-- Issue 24: what an MSP's customers were charged for a closed month, and the invoices it issues.

-- The plan each customer was priced with when its month closed, so a closed month keeps its
-- prices whatever the plans become.
CREATE TABLE closed_customer_plans (
    month            TEXT NOT NULL,
    partner_id       BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id      BIGINT NOT NULL REFERENCES customers (customer_id),
    plan_name        TEXT NOT NULL,
    markup_bps       BIGINT NOT NULL,
    service_markups  TEXT NOT NULL,
    fee              BIGINT NOT NULL,
    fee_label        TEXT NOT NULL,
    PRIMARY KEY (month, partner_id, customer_id)
);

-- A partner's invoice details; a partner without a row has the defaults (its name as legal
-- name, prefix INV, 30 days, no tax, English).
CREATE TABLE invoice_settings (
    partner_id          BIGINT PRIMARY KEY REFERENCES partners (partner_id),
    legal_name          TEXT NOT NULL,
    address             TEXT NOT NULL,
    tax_registration    TEXT NOT NULL,
    tax_rate_bps        BIGINT NOT NULL,
    payment_terms_days  BIGINT NOT NULL,
    number_prefix       TEXT NOT NULL,
    footer              TEXT NOT NULL,
    language            TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- A customer's invoice language; NULL: the partner's.
ALTER TABLE customers ADD COLUMN invoice_language TEXT;

-- The last number given per partner and year: taken in the issuing transaction, so numbers
-- are gapless.
CREATE TABLE invoice_counters (
    partner_id  BIGINT NOT NULL REFERENCES partners (partner_id),
    year        BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    PRIMARY KEY (partner_id, year)
);

-- An issued invoice never changes but for being voided. Issuer and customer are copied as
-- they were at issue.
CREATE TABLE invoices (
    invoice_id        INTEGER PRIMARY KEY,
    partner_id        BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id       BIGINT NOT NULL REFERENCES customers (customer_id),
    month             TEXT NOT NULL,
    number            TEXT NOT NULL,
    language          TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    due_date          TEXT NOT NULL,
    currency          TEXT NOT NULL DEFAULT 'USD',
    subtotal          BIGINT NOT NULL,
    tax_rate_bps      BIGINT NOT NULL,
    tax               BIGINT NOT NULL,
    total             BIGINT NOT NULL,
    -- Late usage loaded up to this time is on this invoice or an earlier one of the customer.
    late_through      TEXT NOT NULL,
    issuer_name       TEXT NOT NULL,
    issuer_address    TEXT NOT NULL,
    issuer_email      TEXT NOT NULL,
    issuer_website    TEXT NOT NULL,
    issuer_tax_id     TEXT NOT NULL,
    issuer_logo_id    BIGINT REFERENCES logos (logo_id),
    footer            TEXT NOT NULL,
    customer_name     TEXT NOT NULL,
    customer_org_id   TEXT NOT NULL,
    customer_email    TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'void')),
    void_reason       TEXT,
    voided_at         TEXT,
    replaces_id       BIGINT REFERENCES invoices (invoice_id),
    sent_at           TEXT,
    UNIQUE (partner_id, number)
);
-- One invoice in force per customer and month: closing twice cannot issue twice.
CREATE UNIQUE INDEX invoices_one_issued ON invoices (customer_id, month) WHERE state = 'issued';
CREATE INDEX invoices_partner_month ON invoices (partner_id, month);

CREATE TABLE invoice_lines (
    invoice_id  BIGINT NOT NULL REFERENCES invoices (invoice_id),
    position    BIGINT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('service', 'fee', 'late')),
    -- The service, the fee's label, or the late usage's service.
    label       TEXT NOT NULL,
    -- The month the usage is of (a late line's earlier month).
    month       TEXT NOT NULL,
    usage       BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

-- Late usage is read per customer since its last invoice.
CREATE INDEX usage_records_late ON usage_records (customer_id, loaded_at) WHERE late;

-- A mail sent on a partner's behalf (an invoice to its customer) carries the partner's name as
-- its sender's name and its contact address to reply to; its attachment is named here
-- (`invoice:{invoice_id}`) and drawn when the mail is delivered, so the outbox holds no PDFs.
ALTER TABLE outbox ADD COLUMN from_name TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN attachment TEXT;

-- Each partner's statement of a closed month, numbered by the vendor when the month closes
-- (`ST-{YYYY-MM}-{0001}`, in partner order); its figures are the closed month's bill.
CREATE TABLE statements (
    partner_id  BIGINT NOT NULL REFERENCES partners (partner_id),
    month       TEXT NOT NULL,
    number      TEXT NOT NULL UNIQUE,
    issued_at   TEXT NOT NULL,
    PRIMARY KEY (partner_id, month)
);
