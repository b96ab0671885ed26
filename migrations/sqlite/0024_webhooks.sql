-- Issue 27: partners' webhook endpoints and what is delivered to them. `secret` signs every
-- delivery (Standard Webhooks, `whsec_…`); after a rotation `previous_secret` signs too until
-- `previous_expires_at`. `failing_since` is the first failed attempt with no success after it:
-- an endpoint failing for five days is disabled (`disabled_at`) and its owners told.
CREATE TABLE webhook_endpoints (
    endpoint_id          INTEGER PRIMARY KEY,
    partner_id           INTEGER NOT NULL REFERENCES partners (partner_id),
    url                  TEXT NOT NULL,
    description          TEXT NOT NULL,
    -- The chosen event names, space-separated.
    events               TEXT NOT NULL,
    secret               TEXT NOT NULL,
    previous_secret      TEXT,
    previous_expires_at  TEXT,
    failing_since        TEXT,
    disabled_at          TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_partner ON webhook_endpoints (partner_id);

-- One message to one endpoint: written in the transaction of the change it tells of, and
-- delivered at least once. `message_id` is the `webhook-id` header, the same on every attempt.
CREATE TABLE webhook_deliveries (
    delivery_id      INTEGER PRIMARY KEY,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
    message_id       TEXT NOT NULL,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, delivery_id);

-- Every attempt, as the delivery log shows it: the answer's status and its first 1 KiB, or
-- why there was none.
CREATE TABLE webhook_attempts (
    attempt_id     INTEGER PRIMARY KEY,
    delivery_id    INTEGER NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
    attempted_at   TEXT NOT NULL,
    status_code    INTEGER,
    duration_ms    INTEGER NOT NULL,
    response       TEXT NOT NULL,
    error          TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt_id);
