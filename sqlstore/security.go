package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// DeleteUserSessions removes the user's sessions and tokens of kind (""
// for both), except the one whose hash is except.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID, kind string, except []byte) error {
	q := `DELETE FROM sessions WHERE user_id = ?`
	args := []any{userID}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, kind)
	}
	if except != nil {
		q += ` AND token_hash != ?`
		args = append(args, except)
	}
	_, err := t.exec(ctx, q, args...)
	return t.formatError(err, "delete sessions")
}

// TouchSession records when a session was last used.
func (t *Tx) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_used_at = ? WHERE token_hash = ?`, fmtTime(at), hash)
	return t.formatError(err, "touch session")
}

// SetUserDisabled disables or enables an account.
func (t *Tx) SetUserDisabled(ctx context.Context, id string, disabled bool) error {
	res, err := t.exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, boolInt(disabled), id)
	return t.one(res, err, "user")
}

// SetPassword replaces an account's password hash.
func (t *Tx) SetPassword(ctx context.Context, id, hash string) error {
	res, err := t.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	return t.one(res, err, "user")
}

// RemoveMember takes a user out of a delegation.
func (t *Tx) RemoveMember(ctx context.Context, delegationID, userID string) error {
	res, err := t.exec(ctx, `DELETE FROM members WHERE delegation_id = ? AND user_id = ?`, delegationID, userID)
	return t.one(res, err, "member")
}

// one checks that a statement changed one row: none is ENOTFOUND.
func (t *Tx) one(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return t.formatError(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.formatError(err, what)
	}
	if n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "%s not found", what)
	}
	return nil
}

const invitationCols = `id, token_hash, talks_id, delegation_id, role, title, invited_by, created_at, expires_at, state, used_by, ended_at`

func scanInvitation(row interface{ Scan(...any) error }) (*parley.Invitation, error) {
	var inv parley.Invitation
	var role, state, created, expires, ended string
	if err := row.Scan(&inv.ID, &inv.TokenHash, &inv.TalksID, &inv.DelegationID, &role, &inv.Title, &inv.InvitedBy, &created, &expires, &state, &inv.UsedBy, &ended); err != nil {
		return nil, err
	}
	inv.Role, inv.State = parley.MemberRole(role), parley.InvitationState(state)
	inv.CreatedAt, inv.ExpiresAt, inv.EndedAt = parseTime(created), parseTime(expires), parseTime(ended)
	return &inv, nil
}

// CreateInvitation stores an invitation.
func (t *Tx) CreateInvitation(ctx context.Context, inv *parley.Invitation) error {
	_, err := t.exec(ctx, `INSERT INTO invitations (`+invitationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TokenHash, inv.TalksID, inv.DelegationID, string(inv.Role), inv.Title, inv.InvitedBy,
		fmtTime(inv.CreatedAt), fmtTime(inv.ExpiresAt), string(inv.State), inv.UsedBy, fmtTime(inv.EndedAt))
	return t.formatError(err, "create invitation")
}

// InvitationByHash finds an invitation by the hash of its secret.
func (t *Tx) InvitationByHash(ctx context.Context, hash []byte) (*parley.Invitation, error) {
	inv, err := scanInvitation(t.queryRow(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, t.notFound("invitation", err)
	}
	return inv, nil
}

// Invitations lists the talks' invitations, newest first.
func (t *Tx) Invitations(ctx context.Context, talksID string) ([]parley.Invitation, error) {
	rows, err := t.query(ctx, `SELECT `+invitationCols+` FROM invitations WHERE talks_id = ? ORDER BY created_at DESC, id`, talksID)
	if err != nil {
		return nil, t.formatError(err, "invitations")
	}
	defer rows.Close()
	out := []parley.Invitation{}
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, t.formatError(err, "invitations")
		}
		out = append(out, *inv)
	}
	return out, t.formatError(rows.Err(), "invitations")
}

// UpdateInvitation writes an invitation's state, user and end time.
func (t *Tx) UpdateInvitation(ctx context.Context, inv *parley.Invitation) error {
	res, err := t.exec(ctx, `UPDATE invitations SET state = ?, used_by = ?, ended_at = ? WHERE id = ?`,
		string(inv.State), inv.UsedBy, fmtTime(inv.EndedAt), inv.ID)
	return t.one(res, err, "invitation")
}

const passkeyCols = `id, user_id, name, credential_id, credential, created_at, last_used_at`

func scanPasskey(row interface{ Scan(...any) error }) (*parley.Passkey, error) {
	var p parley.Passkey
	var cred, created, used string
	if err := row.Scan(&p.ID, &p.UserID, &p.Name, &p.CredentialID, &cred, &created, &used); err != nil {
		return nil, err
	}
	p.Credential = []byte(cred)
	p.CreatedAt, p.LastUsedAt = parseTime(created), parseTime(used)
	return &p, nil
}

// CreatePasskey stores a passkey.
func (t *Tx) CreatePasskey(ctx context.Context, p *parley.Passkey) error {
	_, err := t.exec(ctx, `INSERT INTO passkeys (`+passkeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.UserID, p.Name, p.CredentialID, string(p.Credential), fmtTime(p.CreatedAt), fmtTime(p.LastUsedAt))
	return t.conflict(err, "create passkey", "this passkey is registered already")
}

// Passkeys lists the user's passkeys, oldest first.
func (t *Tx) Passkeys(ctx context.Context, userID string) ([]parley.Passkey, error) {
	rows, err := t.query(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, t.formatError(err, "passkeys")
	}
	defer rows.Close()
	out := []parley.Passkey{}
	for rows.Next() {
		p, err := scanPasskey(rows)
		if err != nil {
			return nil, t.formatError(err, "passkeys")
		}
		out = append(out, *p)
	}
	return out, t.formatError(rows.Err(), "passkeys")
}

// PasskeyByCredentialID finds a passkey by its WebAuthn credential id.
func (t *Tx) PasskeyByCredentialID(ctx context.Context, credentialID []byte) (*parley.Passkey, error) {
	p, err := scanPasskey(t.queryRow(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE credential_id = ?`, credentialID))
	if err != nil {
		return nil, t.notFound("passkey", err)
	}
	return p, nil
}

