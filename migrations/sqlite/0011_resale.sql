-- Resellers' channel (issue 14): resale authorizations granted by operators, private offers the
-- reseller records from them with each state change, and the agreements accepted offers start.
CREATE TABLE resale_authorizations (
    authorization_id  INTEGER PRIMARY KEY,
    partner_id        BIGINT NOT NULL REFERENCES partners (partner_id),
    product           TEXT NOT NULL,
    wholesale_bps     BIGINT NOT NULL CHECK (wholesale_bps >= 0 AND wholesale_bps < 10000),
    available_until   TEXT NOT NULL,
    -- Comma-separated 12-digit AWS accounts; empty for any buyer.
    buyers            TEXT NOT NULL DEFAULT '',
    max_offers        BIGINT NOT NULL CHECK (max_offers >= 1),
    -- Offers made from it that count against max_offers; claimed write-first.
    offers_made       BIGINT NOT NULL DEFAULT 0 CHECK (offers_made >= 0),
    -- Comma-separated agreement durations in months.
    durations         TEXT NOT NULL,
    eula              TEXT NOT NULL CHECK (eula IN ('standard', 'custom')),
    eula_url          TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active', 'restricted')),
    created_by        BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX resale_authorizations_partner ON resale_authorizations (partner_id, authorization_id);

ALTER TABLE customers ADD COLUMN aws_account TEXT;
CREATE UNIQUE INDEX customers_partner_aws ON customers (partner_id, aws_account) WHERE aws_account IS NOT NULL;

CREATE TABLE private_offers (
    offer_id           INTEGER PRIMARY KEY,
    partner_id         BIGINT NOT NULL REFERENCES partners (partner_id),
    authorization_id   BIGINT NOT NULL REFERENCES resale_authorizations (authorization_id),
    buyer_account      TEXT NOT NULL,
    buyer_company      TEXT NOT NULL,
    buyer_email        TEXT NOT NULL,
    markup_bps         BIGINT NOT NULL CHECK (markup_bps >= 0 AND markup_bps <= 10000),
    duration_months    BIGINT NOT NULL CHECK (duration_months >= 1),
    expires_on         TEXT NOT NULL,
    state              TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'released', 'accepted', 'expired', 'cancelled')),
    replaces_offer_id  BIGINT REFERENCES private_offers (offer_id),
    released_on        TEXT,
    accepted_on        TEXT,
    customer_id        BIGINT REFERENCES customers (customer_id),
    created_by         BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX private_offers_partner ON private_offers (partner_id, offer_id);
CREATE INDEX private_offers_partner_state ON private_offers (partner_id, state, offer_id);
CREATE INDEX private_offers_open ON private_offers (state, expires_on);

CREATE TABLE offer_events (
    event_id       INTEGER PRIMARY KEY,
    offer_id       BIGINT NOT NULL REFERENCES private_offers (offer_id),
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    actor_user_id  BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    -- Who, when not a person: "API key 7", "system".
    actor          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL
);
CREATE INDEX offer_events_offer ON offer_events (offer_id, event_id);

CREATE TABLE agreements (
    agreement_id   INTEGER PRIMARY KEY,
    partner_id     BIGINT NOT NULL REFERENCES partners (partner_id),
    customer_id    BIGINT NOT NULL REFERENCES customers (customer_id),
    offer_id       BIGINT NOT NULL UNIQUE REFERENCES private_offers (offer_id),
    -- YYYY-MM, both included; a replacement moves last_month back.
    first_month    TEXT NOT NULL,
    last_month     TEXT NOT NULL,
    wholesale_bps  BIGINT NOT NULL,
    markup_bps     BIGINT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX agreements_partner ON agreements (partner_id, customer_id);

-- The actor of an audit event that is no person: "system" for the offer sweep.
ALTER TABLE audit_events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
