-- The name a person gave at login, recorded as the reviewer of their decisions.
ALTER TABLE sessions ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
