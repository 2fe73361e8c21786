package parley

import "time"

// Profile is a party's confidential preference profile over the talks'
// domain, and whether the party lets the mediators use it. Only the
// party's own members see it; mediators see it while Consent is set; the
// settlement engine uses it for the party's own scores and reflections.
type Profile struct {
	TalksID    string `json:"-"`
	Delegation string `json:"-"`
	// Source is the profile in parley's JSON profile format, "" when the
	// party has none (it may still have given consent).
	Source string `json:"-"`
	// Format is how the profile came in: yaml, json, geniusweb or builder.
	Format string `json:"format,omitempty"`
	// Consent lets the mediators use the profile.
	Consent   bool      `json:"consent"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProfileFormats are the values of Profile.Format.
var ProfileFormats = []string{"yaml", "json", "geniusweb", "builder", "other"}

// ReflectionState is where a reflection stands.
type ReflectionState string

// Reflection states.
const (
	// ReflectionWaiting: requested, not every other party has answered.
	ReflectionWaiting ReflectionState = "waiting"
	// ReflectionRevealed: every party accepted; the optimal package is shown.
	ReflectionRevealed ReflectionState = "revealed"
	// ReflectionDeclined: another party declined.
	ReflectionDeclined ReflectionState = "declined"
	// ReflectionWithdrawn: the requesting party withdrew it.
	ReflectionWithdrawn ReflectionState = "withdrawn"
)

// Reflection is a party's request that the settlement engine reflect a
// proposal it can accept onto the Pareto frontier. The packages are
// disclosed step by step (docs/settle.md, "Reflection"); the service shows
// each party only its part.
type Reflection struct {
	ID      string `json:"id"`
	TalksID string `json:"talks_id"`
	// Requester is the delegation that asked for it.
	Requester   string `json:"requester"`
	RequestedBy string `json:"requested_by"`
	// Proposal is the message id of the proposal reflected.
	Proposal string `json:"proposal"`
	// Package is the proposal's package (P).
	Package map[string]string `json:"package"`
	// Offered is the package shown to the other parties (Q), nil when it
	// could not be computed; Optimal is the package revealed when all
	// accept (O).
	Offered   map[string]string  `json:"-"`
	Optimal   map[string]string  `json:"-"`
	State     ReflectionState    `json:"state"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt time.Time          `json:"updated_at"`
	Answers   []ReflectionAnswer `json:"-"`
}

// ReflectionAnswer is another party's answer to a reflection.
type ReflectionAnswer struct {
	Delegation string    `json:"delegation"`
	Accept     bool      `json:"accept"`
	AnsweredBy string    `json:"answered_by"`
	AnsweredAt time.Time `json:"answered_at"`
}
