package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"parley"
)

// CreateDeadline stores a deadline.
func (t *Tx) CreateDeadline(ctx context.Context, d *parley.Deadline) error {
	days := make([]string, len(d.AlertDays))
	for i, n := range d.AlertDays {
		days[i] = strconv.Itoa(n)
	}
	_, err := t.exec(ctx, `INSERT INTO deadlines (id, talks_id, title, due_at, set_by, reason, alert_days, recorded_by, recorded_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.TalksID, d.Title, fmtTime(d.DueAt), d.SetBy, d.Reason, joinList(days), d.RecordedBy, fmtTime(d.RecordedAt), d.EventSeq)
	return t.conflict(err, "create deadline", "the deadline exists already")
}

// Deadlines lists the talks' deadlines (all talks' for "") by due time.
func (t *Tx) Deadlines(ctx context.Context, talksID string) ([]parley.Deadline, error) {
	q, args := `SELECT id, talks_id, title, due_at, set_by, reason, alert_days, recorded_by, recorded_at, event_seq FROM deadlines`, []any{}
	if talksID != "" {
		q += ` WHERE talks_id = ?`
		args = append(args, talksID)
	}
	rows, err := t.query(ctx, q+` ORDER BY due_at, id`, args...)
	if err != nil {
		return nil, t.formatError(err, "deadlines")
	}
	defer rows.Close()
	out := []parley.Deadline{}
	for rows.Next() {
		var d parley.Deadline
		var due, days, at string
		if err := rows.Scan(&d.ID, &d.TalksID, &d.Title, &due, &d.SetBy, &d.Reason, &days, &d.RecordedBy, &at, &d.EventSeq); err != nil {
			return nil, t.formatError(err, "deadlines")
		}
		d.DueAt, d.RecordedAt, d.AlertDays = parseTime(due), parseTime(at), []int{}
		for _, s := range splitList(days) {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("deadline %s: alert days %q", d.ID, days)
			}
			d.AlertDays = append(d.AlertDays, n)
		}
		out = append(out, d)
	}
	return out, t.formatError(rows.Err(), "deadlines")
}

// InsertDeadlineAlert records an alert; one recorded already is ECONFLICT.
func (t *Tx) InsertDeadlineAlert(ctx context.Context, a *parley.DeadlineAlert) error {
	_, err := t.exec(ctx, `INSERT INTO deadline_alerts (deadline_id, lead_days, talks_id, fire_at, fired_at, late, superseded, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.DeadlineID, a.LeadDays, a.TalksID, fmtTime(a.FireAt), fmtTime(a.FiredAt), boolInt(a.Late), boolInt(a.Superseded), a.EventSeq)
	return t.conflict(err, "deadline alert", "the alert has fired already")
}

// DeadlineAlerts lists the recorded alerts (of all talks for "").
func (t *Tx) DeadlineAlerts(ctx context.Context, talksID string) ([]parley.DeadlineAlert, error) {
	q, args := `SELECT a.deadline_id, a.talks_id, d.title, d.due_at, a.lead_days, a.fire_at, a.fired_at, a.late, a.superseded, a.event_seq
		FROM deadline_alerts a JOIN deadlines d ON d.id = a.deadline_id`, []any{}
	if talksID != "" {
		q += ` WHERE a.talks_id = ?`
		args = append(args, talksID)
	}
	rows, err := t.query(ctx, q+` ORDER BY a.fired_at, a.deadline_id, a.lead_days DESC`, args...)
	if err != nil {
		return nil, t.formatError(err, "deadline alerts")
	}
	defer rows.Close()
	out := []parley.DeadlineAlert{}
	for rows.Next() {
		var a parley.DeadlineAlert
		var due, fire, fired string
		var late, sup int
		if err := rows.Scan(&a.DeadlineID, &a.TalksID, &a.Title, &due, &a.LeadDays, &fire, &fired, &late, &sup, &a.EventSeq); err != nil {
			return nil, t.formatError(err, "deadline alerts")
		}
		a.DueAt, a.FireAt, a.FiredAt, a.Late, a.Superseded = parseTime(due), parseTime(fire), parseTime(fired), late != 0, sup != 0
		out = append(out, a)
	}
	return out, t.formatError(rows.Err(), "deadline alerts")
}

// TalksEvents returns the talks' events of the given kinds, in order.
func (t *Tx) TalksEvents(ctx context.Context, talksID string, kinds []string) ([]parley.Event, error) {
	if len(kinds) == 0 {
		return []parley.Event{}, nil
	}
	args := []any{talksID}
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM events WHERE talks_id = ? AND kind IN (?`+strings.Repeat(",?", len(kinds)-1)+`) ORDER BY seq`, args...)
	if err != nil {
		return nil, t.formatError(err, "talks events")
	}
	defer rows.Close()
	out := []parley.Event{}
	for rows.Next() {
		le, err := scanEntry(rows)
		if err != nil {
			return nil, t.formatError(err, "talks events")
		}
		out = append(out, le.Event)
	}
	return out, t.formatError(rows.Err(), "talks events")
}
