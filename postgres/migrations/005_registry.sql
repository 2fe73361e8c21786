-- People and promises: captives and their status history, who may read
-- individual records, agreement phases, obligations and verifications,
-- meetings and their audience, sourced reports, deadlines and the alerts
-- that fired.
CREATE TABLE captives (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	ref TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	holder TEXT NOT NULL,
	nationalities TEXT NOT NULL,
	captured_on TEXT NOT NULL DEFAULT '',
	captured_precision TEXT NOT NULL,
	captured_place TEXT NOT NULL DEFAULT '',
	categories TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL,
	UNIQUE (talks_id, ref)
);

CREATE TABLE captive_status (
	captive_id TEXT NOT NULL REFERENCES captives(id),
	n INTEGER NOT NULL,
	talks_id TEXT NOT NULL,
	status TEXT NOT NULL,
	confidence TEXT NOT NULL,
	source TEXT NOT NULL,
	status_date TEXT NOT NULL,
	since TEXT NOT NULL DEFAULT '',
	obligation_id TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL,
	PRIMARY KEY (captive_id, n)
);
CREATE INDEX captive_status_talks ON captive_status(talks_id, obligation_id);

CREATE TABLE record_access (
	talks_id TEXT NOT NULL REFERENCES talks(id),
	delegation_id TEXT NOT NULL REFERENCES delegations(id),
	records INTEGER NOT NULL,
	set_by TEXT NOT NULL,
	set_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL,
	PRIMARY KEY (talks_id, delegation_id)
);

CREATE TABLE phases (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	number INTEGER NOT NULL,
	title TEXT NOT NULL,
	starts_on TEXT NOT NULL,
	days INTEGER NOT NULL,
	recorded_by TEXT NOT NULL,
	event_seq BIGINT NOT NULL,
	UNIQUE (agreement_id, number)
);
CREATE INDEX phases_talks ON phases(talks_id);

CREATE TABLE obligations (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	phase_id TEXT NOT NULL REFERENCES phases(id),
	delegation_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	description TEXT NOT NULL,
	quantity INTEGER NOT NULL DEFAULT 0,
	per_day INTEGER NOT NULL DEFAULT 0,
	category TEXT NOT NULL DEFAULT '',
	due_on TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX obligations_talks ON obligations(talks_id, agreement_id);

CREATE TABLE verifications (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	agreement_id TEXT NOT NULL REFERENCES agreements(id),
	obligation_id TEXT NOT NULL REFERENCES obligations(id),
	outcome TEXT NOT NULL,
	quantity INTEGER NOT NULL DEFAULT 0,
	observed_on TEXT NOT NULL,
	evidence TEXT NOT NULL,
	verifier TEXT NOT NULL,
	attributed_by TEXT NOT NULL DEFAULT '',
	attributed_to TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX verifications_talks ON verifications(talks_id, agreement_id);

-- participants is a JSON array of parley.Participant.
CREATE TABLE meetings (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	held_on TEXT NOT NULL DEFAULT '',
	held_precision TEXT NOT NULL,
	participants TEXT NOT NULL,
	summary TEXT NOT NULL,
	outcome TEXT NOT NULL DEFAULT '',
	briefing_message TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX meetings_talks ON meetings(talks_id, held_on);

CREATE TABLE meeting_audience (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	talks_id TEXT NOT NULL,
	delegation_id TEXT NOT NULL,
	PRIMARY KEY (meeting_id, delegation_id)
);
CREATE INDEX meeting_audience_talks ON meeting_audience(talks_id);

CREATE TABLE reports (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	subject TEXT NOT NULL,
	claim TEXT NOT NULL,
	source TEXT NOT NULL,
	outlet TEXT NOT NULL DEFAULT '',
	published_on TEXT NOT NULL,
	reliability TEXT NOT NULL,
	credibility INTEGER NOT NULL,
	contradicts TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX reports_talks ON reports(talks_id, subject);

-- alert_days is a comma-separated list of lead times in days.
CREATE TABLE deadlines (
	id TEXT PRIMARY KEY,
	talks_id TEXT NOT NULL REFERENCES talks(id),
	title TEXT NOT NULL,
	due_at TEXT NOT NULL,
	set_by TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	alert_days TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	event_seq BIGINT NOT NULL
);
CREATE INDEX deadlines_talks ON deadlines(talks_id, due_at);

-- deadline_alerts holds each alert that fired, once: the primary key keeps
-- two nodes from both firing it.
CREATE TABLE deadline_alerts (
	deadline_id TEXT NOT NULL REFERENCES deadlines(id),
	lead_days INTEGER NOT NULL,
	talks_id TEXT NOT NULL,
	fire_at TEXT NOT NULL,
	fired_at TEXT NOT NULL,
	late INTEGER NOT NULL DEFAULT 0,
	superseded INTEGER NOT NULL DEFAULT 0,
	event_seq BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (deadline_id, lead_days)
);
