package http

import (
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/talks"
)

// The API's named request and response bodies that are not domain types or
// service commands. Every list is a named object with a [] member.

// LoginRequest is the body of POST /api/v1/login.
type LoginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// TokenRequest is the optional body of POST /api/v1/tokens.
type TokenRequest struct {
	Name string `json:"name"`
	// Access is "read" or "read-write" (the default).
	Access parley.Access `json:"access"`
	// Talks limits the token to one talks.
	Talks string `json:"talks"`
	// ExpiresIn is the token's lifetime in seconds (default 30 days, at
	// most 90).
	ExpiresIn int64 `json:"expires_in"`
}

// Token describes a bearer token; the secret itself is shown only once, in
// TokenCreated.
type Token struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Access    parley.Access `json:"access"`
	Talks     string        `json:"talks,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
	ExpiresAt *time.Time    `json:"expires_at,omitempty"`
}

// DisableRequest is the body of POST /api/v1/users/{user}/disabled.
type DisableRequest struct {
	Disabled *bool `json:"disabled"`
}

// PasswordRequest is the body of POST /api/v1/me/password.
type PasswordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// ReasonRequest is the optional body of a removal.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// TokenCreated answers POST /api/v1/tokens.
type TokenCreated struct {
	Token
	Secret string `json:"token"`
}

// TokenList answers GET /api/v1/tokens.
type TokenList struct {
	Tokens []Token `json:"tokens"`
}

// UserList answers GET /api/v1/users.
type UserList struct {
	Users []parley.User `json:"users"`
}

// CreateTalksRequest is the body of POST /api/v1/talks.
type CreateTalksRequest struct {
	Title string `json:"title"`
}

// TalksList answers GET /api/v1/talks: each talks has the shape
// GET /api/v1/talks/{id} answers.
type TalksList struct {
	Talks []talks.View `json:"talks"`
}

// ChangeRequest is the body of a status or presence change.
type ChangeRequest struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// PlenaryRequest is the body of POST /api/v1/talks/{id}/plenary.
type PlenaryRequest struct {
	Open *bool `json:"open"`
}

// DelegationList answers GET /api/v1/talks/{id}/delegations.
type DelegationList struct {
	Delegations []parley.Delegation `json:"delegations"`
	Members     []parley.Member     `json:"members"`
}

// DelegationView answers GET /api/v1/talks/{id}/delegations/{del}.
type DelegationView struct {
	parley.Delegation
	Members []parley.Member `json:"members"`
}

// RoomList answers GET /api/v1/talks/{id}/rooms.
type RoomList struct {
	Rooms []parley.Room `json:"rooms"`
}

// SearchResults answers GET /api/v1/talks/{id}/search: the messages and
// the meetings the user may see that match.
type SearchResults struct {
	Messages []parley.Message `json:"messages"`
	Meetings []parley.Meeting `json:"meetings"`
}

// LedgerKey answers GET /api/v1/ledger/key.
type LedgerKey struct {
	VerifierKey string `json:"verifier_key"`
}

// LeafList answers GET /api/v1/ledger/leaves: leaf hashes in base64.
type LeafList struct {
	Start  int64       `json:"start"`
	Leaves []tlog.Hash `json:"leaves"`
}

func tokenOf(s *parley.Session) Token {
	t := Token{ID: s.ID, Name: s.Name, Access: s.Access, Talks: s.TalksID, CreatedAt: s.CreatedAt}
	if !s.ExpiresAt.IsZero() {
		t.ExpiresAt = &s.ExpiresAt
	}
	return t
}

// AgreementList answers GET /api/v1/talks/{id}/agreements.
type AgreementList struct {
	Agreements []parley.Agreement `json:"agreements"`
}

// WitnessList answers GET /api/v1/ledger/witnesses.
type WitnessList struct {
	Witnesses []parley.Witness `json:"witnesses"`
}

// WitnessRequest is the body of POST /api/v1/ledger/witnesses.
type WitnessRequest struct {
	VerifierKey string `json:"verifier_key"`
}

// CosignatureRequest is the body of POST /api/v1/ledger/cosignatures: a
// witness's signature line ("— NAME BASE64") on the checkpoint of a size.
type CosignatureRequest struct {
	Size        int64  `json:"size"`
	Cosignature string `json:"cosignature"`
}
