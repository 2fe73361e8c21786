package parley

import (
	"context"
	"time"
)

// Access is what a credential allows: reading only, or reading and
// writing.
type Access string

// Access levels.
const (
	AccessRead      Access = "read"
	AccessReadWrite Access = "read-write"
)

// Valid reports whether a is a known access level.
func (a Access) Valid() bool { return a == AccessRead || a == AccessReadWrite }

// Grant is what the credential a request was made with allows, on top of
// what its user may do: a browser session grants everything; a bearer
// token may be read-only, or limited to one talks.
type Grant struct {
	// Credential is the public id of the session or token.
	Credential string
	// Access is read or read-write; "" is read-write.
	Access Access
	// Talks limits the credential to one talks; "" for all.
	Talks string
}

// ReadOnly reports whether the grant allows no change.
func (g Grant) ReadOnly() bool { return g.Access == AccessRead }

// AllowsTalks reports whether the grant reaches the talks id.
func (g Grant) AllowsTalks(id string) bool { return g.Talks == "" || g.Talks == id }

// Limited reports whether the grant is narrower than its user's rights.
func (g Grant) Limited() bool { return g.ReadOnly() || g.Talks != "" }

// PresenceRemoved marks a delegation a mediator removed from the talks:
// it has no members and takes no new ones; its history stays.
const PresenceRemoved Presence = "removed"

// MemberRemoved is the payload of a member.removed event.
type MemberRemoved struct {
	Delegation string `json:"delegation"`
	User       string `json:"user"`
	UserName   string `json:"user_name"`
	Reason     string `json:"reason"`
}

// DelegationRemoved is the payload of a delegation.removed event.
type DelegationRemoved struct {
	Delegation string `json:"delegation"`
	// Members are the user ids of the members it had.
	Members []string `json:"members"`
	Reason  string   `json:"reason"`
}

// UserDisabled is the payload of a user.disabled event (an account
// event: shown to nobody through the API).
type UserDisabled struct {
	ID       string `json:"id"`
	Disabled bool   `json:"disabled"`
}

// InvitationState says where an invitation stands.
type InvitationState string

// Invitation states.
const (
	InvitationPending  InvitationState = "pending"
	InvitationAccepted InvitationState = "accepted"
	InvitationRevoked  InvitationState = "revoked"
)

// Invitation asks a person into a delegation with a role. Its secret is
// shown once, in the link; only its SHA-256 is stored.
type Invitation struct {
	ID           string          `json:"id"`
	TokenHash    []byte          `json:"-"`
	TalksID      string          `json:"talks"`
	DelegationID string          `json:"delegation"`
	Role         MemberRole      `json:"role"`
	Title        string          `json:"title"`
	InvitedBy    string          `json:"invited_by"`
	CreatedAt    time.Time       `json:"created_at"`
	ExpiresAt    time.Time       `json:"expires_at"`
	State        InvitationState `json:"state"`
	// UsedBy is the account that accepted it.
	UsedBy  string    `json:"used_by,omitempty"`
	EndedAt time.Time `json:"ended_at,omitzero"`
}

// Passkey is a WebAuthn credential of an account. Credential holds the
// library's record of it (public key, counters, flags) as JSON.
type Passkey struct {
	ID           string    `json:"id"`
	UserID       string    `json:"-"`
	Name         string    `json:"name"`
	CredentialID []byte    `json:"-"`
	Credential   []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	LastUsedAt   time.Time `json:"last_used_at,omitzero"`
}

// Witness is a key whose cosignatures of checkpoints the server collects.
type Witness struct {
	Name        string    `json:"name"`
	VerifierKey string    `json:"verifier_key"`
	AddedAt     time.Time `json:"added_at"`
}

// Cosignature is a witness's signature line on the checkpoint of a size.
type Cosignature struct {
	Size    int64
	Witness string
	// Signature is the note signature line, "— NAME BASE64\n".
	Signature string
	CreatedAt time.Time
}

// SecurityTx is the part of a transaction that keeps credentials,
// invitations, passkeys and witness cosignatures.
type SecurityTx interface {
	// DeleteUserSessions removes the user's sessions and tokens of kind
	// ("" for both), except the one whose hash is except (nil for none).
	DeleteUserSessions(ctx context.Context, userID, kind string, except []byte) error
	// TouchSession records that a session was used at t.
	TouchSession(ctx context.Context, hash []byte, t time.Time) error
	// SetUserDisabled disables or enables an account.
	SetUserDisabled(ctx context.Context, id string, disabled bool) error
	// SetPassword replaces an account's password hash.
	SetPassword(ctx context.Context, id, hash string) error
	// RemoveMember takes a user out of a delegation.
	RemoveMember(ctx context.Context, delegationID, userID string) error

	// CreateInvitation stores an invitation.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// InvitationByHash finds an invitation by the hash of its secret.
	InvitationByHash(ctx context.Context, hash []byte) (*Invitation, error)
	// Invitations lists the talks' invitations, newest first.
	Invitations(ctx context.Context, talksID string) ([]Invitation, error)
	// UpdateInvitation writes an invitation's state, user and end time.
	UpdateInvitation(ctx context.Context, inv *Invitation) error

	// CreatePasskey stores a passkey; a credential id already known is
	// ECONFLICT.
	CreatePasskey(ctx context.Context, p *Passkey) error
	// Passkeys lists the user's passkeys, oldest first.
	Passkeys(ctx context.Context, userID string) ([]Passkey, error)
	// PasskeyByCredentialID finds a passkey by its WebAuthn credential id.
	PasskeyByCredentialID(ctx context.Context, credentialID []byte) (*Passkey, error)
	// UpdatePasskey writes a passkey's credential record and last use.
	UpdatePasskey(ctx context.Context, p *Passkey) error
	// DeletePasskey removes one of the user's passkeys.
	DeletePasskey(ctx context.Context, userID, id string) error

	// PutWitness registers (or replaces) a witness key.
	PutWitness(ctx context.Context, w *Witness) error
	// Witnesses lists the registered witnesses by name.
	Witnesses(ctx context.Context) ([]Witness, error)
	// DeleteWitness removes a witness and its cosignatures.
	DeleteWitness(ctx context.Context, name string) error
	// PutCosignature stores (or replaces) a witness's cosignature.
	PutCosignature(ctx context.Context, c *Cosignature) error
	// Cosignatures returns the cosignatures of the checkpoint of a size.
	Cosignatures(ctx context.Context, size int64) ([]Cosignature, error)
	// CheckpointAt returns the signed checkpoint of that size.
	CheckpointAt(ctx context.Context, size int64) ([]byte, error)
	// CosignedSize returns the size of the newest checkpoint with at least
	// min cosignatures, ENOTFOUND when none has.
	CosignedSize(ctx context.Context, min int) (int64, error)
}
