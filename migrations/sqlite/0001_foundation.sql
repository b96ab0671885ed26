CREATE TABLE partners (
    partner_id  INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('reseller', 'msp')),
    state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended')),
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    user_id        INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    password_hash  TEXT,
    is_operator    BOOLEAN NOT NULL DEFAULT FALSE,
    partner_id     BIGINT REFERENCES partners (partner_id),
    role           TEXT CHECK (role IN ('owner', 'admin', 'billing', 'viewer')),
    session_epoch  BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((is_operator AND partner_id IS NULL AND role IS NULL)
        OR (NOT is_operator AND partner_id IS NOT NULL AND role IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_partner ON users (partner_id);

CREATE TABLE email_tokens (
    token_id    INTEGER PRIMARY KEY,
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE signin_failures (
    failure_id  INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX signin_failures_lookup ON signin_failures (scope, subject, at);

CREATE TABLE outbox (
    mail_id          INTEGER PRIMARY KEY,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'written', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT,
    eml_path         TEXT,
    sent_at          TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE audit_events (
    event_id       INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor_user_id  BIGINT REFERENCES users (user_id) ON DELETE SET NULL,
    partner_id     BIGINT REFERENCES partners (partner_id),
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
