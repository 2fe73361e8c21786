package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// CreateMeeting stores a meeting with its participants and audience.
func (t *Tx) CreateMeeting(ctx context.Context, m *parley.Meeting) error {
	ps, err := json.Marshal(m.Participants)
	if err != nil {
		return fmt.Errorf("create meeting: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO meetings (id, talks_id, kind, title, place, held_on, held_precision, participants, summary, outcome, briefing_message, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.TalksID, m.Kind, m.Title, m.Place, string(m.HeldOn), m.HeldPrecision, string(ps), m.Summary, m.Outcome, m.BriefingMessage, m.RecordedBy, fmtTime(m.RecordedAt), m.EventSeq)
	if err := t.conflict(err, "create meeting", "the meeting exists already"); err != nil {
		return err
	}
	for _, d := range m.Audience {
		_, err := t.exec(ctx, `INSERT INTO meeting_audience (meeting_id, talks_id, delegation_id) VALUES (?, ?, ?)`, m.ID, m.TalksID, d)
		if err := t.conflict(err, "meeting audience", "a delegation is named twice in the audience"); err != nil {
			return err
		}
	}
	return nil
}

// Meetings lists the talks' meetings by date.
func (t *Tx) Meetings(ctx context.Context, talksID string) ([]parley.Meeting, error) {
	rows, err := t.query(ctx, `SELECT id, talks_id, kind, title, place, held_on, held_precision, participants, summary, outcome, briefing_message, recorded_by, recorded_at, event_seq
		FROM meetings WHERE talks_id = ? ORDER BY held_on, event_seq`, talksID)
	if err != nil {
		return nil, t.formatError(err, "meetings")
	}
	out := []parley.Meeting{}
	for rows.Next() {
		var m parley.Meeting
		var on, ps, at string
		if err := rows.Scan(&m.ID, &m.TalksID, &m.Kind, &m.Title, &m.Place, &on, &m.HeldPrecision, &ps, &m.Summary, &m.Outcome, &m.BriefingMessage, &m.RecordedBy, &at, &m.EventSeq); err != nil {
			rows.Close()
			return nil, t.formatError(err, "meetings")
		}
		m.HeldOn, m.RecordedAt = parley.Date(on), parseTime(at)
		if err := json.Unmarshal([]byte(ps), &m.Participants); err != nil {
			rows.Close()
			return nil, fmt.Errorf("meeting %s: participants: %w", m.ID, err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, t.formatError(err, "meetings")
	}
	aud, err := t.MeetingAudiences(ctx, talksID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Audience = aud[out[i].ID]
		if out[i].Audience == nil {
			out[i].Audience = []string{}
		}
	}
	return out, nil
}

// MeetingAudiences maps the talks' meeting ids to their audiences.
func (t *Tx) MeetingAudiences(ctx context.Context, talksID string) (map[string][]string, error) {
	rows, err := t.query(ctx, `SELECT meeting_id, delegation_id FROM meeting_audience WHERE talks_id = ? ORDER BY meeting_id, delegation_id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "meeting audiences")
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var m, d string
		if err := rows.Scan(&m, &d); err != nil {
			return nil, t.formatError(err, "meeting audiences")
		}
		out[m] = append(out[m], d)
	}
	return out, t.formatError(rows.Err(), "meeting audiences")
}

// CreateReport stores a report.
func (t *Tx) CreateReport(ctx context.Context, r *parley.Report) error {
	_, err := t.exec(ctx, `INSERT INTO reports (id, talks_id, subject, claim, source, outlet, published_on, reliability, credibility, contradicts, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.TalksID, r.Subject, r.Claim, r.Source, r.Outlet, string(r.PublishedOn), r.Reliability, r.Credibility, joinList(r.Contradicts), r.RecordedBy, fmtTime(r.RecordedAt), r.EventSeq)
	return t.conflict(err, "create report", "the report exists already")
}

// Reports lists the talks' reports by publication date.
func (t *Tx) Reports(ctx context.Context, talksID string) ([]parley.Report, error) {
	rows, err := t.query(ctx, `SELECT id, talks_id, subject, claim, source, outlet, published_on, reliability, credibility, contradicts, recorded_by, recorded_at, event_seq
		FROM reports WHERE talks_id = ? ORDER BY published_on, event_seq`, talksID)
	if err != nil {
		return nil, t.formatError(err, "reports")
	}
	defer rows.Close()
	out := []parley.Report{}
	for rows.Next() {
		var r parley.Report
		var on, contra, at string
		if err := rows.Scan(&r.ID, &r.TalksID, &r.Subject, &r.Claim, &r.Source, &r.Outlet, &on, &r.Reliability, &r.Credibility, &contra, &r.RecordedBy, &at, &r.EventSeq); err != nil {
			return nil, t.formatError(err, "reports")
		}
		r.PublishedOn, r.Contradicts, r.RecordedAt = parley.Date(on), splitList(contra), parseTime(at)
		out = append(out, r)
	}
	return out, t.formatError(rows.Err(), "reports")
}
