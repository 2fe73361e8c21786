package parley

// Event kinds of the single negotiating text, the negotiation domain,
// preference profiles and reflections, each with the payload its Data
// holds and the room it belongs to.
const (
	// EventTextVersion records a version of the text, in RoomText.
	EventTextVersion = "text.version" // TextVersion
	// EventPositions records a party's positions, in its caucus.
	EventPositions = "text.positions" // PositionsRecorded
	// EventDomainSet records the negotiation domain, in RoomText.
	EventDomainSet = "domain.set" // DomainSet
	// EventReflection records a step of a reflection, in the private room
	// of each party that step concerns.
	EventReflection = "reflection.step" // ReflectionStep
)

// PositionsRecorded is the payload of a text.positions event: what one
// party recorded on clauses of one version, each with the digest of the
// clause's wording it was taken on, so that the party's ledger bundle
// proves what it accepted and when.
type PositionsRecorded struct {
	Version    int              `json:"version"`
	Delegation string           `json:"delegation"`
	Positions  []PositionRecord `json:"positions"`
}

// PositionRecord is one position in a text.positions event.
type PositionRecord struct {
	Clause       string `json:"clause"`
	Number       int    `json:"number"`
	ClauseSHA256 string `json:"clause_sha256"`
	Stance       Stance `json:"stance"`
	Comment      string `json:"comment,omitempty"`
	Wording      string `json:"wording,omitempty"`
}

// DomainSet is the payload of a domain.set event.
type DomainSet struct {
	Name string `json:"name"`
	// Source is the domain in parley's JSON domain format.
	Source string `json:"source"`
}

// ReflectionStep is the payload of a reflection.step event; each party's
// copy holds only what that party may learn at that step.
type ReflectionStep struct {
	Reflection string          `json:"reflection"`
	Step       string          `json:"step"`
	State      ReflectionState `json:"state"`
	// Proposal and Package are the reflected proposal, in the requester's
	// room only.
	Proposal string            `json:"proposal,omitempty"`
	Package  map[string]string `json:"package,omitempty"`
	// Offered is the package shown to another party, in its room only.
	Offered map[string]string `json:"offered,omitempty"`
	// Optimal is the package revealed when every party accepted.
	Optimal map[string]string `json:"optimal,omitempty"`
	Accept  *bool             `json:"accept,omitempty"`
}
