CREATE TABLE signup_links (
    link_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id  BIGINT NOT NULL REFERENCES partners (partner_id),
    label       TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMPTZ NOT NULL,
    max_uses    INTEGER,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  TIMESTAMPTZ,
    created_by  BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX signup_links_partner ON signup_links (partner_id, link_id);

CREATE TABLE customers (
    customer_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id         BIGINT NOT NULL REFERENCES partners (partner_id),
    org_id             TEXT NOT NULL UNIQUE,
    org_name           TEXT NOT NULL,
    email              TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    state              TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'active', 'suspended', 'expired')),
    signup_link_id     BIGINT REFERENCES signup_links (link_id),
    created_at         TIMESTAMPTZ NOT NULL,
    effected_at        TIMESTAMPTZ,
    expired_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX customers_partner_email ON customers (partner_id, lower(email));
CREATE INDEX customers_partner_page ON customers (partner_id, customer_id);
CREATE INDEX customers_partner_state ON customers (partner_id, state, customer_id);

CREATE TABLE customer_tokens (
    token_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    customer_id  BIGINT NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
