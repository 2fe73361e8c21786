package sqlstore

import (
	"context"
	"encoding/json"
	"strings"

	"parley"
)

// InsertTextVersion stores a new version of the text with its clauses.
func (t *Tx) InsertTextVersion(ctx context.Context, v *parley.TextVersion) error {
	clauses, err := json.Marshal(v.Clauses)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO text_versions (talks_id, number, author, reason, clauses, created_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.TalksID, v.Number, v.Author, v.Reason, string(clauses), fmtTime(v.CreatedAt), v.EventSeq)
	return t.conflict(err, "insert text version", "that version of the text exists already")
}

// TextVersions returns every version of the talks' text, oldest first,
// with the author's display name.
func (t *Tx) TextVersions(ctx context.Context, talksID string) ([]parley.TextVersion, error) {
	rows, err := t.query(ctx, `SELECT v.talks_id, v.number, v.author, COALESCE(u.display_name, ''), v.reason, v.clauses, v.created_at, v.event_seq
		FROM text_versions v LEFT JOIN users u ON u.id = v.author WHERE v.talks_id = ? ORDER BY v.number`, talksID)
	if err != nil {
		return nil, t.formatError(err, "text versions")
	}
	defer rows.Close()
	out := []parley.TextVersion{}
	for rows.Next() {
		var v parley.TextVersion
		var clauses, created string
		if err := rows.Scan(&v.TalksID, &v.Number, &v.Author, &v.AuthorName, &v.Reason, &clauses, &created, &v.EventSeq); err != nil {
			return nil, t.formatError(err, "text versions")
		}
		if err := json.Unmarshal([]byte(clauses), &v.Clauses); err != nil {
			return nil, t.formatError(err, "text version clauses")
		}
		v.CreatedAt = parseTime(created)
		out = append(out, v)
	}
	return out, t.formatError(rows.Err(), "text versions")
}

// UpsertPosition stores a position, replacing the party's earlier one on
// the same clause of the same version.
func (t *Tx) UpsertPosition(ctx context.Context, p *parley.Position) error {
	_, err := t.exec(ctx, `INSERT INTO text_positions (talks_id, delegation_id, clause_id, version, stance, comment, wording, recorded_by, recorded_at, event_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (talks_id, delegation_id, clause_id, version) DO UPDATE SET
		stance = excluded.stance, comment = excluded.comment, wording = excluded.wording,
		recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, event_seq = excluded.event_seq`,
		p.TalksID, p.Delegation, p.ClauseID, p.Version, p.Stance, p.Comment, p.Wording, p.RecordedBy, fmtTime(p.RecordedAt), p.EventSeq)
	return t.formatError(err, "upsert position")
}

// Positions returns the talks' positions (of one delegation, or all),
// ordered by version and event.
func (t *Tx) Positions(ctx context.Context, talksID, delegation string) ([]parley.Position, error) {
	q := `SELECT talks_id, delegation_id, clause_id, version, stance, comment, wording, recorded_by, recorded_at, event_seq FROM text_positions WHERE talks_id = ?`
	args := []any{talksID}
	if delegation != "" {
		q += ` AND delegation_id = ?`
		args = append(args, delegation)
	}
	rows, err := t.query(ctx, q+` ORDER BY version, event_seq, clause_id`, args...)
	if err != nil {
		return nil, t.formatError(err, "positions")
	}
	defer rows.Close()
	out := []parley.Position{}
	for rows.Next() {
		var p parley.Position
		var at string
		if err := rows.Scan(&p.TalksID, &p.Delegation, &p.ClauseID, &p.Version, &p.Stance, &p.Comment, &p.Wording, &p.RecordedBy, &at, &p.EventSeq); err != nil {
			return nil, t.formatError(err, "positions")
		}
		p.RecordedAt = parseTime(at)
		out = append(out, p)
	}
	return out, t.formatError(rows.Err(), "positions")
}

