package sqlstore

import (
	"context"
	"fmt"

	"parley"
)

// CreatePhase stores a phase; a number taken in the agreement is ECONFLICT.
func (t *Tx) CreatePhase(ctx context.Context, p *parley.Phase) error {
	_, err := t.exec(ctx, `INSERT INTO phases (id, talks_id, agreement_id, number, title, starts_on, days, recorded_by, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.TalksID, p.AgreementID, p.Number, p.Title, string(p.StartsOn), p.Days, p.RecordedBy, p.EventSeq)
	return t.conflict(err, "create phase", fmt.Sprintf("the agreement has a phase %d already", p.Number))
}

// Phases lists an agreement's phases by number ("" for all of the talks').
func (t *Tx) Phases(ctx context.Context, talksID, agreementID string) ([]parley.Phase, error) {
	q, args := `SELECT id, talks_id, agreement_id, number, title, starts_on, days, recorded_by, event_seq FROM phases WHERE talks_id = ?`, []any{talksID}
	if agreementID != "" {
		q += ` AND agreement_id = ?`
		args = append(args, agreementID)
	}
	rows, err := t.query(ctx, q+` ORDER BY agreement_id, number`, args...)
	if err != nil {
		return nil, t.formatError(err, "phases")
	}
	defer rows.Close()
	out := []parley.Phase{}
	for rows.Next() {
		var p parley.Phase
		var on string
		if err := rows.Scan(&p.ID, &p.TalksID, &p.AgreementID, &p.Number, &p.Title, &on, &p.Days, &p.RecordedBy, &p.EventSeq); err != nil {
			return nil, t.formatError(err, "phases")
		}
		p.StartsOn = parley.Date(on)
		p.Derive()
		out = append(out, p)
	}
	return out, t.formatError(rows.Err(), "phases")
}

// CreateObligation stores an obligation.
func (t *Tx) CreateObligation(ctx context.Context, o *parley.Obligation) error {
	_, err := t.exec(ctx, `INSERT INTO obligations (id, talks_id, agreement_id, phase_id, delegation_id, kind, description, quantity, per_day, category, due_on, recorded_by, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.TalksID, o.AgreementID, o.PhaseID, o.Delegation, o.Kind, o.Description, o.Quantity, boolInt(o.PerDay), o.Category, string(o.DueOn), o.RecordedBy, o.EventSeq)
	return t.conflict(err, "create obligation", "the obligation exists already")
}

const obligationSelect = `SELECT o.id, o.talks_id, o.agreement_id, o.phase_id, p.number, o.delegation_id, o.kind, o.description, o.quantity, o.per_day, o.category, o.due_on, o.recorded_by, o.event_seq
	FROM obligations o JOIN phases p ON p.id = o.phase_id `

func scanObligation(row interface{ Scan(...any) error }) (*parley.Obligation, error) {
	var o parley.Obligation
	var perDay int
	var due string
	if err := row.Scan(&o.ID, &o.TalksID, &o.AgreementID, &o.PhaseID, &o.Phase, &o.Delegation, &o.Kind, &o.Description, &o.Quantity, &perDay, &o.Category, &due, &o.RecordedBy, &o.EventSeq); err != nil {
		return nil, err
	}
	o.PerDay, o.DueOn = perDay != 0, parley.Date(due)
	return &o, nil
}

// Obligation returns one obligation of the talks.
func (t *Tx) Obligation(ctx context.Context, talksID, id string) (*parley.Obligation, error) {
	o, err := scanObligation(t.queryRow(ctx, obligationSelect+`WHERE o.talks_id = ? AND o.id = ?`, talksID, id))
	if err != nil {
		return nil, t.notFound("obligation", err)
	}
	return o, nil
}

// Obligations lists an agreement's obligations by phase and due date.
func (t *Tx) Obligations(ctx context.Context, talksID, agreementID string) ([]parley.Obligation, error) {
	q, args := obligationSelect+`WHERE o.talks_id = ?`, []any{talksID}
	if agreementID != "" {
		q += ` AND o.agreement_id = ?`
		args = append(args, agreementID)
	}
	rows, err := t.query(ctx, q+` ORDER BY o.agreement_id, p.number, o.due_on, o.event_seq`, args...)
	if err != nil {
		return nil, t.formatError(err, "obligations")
	}
	defer rows.Close()
	out := []parley.Obligation{}
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return nil, t.formatError(err, "obligations")
		}
		out = append(out, *o)
	}
	return out, t.formatError(rows.Err(), "obligations")
}

// CreateVerification stores a verification.
func (t *Tx) CreateVerification(ctx context.Context, v *parley.Verification) error {
	_, err := t.exec(ctx, `INSERT INTO verifications (id, talks_id, agreement_id, obligation_id, outcome, quantity, observed_on, evidence, verifier, attributed_by, attributed_to, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.TalksID, v.AgreementID, v.ObligationID, v.Outcome, v.Quantity, string(v.ObservedOn), v.Evidence, v.Verifier, v.AttributedBy, v.AttributedTo,
		v.RecordedBy, fmtTime(v.RecordedAt), v.EventSeq)
	return t.conflict(err, "create verification", "the verification exists already")
}

// Verifications lists an agreement's verifications, oldest first.
func (t *Tx) Verifications(ctx context.Context, talksID, agreementID string) ([]parley.Verification, error) {
	q, args := `SELECT id, talks_id, agreement_id, obligation_id, outcome, quantity, observed_on, evidence, verifier, attributed_by, attributed_to, recorded_by, recorded_at, event_seq
		FROM verifications WHERE talks_id = ?`, []any{talksID}
	if agreementID != "" {
		q += ` AND agreement_id = ?`
		args = append(args, agreementID)
	}
	rows, err := t.query(ctx, q+` ORDER BY observed_on, event_seq`, args...)
	if err != nil {
		return nil, t.formatError(err, "verifications")
	}
	defer rows.Close()
	out := []parley.Verification{}
	for rows.Next() {
		var v parley.Verification
		var on, at string
		if err := rows.Scan(&v.ID, &v.TalksID, &v.AgreementID, &v.ObligationID, &v.Outcome, &v.Quantity, &on, &v.Evidence, &v.Verifier, &v.AttributedBy, &v.AttributedTo, &v.RecordedBy, &at, &v.EventSeq); err != nil {
			return nil, t.formatError(err, "verifications")
		}
		v.ObservedOn, v.RecordedAt = parley.Date(on), parseTime(at)
		out = append(out, v)
	}
	return out, t.formatError(rows.Err(), "verifications")
}
