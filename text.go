package parley

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Limits of the single negotiating text, its positions, proposals and
// profiles. Every layer uses these names; none repeats the numbers.
const (
	// MaxClauses bounds the clauses of one version of the text.
	MaxClauses = 200
	// MaxClauseBytes bounds the body of one clause.
	MaxClauseBytes = 16 << 10
	// MaxTextBytes bounds the titles and bodies of one version together.
	MaxTextBytes = 200 << 10
	// MaxCommentBytes bounds a position's comment and proposed wording.
	MaxCommentBytes = 8 << 10
	// MaxDomainBytes bounds a negotiation domain or preference profile file.
	MaxDomainBytes = 128 << 10
	// MaxNoteBytes bounds a proposal's note.
	MaxNoteBytes = 4 << 10
)

// Record rooms hold events but no messages: nobody posts in them.
const (
	// RoomText holds the single negotiating text and the negotiation
	// domain: mediators and parties read it, observers do not.
	RoomText = "text"
	// PrivatePrefix starts the name of a party's private room: only that
	// party's members read it (not mediators, observers or
	// administrators). Its preference profile and reflections live there.
	PrivatePrefix = "private:"
)

// PrivateRoom returns the name of the private room of the party with slug.
func PrivateRoom(slug string) string { return PrivatePrefix + slug }

// Clause is one numbered clause of a version of the text. Its ID stays the
// same across versions, so that versions can be compared clause by clause
// and positions carried over while its wording is unchanged.
type Clause struct {
	ID string `json:"id"`
	// Number is the clause's position in its version, from 1.
	Number int    `json:"number"`
	Title  string `json:"title"`
	// Body is plain text; blank lines separate paragraphs. Any script.
	Body string `json:"body"`
}

// Digest returns the SHA-256 of the clause's title and body, in hex: what
// a position on the clause was taken on.
func (c *Clause) Digest() string {
	sum := sha256.Sum256([]byte(c.Title + "\x00" + c.Body))
	return hex.EncodeToString(sum[:])
}

// Same reports whether two clauses have the same wording.
func (c *Clause) Same(o *Clause) bool { return c.Title == o.Title && c.Body == o.Body }

// TextVersion is one immutable version of the talks' single negotiating
// text.
type TextVersion struct {
	TalksID string `json:"talks_id"`
	// Number counts the versions from 1.
	Number  int      `json:"number"`
	Clauses []Clause `json:"clauses"`
	// Reason says why the mediator made this version.
	Reason     string    `json:"reason"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// EventSeq is the ledger event that recorded the version.
	EventSeq int64 `json:"event_seq"`
}

// NormalizeText turns CRLF and CR line ends into LF; nothing else of what
// a mediator or party typed is changed, so that what is stored (and
// hashed) is what was written.
func NormalizeText(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Validate checks the version's reason and clauses: at least one, at most
// MaxClauses, each with a title and a body within their limits, ids
// unique, numbers in order.
func (v *TextVersion) Validate() error {
	if err := CheckText("reason", v.Reason, MaxReasonBytes); err != nil {
		return err
	}
	if len(v.Clauses) == 0 {
		return Errorf(EINVALID, "the text needs at least one clause")
	}
	if len(v.Clauses) > MaxClauses {
		return Errorf(ETOOLARGE, "the text has %d clauses, the limit is %d", len(v.Clauses), MaxClauses)
	}
	seen := map[string]bool{}
	total := 0
	for i := range v.Clauses {
		c := &v.Clauses[i]
		if err := CheckText(clauseField(i, "title"), c.Title, MaxTitleBytes); err != nil {
			return err
		}
		if err := CheckText(clauseField(i, "body"), c.Body, MaxClauseBytes); err != nil {
			return err
		}
		if c.ID == "" || seen[c.ID] {
			return Errorf(EINVALID, "clause %d: id %q is missing or repeated", i+1, c.ID)
		}
		if c.Number != i+1 {
			return Errorf(EINVALID, "clause %d is numbered %d", i+1, c.Number)
		}
		seen[c.ID] = true
		total += len(c.Title) + len(c.Body)
	}
	if total > MaxTextBytes {
		return Errorf(ETOOLARGE, "the text is %d bytes, the limit is %d", total, MaxTextBytes)
	}
	return nil
}

func clauseField(i int, f string) string { return "clause " + strconv.Itoa(i+1) + " " + f }

// Clause returns the version's clause with that id, or nil.
func (v *TextVersion) Clause(id string) *Clause {
	for i := range v.Clauses {
		if v.Clauses[i].ID == id {
			return &v.Clauses[i]
		}
	}
	return nil
}

// Stance is a party's position on one clause.
type Stance string

// Stances.
const (
	Accept  Stance = "accept"
	Reserve Stance = "reserve"
	Reject  Stance = "reject"
)

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool { return s == Accept || s == Reserve || s == Reject }

// Position is a party's criticism of one clause of one version: its
// stance, a comment and, optionally, the wording it proposes instead.
// Only the party and the mediators see it.
type Position struct {
	TalksID string `json:"talks_id"`
	// Version is the version of the text the position was recorded on.
	Version    int    `json:"version"`
	ClauseID   string `json:"clause"`
	Delegation string `json:"delegation"`
	Stance     Stance `json:"stance"`
	Comment    string `json:"comment,omitempty"`
	// Wording is the party's proposed wording of the clause.
	Wording    string    `json:"wording,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	// EventSeq is the ledger event that recorded it.
	EventSeq int64 `json:"event_seq"`
}

// Validate checks the position's stance, comment and wording.
func (p *Position) Validate() error {
	if !p.Stance.Valid() {
		return Errorf(EINVALID, "stance must be accept, reserve or reject, not %q", p.Stance)
	}
	if p.ClauseID == "" {
		return Errorf(EINVALID, "clause is required")
	}
	if err := CheckOptional("comment", p.Comment, MaxCommentBytes); err != nil {
		return err
	}
	return CheckOptional("wording", p.Wording, MaxCommentBytes)
}
