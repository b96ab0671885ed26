-- API rate limits (GCRA): one row per bucket (an API key, or a client address for failed
-- authentication) holding its theoretical arrival time in microseconds since the epoch.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    tat    BIGINT NOT NULL
);
