-- Sessions and tokens get a public id (to list and revoke them by) and a
-- name (for tokens).
ALTER TABLE sessions ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions(user_id, created_at);

-- settings holds deployment settings and secrets that are not part of the
-- negotiation record (the demo marker, cookie signing keys).
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
