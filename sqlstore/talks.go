package sqlstore

import (
	"context"
	"fmt"

	"parley"
)

// CreateTalks stores new talks.
func (t *Tx) CreateTalks(ctx context.Context, k *parley.Talks) error {
	_, err := t.exec(ctx, `INSERT INTO talks (id, title, status, status_reason, status_by, status_at, plenary_open, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Title, k.Status, k.StatusReason, k.StatusBy, fmtTime(k.StatusAt), boolInt(k.PlenaryOpen), fmtTime(k.CreatedAt), k.CreatedBy)
	if err != nil {
		return t.formatError(err, "create talks")
	}
	return nil
}

const talksCols = `id, title, status, status_reason, status_by, status_at, plenary_open, created_at, created_by`

func scanTalks(row interface{ Scan(...any) error }) (*parley.Talks, error) {
	var k parley.Talks
	var statusAt, created string
	var open int
	if err := row.Scan(&k.ID, &k.Title, &k.Status, &k.StatusReason, &k.StatusBy, &statusAt, &open, &created, &k.CreatedBy); err != nil {
		return nil, err
	}
	k.StatusAt, k.CreatedAt, k.PlenaryOpen = parseTime(statusAt), parseTime(created), open != 0
	return &k, nil
}

// Talks looks talks up by id.
func (t *Tx) Talks(ctx context.Context, id string) (*parley.Talks, error) {
	return t.cachedTalks(ctx, id, func() (*parley.Talks, error) {
		k, err := scanTalks(t.queryRow(ctx, `SELECT `+talksCols+` FROM talks WHERE id = ?`, id))
		if err != nil {
			return nil, t.notFound("talks", err)
		}
		return k, nil
	})
}

// ListTalks returns all talks, oldest first.
func (t *Tx) ListTalks(ctx context.Context) ([]parley.Talks, error) {
	rows, err := t.query(ctx, `SELECT `+talksCols+` FROM talks ORDER BY created_at, id`)
	if err != nil {
		return nil, t.formatError(err, "list talks")
	}
	defer rows.Close()
	out := []parley.Talks{}
	for rows.Next() {
		k, err := scanTalks(rows)
		if err != nil {
			return nil, t.formatError(err, "list talks")
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// UpdateTalks writes the talks' status fields.
func (t *Tx) UpdateTalks(ctx context.Context, k *parley.Talks) error {
	_, err := t.exec(ctx, `UPDATE talks SET title = ?, status = ?, status_reason = ?, status_by = ?, status_at = ?, plenary_open = ? WHERE id = ?`,
		k.Title, k.Status, k.StatusReason, k.StatusBy, fmtTime(k.StatusAt), boolInt(k.PlenaryOpen), k.ID)
	if err != nil {
		return t.formatError(err, "update talks")
	}
	return nil
}

// CreateDelegation stores a delegation; a slug taken in the talks is ECONFLICT.
func (t *Tx) CreateDelegation(ctx context.Context, d *parley.Delegation) error {
	_, err := t.exec(ctx, `INSERT INTO delegations (id, talks_id, slug, name, kind, presence, presence_reason, presence_by, presence_at, presence_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.TalksID, d.Slug, d.Name, d.Kind, d.Presence, d.PresenceReason, d.PresenceBy, fmtTime(d.PresenceAt), d.PresenceSeq)
	return t.conflict(err, "create delegation", fmt.Sprintf("a delegation %q already exists in these talks", d.Slug))
}

// Delegations lists the talks' delegations: mediators, parties, observers.
func (t *Tx) Delegations(ctx context.Context, talksID string) ([]parley.Delegation, error) {
	return t.cachedDelegations(ctx, talksID, func() ([]parley.Delegation, error) { return t.delegations(ctx, talksID) })
}

func (t *Tx) delegations(ctx context.Context, talksID string) ([]parley.Delegation, error) {
	rows, err := t.query(ctx, `SELECT id, talks_id, slug, name, kind, presence, presence_reason, presence_by, presence_at, presence_seq
		FROM delegations WHERE talks_id = ?
		ORDER BY CASE kind WHEN 'mediator' THEN 0 WHEN 'party' THEN 1 ELSE 2 END, name`, talksID)
	if err != nil {
		return nil, t.formatError(err, "delegations")
	}
	defer rows.Close()
	out := []parley.Delegation{}
	for rows.Next() {
		var d parley.Delegation
		var at string
		if err := rows.Scan(&d.ID, &d.TalksID, &d.Slug, &d.Name, &d.Kind, &d.Presence, &d.PresenceReason, &d.PresenceBy, &at, &d.PresenceSeq); err != nil {
			return nil, t.formatError(err, "delegations")
		}
		d.PresenceAt = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// UpdateDelegation writes the delegation's presence fields.
func (t *Tx) UpdateDelegation(ctx context.Context, d *parley.Delegation) error {
	_, err := t.exec(ctx, `UPDATE delegations SET name = ?, presence = ?, presence_reason = ?, presence_by = ?, presence_at = ?, presence_seq = ? WHERE id = ?`,
		d.Name, d.Presence, d.PresenceReason, d.PresenceBy, fmtTime(d.PresenceAt), d.PresenceSeq, d.ID)
	if err != nil {
		return t.formatError(err, "update delegation")
	}
	return nil
}

// AddMember puts a user in a delegation; a repeat is ECONFLICT.
func (t *Tx) AddMember(ctx context.Context, m *parley.Member) error {
	_, err := t.exec(ctx, `INSERT INTO members (delegation_id, user_id, role, title) VALUES (?, ?, ?, ?)`,
		m.DelegationID, m.UserID, m.Role, m.Title)
	return t.conflict(err, "add member", "user is already a member of this delegation")
}

const memberSelect = `SELECT m.delegation_id, m.user_id, u.name, u.display_name, m.role, m.title, d.talks_id, d.kind, d.slug
	FROM members m JOIN users u ON u.id = m.user_id JOIN delegations d ON d.id = m.delegation_id `

func (t *Tx) memberships(ctx context.Context, where string, arg string) ([]parley.Membership, error) {
	rows, err := t.query(ctx, memberSelect+where+` ORDER BY d.talks_id, d.kind, d.name, CASE m.role WHEN 'head' THEN 0 WHEN 'negotiator' THEN 1 ELSE 2 END, u.display_name`, arg)
	if err != nil {
		return nil, t.formatError(err, "members")
	}
	defer rows.Close()
	out := []parley.Membership{}
	for rows.Next() {
		var m parley.Membership
		if err := rows.Scan(&m.DelegationID, &m.UserID, &m.UserName, &m.DisplayName, &m.Role, &m.Title, &m.TalksID, &m.Kind, &m.Slug); err != nil {
			return nil, t.formatError(err, "members")
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists every member of the talks.
func (t *Tx) Members(ctx context.Context, talksID string) ([]parley.Member, error) {
	return t.cachedMembers(ctx, talksID, func() ([]parley.Member, error) {
		ms, err := t.memberships(ctx, `WHERE d.talks_id = ?`, talksID)
		if err != nil {
			return nil, err
		}
		out := make([]parley.Member, len(ms))
		for i, m := range ms {
			out[i] = m.Member
		}
		return out, nil
	})
}

// Memberships lists the user's memberships in all talks.
func (t *Tx) Memberships(ctx context.Context, userID string) ([]parley.Membership, error) {
	return t.memberships(ctx, `WHERE m.user_id = ?`, userID)
}