// UpdatePasskey writes a passkey's credential record and last use.
func (t *Tx) UpdatePasskey(ctx context.Context, p *parley.Passkey) error {
	res, err := t.exec(ctx, `UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?`, string(p.Credential), fmtTime(p.LastUsedAt), p.ID)
	return t.one(res, err, "passkey")
}

// DeletePasskey removes one of the user's passkeys.
func (t *Tx) DeletePasskey(ctx context.Context, userID, id string) error {
	res, err := t.exec(ctx, `DELETE FROM passkeys WHERE user_id = ? AND id = ?`, userID, id)
	return t.one(res, err, "passkey")
}

// PutWitness registers or replaces a witness key.
func (t *Tx) PutWitness(ctx context.Context, w *parley.Witness) error {
	_, err := t.exec(ctx, `INSERT INTO witnesses (name, verifier_key, added_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET verifier_key = excluded.verifier_key, added_at = excluded.added_at`, w.Name, w.VerifierKey, fmtTime(w.AddedAt))
	return t.formatError(err, "put witness")
}

// Witnesses lists the registered witnesses by name.
func (t *Tx) Witnesses(ctx context.Context) ([]parley.Witness, error) {
	rows, err := t.query(ctx, `SELECT name, verifier_key, added_at FROM witnesses ORDER BY name`)
	if err != nil {
		return nil, t.formatError(err, "witnesses")
	}
	defer rows.Close()
	out := []parley.Witness{}
	for rows.Next() {
		var w parley.Witness
		var added string
		if err := rows.Scan(&w.Name, &w.VerifierKey, &added); err != nil {
			return nil, t.formatError(err, "witnesses")
		}
		w.AddedAt = parseTime(added)
		out = append(out, w)
	}
	return out, t.formatError(rows.Err(), "witnesses")
}

// DeleteWitness removes a witness and its cosignatures.
func (t *Tx) DeleteWitness(ctx context.Context, name string) error {
	if _, err := t.exec(ctx, `DELETE FROM cosignatures WHERE witness = ?`, name); err != nil {
		return t.formatError(err, "delete witness")
	}
	res, err := t.exec(ctx, `DELETE FROM witnesses WHERE name = ?`, name)
	return t.one(res, err, "witness")
}

// PutCosignature stores or replaces a witness's cosignature.
func (t *Tx) PutCosignature(ctx context.Context, c *parley.Cosignature) error {
	_, err := t.exec(ctx, `INSERT INTO cosignatures (size, witness, signature, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (size, witness) DO UPDATE SET signature = excluded.signature, created_at = excluded.created_at`,
		c.Size, c.Witness, c.Signature, fmtTime(c.CreatedAt))
	return t.formatError(err, "put cosignature")
}

// Cosignatures returns the cosignatures of the checkpoint of a size, by
// witness name.
func (t *Tx) Cosignatures(ctx context.Context, size int64) ([]parley.Cosignature, error) {
	rows, err := t.query(ctx, `SELECT size, witness, signature, created_at FROM cosignatures WHERE size = ? ORDER BY witness`, size)
	if err != nil {
		return nil, t.formatError(err, "cosignatures")
	}
	defer rows.Close()
	out := []parley.Cosignature{}
	for rows.Next() {
		var c parley.Cosignature
		var created string
		if err := rows.Scan(&c.Size, &c.Witness, &c.Signature, &created); err != nil {
			return nil, t.formatError(err, "cosignatures")
		}
		c.CreatedAt = parseTime(created)
		out = append(out, c)
	}
	return out, t.formatError(rows.Err(), "cosignatures")
}

// CheckpointAt returns the signed checkpoint of that size.
func (t *Tx) CheckpointAt(ctx context.Context, size int64) ([]byte, error) {
	var note string
	if err := t.queryRow(ctx, `SELECT note FROM checkpoints WHERE size = ?`, size).Scan(&note); err != nil {
		return nil, t.notFound(fmt.Sprintf("checkpoint of size %d", size), err)
	}
	return []byte(note), nil
}

// CosignedSize returns the size of the newest checkpoint with at least
// min cosignatures.
func (t *Tx) CosignedSize(ctx context.Context, min int) (int64, error) {
	var size int64
	err := t.queryRow(ctx, `SELECT size FROM cosignatures GROUP BY size HAVING COUNT(*) >= ? ORDER BY size DESC LIMIT 1`, min).Scan(&size)
	if err != nil {
		return 0, t.notFound(fmt.Sprintf("checkpoint with %d cosignatures", min), err)
	}
	return size, nil
}
