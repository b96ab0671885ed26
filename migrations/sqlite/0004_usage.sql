CREATE TABLE usage_records (
    usage_id     INTEGER PRIMARY KEY,
    record_key   TEXT NOT NULL UNIQUE,
    customer_id  BIGINT NOT NULL REFERENCES customers (customer_id),
    day          TEXT NOT NULL,
    service      TEXT NOT NULL,
    project      TEXT NOT NULL,
    cluster      TEXT NOT NULL,
    cost         BIGINT NOT NULL CHECK (cost >= 0),
    late         BOOLEAN NOT NULL DEFAULT FALSE,
    loaded_at    TEXT NOT NULL
);

-- Kept current in the loading transaction, so a bill reads months, not usage rows.
CREATE TABLE usage_monthly (
    customer_id  BIGINT NOT NULL REFERENCES customers (customer_id),
    month        TEXT NOT NULL,
    service      TEXT NOT NULL,
    project      TEXT NOT NULL,
    cluster      TEXT NOT NULL,
    total_cost   BIGINT NOT NULL,
    PRIMARY KEY (customer_id, month, service, project, cluster)
);
CREATE INDEX usage_monthly_month ON usage_monthly (month, customer_id);

CREATE TABLE closed_months (
    month      TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL
);
