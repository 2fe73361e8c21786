package talks

import (
	"context"
	"maps"
	"strings"

	"parley"
	"parley/settle"
)

// NewProposal is a package to propose in a room: one option per issue of
// the talks' domain, with an optional note.
type NewProposal struct {
	Room       string            `json:"room"`
	Package    map[string]string `json:"package"`
	Note       string            `json:"note,omitempty"`
	Disclosure parley.Disclosure `json:"disclosure,omitempty"`
}

// proposalText is what a proposal message says: the package in the
// domain's order, then the note. Search finds proposals by it.
func proposalText(d *settle.Domain, pkg settle.Package, note string) string {
	var b strings.Builder
	b.WriteString("Proposal: ")
	for i, o := range pkg {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.Issues[i].Name)
		b.WriteString(": ")
		b.WriteString(d.Issues[i].Label(o))
	}
	if note != "" {
		b.WriteString("\n\n")
		b.WriteString(note)
	}
	return b.String()
}

// checkPackage checks a package against the domain and returns it.
func checkPackage(d *settle.Domain, bid map[string]string) (settle.Package, error) {
	if len(bid) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "package is required: one option per issue")
	}
	pkg, err := d.Package(bid)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "package: %s", err)
	}
	return pkg, nil
}

// Propose posts a proposal into a room the actor may write in: a message
// with structure, listed, searched, streamed and relayed like any other.
func (s *Service) Propose(ctx context.Context, actor *parley.User, talksID string, np NewProposal) (*parley.Message, error) {
	if np.Disclosure == "" {
		np.Disclosure = parley.Relayable
	}
	note := strings.TrimSpace(parley.NormalizeText(np.Note))
	if err := parley.CheckOptional("note", note, parley.MaxNoteBytes); err != nil {
		return nil, err
	}
	var m *parley.Message
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkWrite(np.Room); err != nil {
			return err
		}
		d, _, err := loadDomain(ctx, tx, sc)
		if err != nil {
			if parley.ErrorCode(err) == parley.ENOTFOUND && sc.canReadText() {
				return parley.Errorf(parley.ECONFLICT, "the talks have no negotiation domain yet; a mediator sets it first")
			}
			return err
		}
		pkg, err := checkPackage(d, np.Package)
		if err != nil {
			return err
		}
		m = &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: np.Room, Author: actor.ID, AuthorName: actor.DisplayName,
			Delegation: sc.mine.ID, Disclosure: np.Disclosure, Text: proposalText(d, pkg, note), CreatedAt: s.now(),
			Proposal: &parley.Proposal{Package: d.Bid(pkg), Note: note}}
		if err := m.Validate(); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ProposalView is a proposal as one reader sees it: the message, and the
// scores the reader may know. A party gets its own score (by its own
// profile, whoever made the proposal); a mediator gets the score of every
// party that consented to share its profile. Nobody else's.
type ProposalView struct {
	parley.Message
	// Score is the reader's own party's utility of the package.
	Score *float64 `json:"score,omitempty"`
	// Scores maps a consenting party's delegation id to its utility of
	// the package; mediators only.
	Scores map[string]float64 `json:"scores,omitempty"`
}

// visibleProposals returns the proposals in the rooms the reader may
// read, oldest first, as the reader sees them.
func visibleProposals(ctx context.Context, tx parley.Tx, sc *scope) ([]parley.Message, error) {
	var rooms []string
	hidden := map[string]int64{}
	for _, r := range sc.rooms() {
		rooms = append(rooms, r.Name)
		if h := sc.heldBack(r.Name); h > 0 {
			hidden[r.Name] = h
		}
	}
	ms, err := tx.Proposals(ctx, sc.talks.ID, rooms, hidden)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		ms[i] = *redact(&ms[i], sc.isMediator())
	}
	return ms, nil
}

// Proposals lists the proposals the actor may see, oldest first, each
// with the scores the actor may know.
func (s *Service) Proposals(ctx context.Context, actor *parley.User, talksID string) ([]ProposalView, error) {
	out := []ProposalView{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if sc.mine == nil {
			return parley.Errorf(parley.ENOTFOUND, "talks not found")
		}
		ms, err := visibleProposals(ctx, tx, sc)
		if err != nil {
			return err
		}
		sco, err := loadScorer(ctx, tx, sc)
		if err != nil {
			return err
		}
		for _, m := range ms {
			out = append(out, sco.view(m))
		}
		return nil
	})
	return out, err
}

// sameProposal reports whether two messages' proposals are the same.
func sameProposal(a, b *parley.Proposal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Note == b.Note && maps.Equal(a.Package, b.Package)
}
