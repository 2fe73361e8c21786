-- The single negotiating text: immutable versions (clauses as JSON, in
-- order) and each party's latest position per clause and version.
CREATE TABLE text_versions (
	talks_id TEXT NOT NULL REFERENCES talks(id),
	number INTEGER NOT NULL,
	author TEXT NOT NULL,
	reason TEXT NOT NULL,
	clauses TEXT NOT NULL,
	created_at TEXT NOT NULL,
	event_seq INTEGER NOT NULL,
	PRIMARY KEY (talks_id, number)
);

CREATE TABLE text_positions (
	talks_id TEXT NOT NULL REFERENCES talks(id),
	delegation_id TEXT NOT NULL REFERENCES delegations(id),
	clause_id TEXT NOT NULL,
	version INTEGER NOT NULL,
	stance TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	wording TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq INTEGER NOT NULL,
	PRIMARY KEY (talks_id, delegation_id, clause_id, version)
);

-- The negotiation domain (parley's JSON domain format).
CREATE TABLE negotiation_domains (
	talks_id TEXT PRIMARY KEY REFERENCES talks(id),
	name TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	set_by TEXT NOT NULL,
	set_at TEXT NOT NULL,
	event_seq INTEGER NOT NULL
);

-- The structure of messages that propose a package.
CREATE TABLE proposals (
	message_id TEXT PRIMARY KEY REFERENCES messages(id),
	package TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);

-- Preference profiles (parley's JSON profile format, '' for none) and
-- consent, one row per party.
CREATE TABLE profiles (
	talks_id TEXT NOT NULL REFERENCES talks(id),
	delegation_id TEXT NOT NULL REFERENCES delegations(id),
	source TEXT NOT NULL DEFAULT '',
	format TEXT NOT NULL DEFAULT '',
	consent INTEGER NOT NULL DEFAULT 0,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	PRIMARY KEY (talks_id, delegation_id)
);

-- Reflections of proposals onto the Pareto frontier (packages as JSON).
CREATE TABLE reflections (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	requester TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	proposal TEXT NOT NULL,
	package TEXT NOT NULL,
	offered TEXT NOT NULL DEFAULT '',
	optimal TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	answers TEXT NOT NULL DEFAULT '[]',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX reflections_talks ON reflections(talks_id, created_at);
