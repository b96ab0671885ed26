-- Issue 26: two-factor sign-in. A person's authenticator secret is kept encrypted (like the API
-- keys' verifiers); the row exists from the start of enrolment, and counts only once
-- `confirmed_at` is set by a first good code. `last_step` is the time step of the code accepted
-- last: a code of that step or an earlier one is refused, so a code works once.
CREATE TABLE totp_credentials (
    user_id       INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    secret_enc    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    last_step     BIGINT
);

-- Ten single-use codes for when the authenticator is lost, kept as SHA-256 (they are random,
-- 50 bits each, so a slow hash adds nothing); a used code keeps its row with `used_at`.
CREATE TABLE recovery_codes (
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Passkeys (WebAuthn): the credential as the WebAuthn library keeps it (JSON, with its public
-- key and signature counter), under the credential id the browser names it by (base64url).
-- `user_handle` is the random id the authenticator keeps for the person (the same on all of
-- their passkeys): a passkey that signs in without a password names its person by it.
CREATE TABLE passkeys (
    passkey_id     INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    user_handle    TEXT NOT NULL,
    name           TEXT NOT NULL,
    credential_id  TEXT NOT NULL UNIQUE,
    credential     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- An owner can require two-factor sign-in of every member of the partner.
ALTER TABLE partners ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;
