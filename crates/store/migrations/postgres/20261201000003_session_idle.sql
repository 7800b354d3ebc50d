-- Idle expiry of portal sessions: when the session was last used. A session ends at
-- `expires_at` (absolute) or after a time without use (idle), whichever comes first.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