// PutDomain stores or replaces the talks' negotiation domain.
func (t *Tx) PutDomain(ctx context.Context, d *parley.Domain) error {
	_, err := t.exec(ctx, `INSERT INTO negotiation_domains (talks_id, name, source, set_by, set_at, event_seq) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (talks_id) DO UPDATE SET name = excluded.name, source = excluded.source, set_by = excluded.set_by, set_at = excluded.set_at, event_seq = excluded.event_seq`,
		d.TalksID, d.Name, d.Source, d.SetBy, fmtTime(d.SetAt), d.EventSeq)
	return t.formatError(err, "put domain")
}

// Domain returns the talks' negotiation domain.
func (t *Tx) Domain(ctx context.Context, talksID string) (*parley.Domain, error) {
	var d parley.Domain
	var at string
	err := t.queryRow(ctx, `SELECT talks_id, name, source, set_by, set_at, event_seq FROM negotiation_domains WHERE talks_id = ?`, talksID).
		Scan(&d.TalksID, &d.Name, &d.Source, &d.SetBy, &at, &d.EventSeq)
	if err != nil {
		return nil, t.notFound("negotiation domain", err)
	}
	d.SetAt = parseTime(at)
	return &d, nil
}

// Proposals lists the messages carrying a proposal in the given rooms,
// oldest first.
func (t *Tx) Proposals(ctx context.Context, talksID string, rooms []string, hidden map[string]int64) ([]parley.Message, error) {
	if len(rooms) == 0 {
		return []parley.Message{}, nil
	}
	conds, args := roomConds(rooms, hidden)
	query := messageSelect + `WHERE m.talks_id = ? AND p.message_id IS NOT NULL AND (` + strings.Join(conds, " OR ") + `) ORDER BY m.event_seq`
	return t.queryMessages(ctx, query, append([]any{talksID}, args...)...)
}

// roomConds returns the condition that a message is in one of rooms, and
// for a room in hidden recorded at or before its maximum event.
func roomConds(rooms []string, hidden map[string]int64) ([]string, []any) {
	var conds []string
	var args []any
	for _, r := range rooms {
		if max, ok := hidden[r]; ok {
			conds = append(conds, `(m.room = ? AND m.event_seq <= ?)`)
			args = append(args, r, max)
		} else {
			conds = append(conds, `m.room = ?`)
			args = append(args, r)
		}
	}
	return conds, args
}

// CountProposals counts the talks' proposals in every room.
func (t *Tx) CountProposals(ctx context.Context, talksID string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM proposals p JOIN messages m ON m.id = p.message_id WHERE m.talks_id = ?`, talksID).Scan(&n)
	return n, t.formatError(err, "count proposals")
}

// PutProfile stores a party's profile row.
func (t *Tx) PutProfile(ctx context.Context, p *parley.Profile) error {
	_, err := t.exec(ctx, `INSERT INTO profiles (talks_id, delegation_id, source, format, consent, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (talks_id, delegation_id) DO UPDATE SET source = excluded.source, format = excluded.format, consent = excluded.consent,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.TalksID, p.Delegation, p.Source, p.Format, boolInt(p.Consent), p.UpdatedBy, fmtTime(p.UpdatedAt))
	return t.formatError(err, "put profile")
}

const profileCols = `talks_id, delegation_id, source, format, consent, updated_by, updated_at`

func scanProfile(row interface{ Scan(...any) error }) (*parley.Profile, error) {
	var p parley.Profile
	var consent int
	var at string
	if err := row.Scan(&p.TalksID, &p.Delegation, &p.Source, &p.Format, &consent, &p.UpdatedBy, &at); err != nil {
		return nil, err
	}
	p.Consent, p.UpdatedAt = consent != 0, parseTime(at)
	return &p, nil
}

