package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"parley"
)

// joinList stores a list of simple words as comma-separated text.
func joinList(xs []string) string { return strings.Join(xs, ",") }

// splitList reads a list stored by joinList; "" is the empty list.
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// CreateCaptive stores a captive and the first entry of its history.
func (t *Tx) CreateCaptive(ctx context.Context, c *parley.Captive) error {
	_, err := t.exec(ctx, `INSERT INTO captives (id, talks_id, ref, name, holder, nationalities, captured_on, captured_precision, captured_place, categories, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.TalksID, c.Ref, c.Name, c.Holder, joinList(c.Nationalities), string(c.CapturedOn), c.CapturedPrecision, c.CapturedPlace, joinList(c.Categories),
		c.RecordedBy, fmtTime(c.RecordedAt), c.EventSeq)
	if err := t.conflict(err, "create captive", fmt.Sprintf("a captive %q is already recorded in these talks", c.Ref)); err != nil {
		return err
	}
	for i := range c.History {
		if err := t.insertStatus(ctx, c.ID, c.TalksID, &c.History[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) insertStatus(ctx context.Context, captiveID, talksID string, s *parley.CaptiveStatusChange) error {
	_, err := t.exec(ctx, `INSERT INTO captive_status (captive_id, n, talks_id, status, confidence, source, status_date, since, obligation_id, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		captiveID, s.N, talksID, s.Status, s.Confidence, s.Source, string(s.Date), string(s.Since), s.Obligation, s.RecordedBy, fmtTime(s.RecordedAt), s.EventSeq)
	return t.conflict(err, "add captive status", "the status was recorded concurrently; try again")
}

// AddCaptiveStatus appends a status to a captive's history; s.N must be
// the next number.
func (t *Tx) AddCaptiveStatus(ctx context.Context, captiveID string, s *parley.CaptiveStatusChange) error {
	var talksID string
	if err := t.queryRow(ctx, `SELECT talks_id FROM captives WHERE id = ?`, captiveID).Scan(&talksID); err != nil {
		return t.notFound("captive", err)
	}
	return t.insertStatus(ctx, captiveID, talksID, s)
}

const captiveCols = `id, talks_id, ref, name, holder, nationalities, captured_on, captured_precision, captured_place, categories, recorded_by, recorded_at, event_seq`

func scanCaptive(row interface{ Scan(...any) error }) (*parley.Captive, error) {
	var c parley.Captive
	var nats, cats, at, on string
	if err := row.Scan(&c.ID, &c.TalksID, &c.Ref, &c.Name, &c.Holder, &nats, &on, &c.CapturedPrecision, &c.CapturedPlace, &cats, &c.RecordedBy, &at, &c.EventSeq); err != nil {
		return nil, err
	}
	c.Nationalities, c.Categories, c.RecordedAt, c.CapturedOn = splitList(nats), splitList(cats), parseTime(at), parley.Date(on)
	c.History = []parley.CaptiveStatusChange{}
	return &c, nil
}

// statuses reads the status histories of the talks' captives (or of one),
// keyed by captive id, each oldest first.
func (t *Tx) statuses(ctx context.Context, talksID, captiveID string) (map[string][]parley.CaptiveStatusChange, error) {
	q := `SELECT captive_id, n, status, confidence, source, status_date, since, obligation_id, recorded_by, recorded_at, event_seq FROM captive_status WHERE talks_id = ?`
	args := []any{talksID}
	if captiveID != "" {
		q += ` AND captive_id = ?`
		args = append(args, captiveID)
	}
	rows, err := t.query(ctx, q+` ORDER BY captive_id, n`, args...)
	if err != nil {
		return nil, t.formatError(err, "captive statuses")
	}
	defer rows.Close()
	out := map[string][]parley.CaptiveStatusChange{}
	for rows.Next() {
		var id, date, since, at string
		var s parley.CaptiveStatusChange
		if err := rows.Scan(&id, &s.N, &s.Status, &s.Confidence, &s.Source, &date, &since, &s.Obligation, &s.RecordedBy, &at, &s.EventSeq); err != nil {
			return nil, t.formatError(err, "captive statuses")
		}
		s.Date, s.Since, s.RecordedAt = parley.Date(date), parley.Date(since), parseTime(at)
		out[id] = append(out[id], s)
	}
	return out, t.formatError(rows.Err(), "captive statuses")
}

// withStatus fills in a captive's history and current status.
func withStatus(c *parley.Captive, hist []parley.CaptiveStatusChange) {
	if hist != nil {
		c.History = hist
	}
	if l := c.Latest(); l != nil {
		c.Status = *l
	}
}

// Captive returns one captive of the talks by ref, with its history.
func (t *Tx) Captive(ctx context.Context, talksID, ref string) (*parley.Captive, error) {
	c, err := scanCaptive(t.queryRow(ctx, `SELECT `+captiveCols+` FROM captives WHERE talks_id = ? AND ref = ?`, talksID, ref))
	if err != nil {
		return nil, t.notFound("captive", err)
	}
	hist, err := t.statuses(ctx, talksID, c.ID)
	if err != nil {
		return nil, err
	}
	withStatus(c, hist[c.ID])
	return c, nil
}

// Captives lists the talks' captives by ref, each with its history.
func (t *Tx) Captives(ctx context.Context, talksID string) ([]parley.Captive, error) {
	rows, err := t.query(ctx, `SELECT `+captiveCols+` FROM captives WHERE talks_id = ? ORDER BY ref`, talksID)
	if err != nil {
		return nil, t.formatError(err, "captives")
	}
	out := []parley.Captive{}
	for rows.Next() {
		c, err := scanCaptive(rows)
		if err != nil {
			rows.Close()
			return nil, t.formatError(err, "captives")
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, t.formatError(err, "captives")
	}
	hist, err := t.statuses(ctx, talksID, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		withStatus(&out[i], hist[out[i].ID])
	}
	return out, nil
}

// ReleasesFor maps obligation ids to the release dates linked to them.
func (t *Tx) ReleasesFor(ctx context.Context, talksID string) (map[string][]parley.Date, error) {
	rows, err := t.query(ctx, `SELECT obligation_id, since FROM captive_status WHERE talks_id = ? AND obligation_id <> '' ORDER BY since`, talksID)
	if err != nil {
		return nil, t.formatError(err, "releases")
	}
	defer rows.Close()
	out := map[string][]parley.Date{}
	for rows.Next() {
		var id, since string
		if err := rows.Scan(&id, &since); err != nil {
			return nil, t.formatError(err, "releases")
		}
		out[id] = append(out[id], parley.Date(since))
	}
	return out, t.formatError(rows.Err(), "releases")
}

// PutRecordAccess sets a delegation's record access.
func (t *Tx) PutRecordAccess(ctx context.Context, a *parley.RecordAccess) error {
	_, err := t.exec(ctx, `DELETE FROM record_access WHERE talks_id = ? AND delegation_id = ?`, a.TalksID, a.Delegation)
	if err != nil {
		return t.formatError(err, "record access")
	}
	_, err = t.exec(ctx, `INSERT INTO record_access (talks_id, delegation_id, records, set_by, set_at, event_seq) VALUES (?, ?, ?, ?, ?, ?)`,
		a.TalksID, a.Delegation, boolInt(a.Records), a.SetBy, fmtTime(a.SetAt), a.EventSeq)
	return t.formatError(err, "record access")
}

// RecordAccess lists the talks' record access settings.
func (t *Tx) RecordAccess(ctx context.Context, talksID string) ([]parley.RecordAccess, error) {
	rows, err := t.query(ctx, `SELECT talks_id, delegation_id, records, set_by, set_at, event_seq FROM record_access WHERE talks_id = ? ORDER BY delegation_id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "record access")
	}
	defer rows.Close()
	out := []parley.RecordAccess{}
	for rows.Next() {
		var a parley.RecordAccess
		var on int
		var at string
		if err := rows.Scan(&a.TalksID, &a.Delegation, &on, &a.SetBy, &at, &a.EventSeq); err != nil {
			return nil, t.formatError(err, "record access")
		}
		a.Records, a.SetAt = on != 0, parseTime(at)
		out = append(out, a)
	}
	return out, t.formatError(rows.Err(), "record access")
}
