-- API keys of vendor operators, for the usage ingest endpoint; stored like partners' keys.
CREATE TABLE operator_keys (
    key_id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (user_id),
    public_key   TEXT NOT NULL UNIQUE,
    ha1_sha256   TEXT NOT NULL,
    ha1_md5      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
