-- Team (issue 15): when a member last signed in, and members removed by their partner (kept,
-- so the audit log still names them; a removed member is found by no sign-in or session).
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN removed_at TIMESTAMPTZ;
