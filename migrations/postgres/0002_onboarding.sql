CREATE TABLE logos (
    logo_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    upload_key  TEXT NOT NULL UNIQUE,
    svg         TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    width       REAL NOT NULL,
    height      REAL NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE applications (
    application_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('reseller', 'msp')),
    company_name    TEXT NOT NULL,
    contact_email   TEXT NOT NULL,
    website_url     TEXT NOT NULL,
    message         TEXT NOT NULL DEFAULT '',
    logo_light_id   BIGINT NOT NULL REFERENCES logos (logo_id),
    logo_dark_id    BIGINT NOT NULL REFERENCES logos (logo_id),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    reject_reason   TEXT,
    partner_id      BIGINT REFERENCES partners (partner_id),
    reviewed_by     BIGINT REFERENCES users (user_id),
    reviewed_at     TIMESTAMPTZ,
    address         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_state ON applications (state, application_id);

ALTER TABLE partners ADD COLUMN website_url TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN logo_light_id BIGINT REFERENCES logos (logo_id);
ALTER TABLE partners ADD COLUMN logo_dark_id BIGINT REFERENCES logos (logo_id);

CREATE TABLE api_keys (
    key_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    BIGINT NOT NULL REFERENCES partners (partner_id),
    name          TEXT NOT NULL,
    public_key    TEXT NOT NULL UNIQUE,
    ha1_sha256    TEXT NOT NULL,
    ha1_md5       TEXT NOT NULL,
    created_by    BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_keys_partner ON api_keys (partner_id);
