package parley

import (
	"maps"
	"slices"
	"time"
)

// Domain is the talks' negotiation domain: the issues and their options
// (discrete options or integer ranges). Source holds it in the settlement
// engine's own JSON format; package talks reads it with package settle.
type Domain struct {
	TalksID string `json:"talks_id"`
	Name    string `json:"name"`
	// Source is the domain in parley's JSON domain format.
	Source string    `json:"-"`
	SetBy  string    `json:"set_by"`
	SetAt  time.Time `json:"set_at"`
	// EventSeq is the ledger event that recorded it.
	EventSeq int64 `json:"event_seq"`
}

// Proposal is the structure of a message that proposes a package: one
// option per issue of the talks' domain, with an optional note. It travels
// with its message: listed, searched, streamed and relayed like any.
type Proposal struct {
	// Package maps every issue of the domain to the option proposed.
	Package map[string]string `json:"package"`
	Note    string            `json:"note,omitempty"`
}

// Validate checks the proposal's shape; package talks checks the package
// against the domain.
func (p *Proposal) Validate() error {
	if len(p.Package) == 0 {
		return Errorf(EINVALID, "package is required: one option per issue")
	}
	if len(p.Package) > 1000 {
		return Errorf(ETOOLARGE, "package has %d issues", len(p.Package))
	}
	for _, issue := range slices.Sorted(maps.Keys(p.Package)) {
		if err := CheckText("package issue", issue, MaxNameBytes); err != nil {
			return err
		}
		if err := CheckText("package."+issue, p.Package[issue], MaxNameBytes); err != nil {
			return err
		}
	}
	return CheckOptional("note", p.Note, MaxNoteBytes)
}

// Clone returns a deep copy of p, or nil.
func (p *Proposal) Clone() *Proposal {
	if p == nil {
		return nil
	}
	return &Proposal{Note: p.Note, Package: maps.Clone(p.Package)}
}
