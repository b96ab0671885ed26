-- Team (issue 15): when a member last signed in, and members removed by their partner (kept,
-- so the audit log still names them; a removed member is found by no sign-in or session).
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN removed_at TIMESTAMPTZ;
-- Settings (issue 15): the language a member chose, and the partner's own contact address.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE partners ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
UPDATE partners SET contact_email = COALESCE(
    (SELECT u.email FROM users u WHERE u.partner_id = partners.partner_id AND u.role = 'owner'
     ORDER BY u.user_id LIMIT 1), '');
