-- Credentials that can be cut off: what a token may do (read or
-- read-write, one talks or all), when a session was last used (idle
-- timeout), disabled accounts.
ALTER TABLE sessions ADD COLUMN access TEXT NOT NULL DEFAULT 'read-write';
ALTER TABLE sessions ADD COLUMN talks_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- Invitations into a delegation: single use, expiring, the secret stored
-- as its SHA-256 only.
CREATE TABLE invitations (
	id TEXT PRIMARY KEY,
	token_hash BYTEA NOT NULL UNIQUE,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	delegation_id TEXT NOT NULL REFERENCES delegations(id),
	role TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	invited_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	state TEXT NOT NULL,
	used_by TEXT NOT NULL DEFAULT '',
	ended_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invitations_talks ON invitations(talks_id, created_at);

-- Passkeys (WebAuthn credentials), several per account.
CREATE TABLE passkeys (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	credential_id BYTEA NOT NULL UNIQUE,
	credential TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_used_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX passkeys_user ON passkeys(user_id, created_at);

-- Witnesses whose cosignatures the server collects, and the cosignatures
-- they returned, by checkpoint size.
CREATE TABLE witnesses (
	name TEXT PRIMARY KEY,
	verifier_key TEXT NOT NULL,
	added_at TEXT NOT NULL
);
CREATE TABLE cosignatures (
	size BIGINT NOT NULL,
	witness TEXT NOT NULL,
	signature TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (size, witness)
);
