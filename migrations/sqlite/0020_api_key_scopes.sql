-- Issue 26: a key has a scope and may expire. Keys made before this were able to do everything
-- for ever, and stay so: `full`, no expiry. `expires_at` is the instant the key stops working:
-- its chosen expiry, or the end of its grace period once a successor replaced it
-- (`replaces_key_id` on the successor). `expiry_warned_at` is set when the owners were told, a
-- week before, so they are told once.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'full'
    CHECK (scope IN ('read', 'billing', 'full'));
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
ALTER TABLE api_keys ADD COLUMN replaces_key_id INTEGER REFERENCES api_keys (key_id);
ALTER TABLE api_keys ADD COLUMN last_used_address TEXT;
ALTER TABLE api_keys ADD COLUMN expiry_warned_at TEXT;