// Profile returns a party's profile row.
func (t *Tx) Profile(ctx context.Context, talksID, delegation string) (*parley.Profile, error) {
	p, err := scanProfile(t.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE talks_id = ? AND delegation_id = ?`, talksID, delegation))
	if err != nil {
		return nil, t.notFound("profile", err)
	}
	return p, nil
}

// Profiles returns every profile row of the talks.
func (t *Tx) Profiles(ctx context.Context, talksID string) ([]parley.Profile, error) {
	rows, err := t.query(ctx, `SELECT `+profileCols+` FROM profiles WHERE talks_id = ? ORDER BY delegation_id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "profiles")
	}
	defer rows.Close()
	out := []parley.Profile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, t.formatError(err, "profiles")
		}
		out = append(out, *p)
	}
	return out, t.formatError(rows.Err(), "profiles")
}

// packageJSON encodes a package, "" for nil.
func packageJSON(p map[string]string) (string, error) {
	if p == nil {
		return "", nil
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// parsePackage decodes a package, nil for "".
func parsePackage(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var p map[string]string
	err := json.Unmarshal([]byte(s), &p)
	return p, err
}

// InsertReflection stores a new reflection.
func (t *Tx) InsertReflection(ctx context.Context, r *parley.Reflection) error {
	cols, err := reflectionJSON(r)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO reflections (id, talks_id, requester, requested_by, proposal, package, offered, optimal, state, answers, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.TalksID, r.Requester, r.RequestedBy, r.Proposal, cols[0], cols[1], cols[2], r.State, cols[3], fmtTime(r.CreatedAt), fmtTime(r.UpdatedAt))
	return t.conflict(err, "insert reflection", "the reflection exists already")
}

// reflectionJSON encodes a reflection's package, offered and optimal
// packages and answers.
func reflectionJSON(r *parley.Reflection) ([4]string, error) {
	var out [4]string
	var err error
	for i, p := range []map[string]string{r.Package, r.Offered, r.Optimal} {
		if out[i], err = packageJSON(p); err != nil {
			return out, err
		}
	}
	answers := r.Answers
	if answers == nil {
		answers = []parley.ReflectionAnswer{}
	}
	b, err := json.Marshal(answers)
	out[3] = string(b)
	return out, err
}

// UpdateReflection stores a reflection's state, packages and answers.
func (t *Tx) UpdateReflection(ctx context.Context, r *parley.Reflection) error {
	cols, err := reflectionJSON(r)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE reflections SET offered = ?, optimal = ?, state = ?, answers = ?, updated_at = ? WHERE id = ? AND talks_id = ?`,
		cols[1], cols[2], r.State, cols[3], fmtTime(r.UpdatedAt), r.ID, r.TalksID)
	if err != nil {
		return t.formatError(err, "update reflection")
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "reflection not found")
	}
	return nil
}

// Reflections returns the talks' reflections, newest first.
func (t *Tx) Reflections(ctx context.Context, talksID string) ([]parley.Reflection, error) {
	rows, err := t.query(ctx, `SELECT id, talks_id, requester, requested_by, proposal, package, offered, optimal, state, answers, created_at, updated_at
		FROM reflections WHERE talks_id = ? ORDER BY created_at DESC, id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "reflections")
	}
	defer rows.Close()
	out := []parley.Reflection{}
	for rows.Next() {
		var r parley.Reflection
		var pkg, offered, optimal, answers, created, updated string
		if err := rows.Scan(&r.ID, &r.TalksID, &r.Requester, &r.RequestedBy, &r.Proposal, &pkg, &offered, &optimal, &r.State, &answers, &created, &updated); err != nil {
			return nil, t.formatError(err, "reflections")
		}
		var errs [4]error
		r.Package, errs[0] = parsePackage(pkg)
		r.Offered, errs[1] = parsePackage(offered)
		r.Optimal, errs[2] = parsePackage(optimal)
		errs[3] = json.Unmarshal([]byte(answers), &r.Answers)
		for _, err := range errs {
			if err != nil {
				return nil, t.formatError(err, "reflection")
			}
		}
		r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, r)
	}
	return out, t.formatError(rows.Err(), "reflections")
}
