CREATE TABLE users (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	admin INTEGER NOT NULL DEFAULT 0,
	password_hash TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash BYTEA PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);

CREATE TABLE talks (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	status TEXT NOT NULL,
	status_reason TEXT NOT NULL DEFAULT '',
	status_by TEXT NOT NULL DEFAULT '',
	status_at TEXT NOT NULL,
	plenary_open INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

CREATE TABLE delegations (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	presence TEXT NOT NULL,
	presence_reason TEXT NOT NULL DEFAULT '',
	presence_by TEXT NOT NULL DEFAULT '',
	presence_at TEXT NOT NULL,
	presence_seq BIGINT NOT NULL DEFAULT 0,
	UNIQUE (talks_id, slug)
);

CREATE TABLE members (
	delegation_id TEXT NOT NULL REFERENCES delegations(id),
	user_id TEXT NOT NULL REFERENCES users(id),
	role TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (delegation_id, user_id)
);
CREATE INDEX members_user ON members(user_id);

CREATE TABLE messages (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	room TEXT NOT NULL,
	seq BIGINT NOT NULL,
	author TEXT NOT NULL,
	delegation TEXT NOT NULL,
	disclosure TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL,
	UNIQUE (talks_id, room, seq)
);

CREATE TABLE relays (
	message_id TEXT PRIMARY KEY REFERENCES messages(id),
	mode TEXT NOT NULL,
	attribution TEXT NOT NULL,
	from_delegation TEXT NOT NULL DEFAULT '',
	source_room TEXT NOT NULL,
	source_message TEXT NOT NULL,
	source_author TEXT NOT NULL,
	source_delegation TEXT NOT NULL
);

-- events is the ledger: one row per leaf, seq = leaf index + 1.
CREATE TABLE events (
	seq BIGINT PRIMARY KEY,
	time TEXT NOT NULL,
	kind TEXT NOT NULL,
	talks_id TEXT NOT NULL DEFAULT '',
	room TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL,
	salt BYTEA NOT NULL,
	canonical BYTEA NOT NULL
);
CREATE INDEX events_talks ON events(talks_id, seq);

-- ledger_hashes holds the tlog stored hashes, indexed by tlog.StoredHashIndex.
CREATE TABLE ledger_hashes (
	idx BIGINT PRIMARY KEY,
	hash BYTEA NOT NULL
);

-- checkpoints holds one signed checkpoint per committed batch.
CREATE TABLE checkpoints (
	size BIGINT PRIMARY KEY,
	note TEXT NOT NULL
);
