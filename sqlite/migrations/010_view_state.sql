-- Per-user view state of the pages: the interface language, the newest
-- message each user has read in each room, and the rooms each wants
-- desktop notifications of. Not negotiating acts: never ledger events.
CREATE TABLE user_settings (
	user_id TEXT PRIMARY KEY REFERENCES users(id),
	lang TEXT NOT NULL DEFAULT ''
);

CREATE TABLE room_reads (
	user_id TEXT NOT NULL REFERENCES users(id),
	talks_id TEXT NOT NULL REFERENCES talks(id),
	room TEXT NOT NULL,
	seq INTEGER NOT NULL DEFAULT 0,
	notify INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, talks_id, room)
);
