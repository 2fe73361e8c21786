package sqlstore

import (
	"context"

	"parley"
)

// CreateAgreement stores an agreement.
func (t *Tx) CreateAgreement(ctx context.Context, a *parley.Agreement) error {
	_, err := t.exec(ctx, `INSERT INTO agreements (id, talks_id, title, stage, text_version, summary, agreed_at, recorded_by, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.TalksID, a.Title, a.Stage, a.TextVersion, a.Summary, fmtTime(a.AgreedAt), a.RecordedBy, a.EventSeq)
	return t.conflict(err, "create agreement", "the agreement exists already")
}

const agreementCols = `id, talks_id, title, stage, text_version, summary, agreed_at, recorded_by, event_seq`

func scanAgreement(row interface{ Scan(...any) error }) (*parley.Agreement, error) {
	var a parley.Agreement
	var at string
	if err := row.Scan(&a.ID, &a.TalksID, &a.Title, &a.Stage, &a.TextVersion, &a.Summary, &at, &a.RecordedBy, &a.EventSeq); err != nil {
		return nil, err
	}
	a.AgreedAt = parseTime(at)
	return &a, nil
}

// Agreement returns one agreement of the talks.
func (t *Tx) Agreement(ctx context.Context, talksID, id string) (*parley.Agreement, error) {
	a, err := scanAgreement(t.queryRow(ctx, `SELECT `+agreementCols+` FROM agreements WHERE talks_id = ? AND id = ?`, talksID, id))
	if err != nil {
		return nil, t.notFound("agreement", err)
	}
	return a, nil
}

// Agreements lists the talks' agreements, oldest first.
func (t *Tx) Agreements(ctx context.Context, talksID string) ([]parley.Agreement, error) {
	rows, err := t.query(ctx, `SELECT `+agreementCols+` FROM agreements WHERE talks_id = ? ORDER BY agreed_at, id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "agreements")
	}
	defer rows.Close()
	out := []parley.Agreement{}
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, t.formatError(err, "agreements")
		}
		out = append(out, *a)
	}
	return out, t.formatError(rows.Err(), "agreements")
}
