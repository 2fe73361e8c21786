-- agreements: what the parties agreed, from the single negotiating text or
-- recorded as made through the channel before.
CREATE TABLE agreements (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	title TEXT NOT NULL,
	stage TEXT NOT NULL,
	text_version BIGINT NOT NULL DEFAULT 0,
	summary TEXT NOT NULL DEFAULT '',
	agreed_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX agreements_talks ON agreements(talks_id, agreed_at);
