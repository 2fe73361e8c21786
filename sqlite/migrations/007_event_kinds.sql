-- Events of one kind in one talks (presence changes, status changes) are
-- read on their own: for the event stream's withdrawal windows and for
-- timelines.
CREATE INDEX events_talks_kind ON events(talks_id, kind, seq);
