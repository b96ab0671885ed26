-- Signed-in sessions kept on the server (issue 21). The encrypted cookie carries a random
-- session id; this table holds its SHA-256, so a copy of the table signs nobody in. Every
-- request reads its row: sign-out, a password change, removal from a team and a partner's
-- suspension delete rows, and a copied cookie is refused at once by every instance.
-- `session_epoch` counted password changes for the same purpose; the rows replace it.
CREATE TABLE sessions (
    session_hash  TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    address       TEXT NOT NULL,
    user_agent    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE users DROP COLUMN session_epoch;
