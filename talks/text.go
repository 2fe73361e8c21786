package talks

import (
	"context"
	"strings"
	"time"

	"parley"
	"parley/textdiff"
)

// canReadText is the read rule of the single negotiating text and the
// negotiation domain (room "text"): mediators and parties, not observers
// or administrators.
func (sc *scope) canReadText() bool {
	k := sc.kind()
	return k == parley.KindMediator || k == parley.KindParty
}

// checkReadText answers ENOTFOUND to those who may not read the text.
func (sc *scope) checkReadText() error {
	if !sc.canReadText() {
		return parley.Errorf(parley.ENOTFOUND, "text not found")
	}
	return nil
}

// parties returns the talks' party delegations.
func (sc *scope) parties() []parley.Delegation {
	var out []parley.Delegation
	for _, d := range sc.delegations {
		if d.Kind == parley.KindParty {
			out = append(out, d)
		}
	}
	return out
}

// loadText reads what the text's rules need, after the read rule.
func loadText(ctx context.Context, tx parley.Tx, sc *scope) (*textState, error) {
	if err := sc.checkReadText(); err != nil {
		return nil, err
	}
	vs, err := tx.TextVersions(ctx, sc.talks.ID)
	if err != nil {
		return nil, err
	}
	ps, err := tx.Positions(ctx, sc.talks.ID, "")
	if err != nil {
		return nil, err
	}
	as, err := tx.Agreements(ctx, sc.talks.ID)
	if err != nil {
		return nil, err
	}
	ts := &textState{versions: vs, positions: ps, parties: sc.parties(), agreed: map[int]*parley.Agreement{}}
	for i := range as {
		if as[i].TextVersion > 0 {
			ts.agreed[as[i].TextVersion] = &as[i]
		}
	}
	return ts, nil
}

// NewClause is a clause of a new version of the text. ID names a clause of
// an earlier version (kept, reworded or moved); empty, a new clause.
type NewClause struct {
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// NewVersion is a new version of the whole text, clauses in order.
type NewVersion struct {
	Reason  string      `json:"reason"`
	Clauses []NewClause `json:"clauses"`
}

// Text statuses, as TextView.Status reports them.
const (
	// TextDraft: some clause is not accepted by every party; nothing is
	// agreed until everything is agreed.
	TextDraft = "draft"
	// TextReady: every clause is accepted by every party; a mediator may
	// declare the version agreed.
	TextReady = "ready"
	// TextAgreed: a mediator declared this version agreed.
	TextAgreed = "agreed"
)

// TextView is one version of the text as a reader sees it.
type TextView struct {
	Version    int       `json:"version"`
	Latest     int       `json:"latest"`
	Reason     string    `json:"reason"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
	EventSeq   int64     `json:"event_seq"`
	// Status is draft, ready or agreed: until a mediator declares a
	// version agreed, nothing is agreed.
	Status    string            `json:"status"`
	Clauses   []ClauseView      `json:"clauses"`
	Agreement *parley.Agreement `json:"agreement,omitempty"`
}

// ClauseView is a clause in a TextView.
type ClauseView struct {
	parley.Clause
	// Agreed is set when every party accepts the clause in this version.
	Agreed bool `json:"agreed"`
	// Since is the version from which the clause's wording is unchanged.
	Since int `json:"since"`
}

// view returns version n (0: the latest) as a reader sees it.
func (ts *textState) view(n int) (*TextView, error) {
	v, err := ts.version(n)
	if err != nil {
		return nil, err
	}
	n = v.Number
	app, since := ts.applying(n), ts.since(n)
	tv := &TextView{Version: n, Latest: ts.latest(), Reason: v.Reason, Author: v.Author, AuthorName: v.AuthorName, CreatedAt: v.CreatedAt,
		EventSeq: v.EventSeq, Status: TextReady, Clauses: make([]ClauseView, len(v.Clauses))}
	for i, c := range v.Clauses {
		tv.Clauses[i] = ClauseView{Clause: c, Agreed: ts.clauseAgreed(app[c.ID]), Since: since[c.ID]}
		if !tv.Clauses[i].Agreed {
			tv.Status = TextDraft
		}
	}
	if a := ts.agreed[n]; a != nil {
		tv.Status, tv.Agreement = TextAgreed, a
	}
	return tv, nil
}

// Text returns version n of the text (0: the current one).
func (s *Service) Text(ctx context.Context, actor *parley.User, talksID string, n int) (*TextView, error) {
	var tv *TextView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		tv, err = ts.view(n)
		return err
	})
	return tv, err
}

// VersionSummary describes one version in the list of versions.
type VersionSummary struct {
	Number     int       `json:"number"`
	Reason     string    `json:"reason"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
	Clauses    int       `json:"clauses"`
	EventSeq   int64     `json:"event_seq"`
	Agreed     bool      `json:"agreed"`
}

// TextVersions lists the versions of the text, oldest first.
func (s *Service) TextVersions(ctx context.Context, actor *parley.User, talksID string) ([]VersionSummary, error) {
	out := []VersionSummary{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		for _, v := range ts.versions {
			out = append(out, VersionSummary{Number: v.Number, Reason: v.Reason, Author: v.Author, AuthorName: v.AuthorName,
				CreatedAt: v.CreatedAt, Clauses: len(v.Clauses), EventSeq: v.EventSeq, Agreed: ts.agreed[v.Number] != nil})
		}
		return nil
	})
	return out, err
}

// ReviseText records a new version of the text; only an engaged mediator
// of live talks may. The first call creates the text.
func (s *Service) ReviseText(ctx context.Context, actor *parley.User, talksID string, nv NewVersion) (*TextView, error) {
	v := &parley.TextVersion{TalksID: talksID, Reason: strings.TrimSpace(parley.NormalizeText(nv.Reason)), Author: actor.ID, AuthorName: actor.DisplayName}
	if len(nv.Clauses) > parley.MaxClauses {
		return nil, parley.Errorf(parley.ETOOLARGE, "the text has %d clauses, the limit is %d", len(nv.Clauses), parley.MaxClauses)
	}
	for i, nc := range nv.Clauses {
		v.Clauses = append(v.Clauses, parley.Clause{ID: nc.ID, Number: i + 1,
			Title: strings.TrimSpace(parley.NormalizeText(nc.Title)), Body: strings.TrimSpace(parley.NormalizeText(nc.Body))})
	}
	var tv *TextView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		if err := sc.checkMediator("revise the text"); err != nil {
			return err
		}
		known := map[string]bool{}
		for _, old := range ts.versions {
			for _, c := range old.Clauses {
				known[c.ID] = true
			}
		}
		for i := range v.Clauses {
			c := &v.Clauses[i]
			switch {
			case c.ID == "":
				c.ID = parley.NewID("c_")
			case !known[c.ID]:
				return parley.Errorf(parley.EINVALID, "clause %d: %q is not a clause of this text; leave id empty for a new clause", i+1, c.ID)
			}
		}
		if err := v.Validate(); err != nil {
			return err
		}
		if last, err := ts.version(0); err == nil && sameText(last, v) {
			return parley.Errorf(parley.ECONFLICT, "the new version changes nothing in version %d", last.Number)
		}
		v.Number, v.CreatedAt = ts.latest()+1, s.now()
		e, err := s.emit(ctx, tx, actor.ID, talksID, parley.RoomText, parley.EventTextVersion, v)
		if err != nil {
			return err
		}
		v.EventSeq = e.Seq
		if err := tx.InsertTextVersion(ctx, v); err != nil {
			return err
		}
		ts.versions = append(ts.versions, *v)
		tv, err = ts.view(v.Number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tv, nil
}

// sameText reports whether two versions have the same clauses in the same
// order with the same wording.
func sameText(a, b *parley.TextVersion) bool {
	if len(a.Clauses) != len(b.Clauses) {
		return false
	}
	for i := range a.Clauses {
		if a.Clauses[i].ID != b.Clauses[i].ID || !a.Clauses[i].Same(&b.Clauses[i]) {
			return false
		}
	}
	return true
}

// Clause changes between two versions, as ClauseDiff.Change reports them.
const (
	ClauseAdded     = "added"
	ClauseRemoved   = "removed"
	ClauseChanged   = "changed"
	ClauseUnchanged = "unchanged"
)

// TextDiff compares two versions of the text clause by clause.
type TextDiff struct {
	From    int          `json:"from"`
	To      int          `json:"to"`
	Clauses []ClauseDiff `json:"clauses"`
}

// ClauseDiff is one clause of a TextDiff, in the order of the newer
// version (a removed clause where it stood). Title and Body hold the
// word-level changes: for an added clause all inserted, for a removed one
// all deleted.
type ClauseDiff struct {
	ID     string `json:"id"`
	Change string `json:"change"`
	// Moved is set when the clause kept its place in neither version's
	// order relative to the others (it was moved).
	Moved      bool          `json:"moved"`
	FromNumber int           `json:"from_number,omitempty"`
	ToNumber   int           `json:"to_number,omitempty"`
	Title      []textdiff.Op `json:"title"`
	Body       []textdiff.Op `json:"body"`
}

// Diff compares version from with version to of the text; 0 for to means
// the current version, 0 for from the one before to.
func (s *Service) Diff(ctx context.Context, actor *parley.User, talksID string, from, to int) (*TextDiff, error) {
	var d *TextDiff
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		b, err := ts.version(to)
		if err != nil {
			return err
		}
		if from == 0 {
			from = max(b.Number-1, 1)
		}
		a, err := ts.version(from)
		if err != nil {
			return err
		}
		d = diffVersions(a, b)
		return nil
	})
	return d, err
}

// diffVersions compares two versions clause by clause: a clause is
// matched by its id across versions; the common clauses that a longest
// common subsequence of the two orders leaves out are the moved ones.
func diffVersions(a, b *parley.TextVersion) *TextDiff {
	d := &TextDiff{From: a.Number, To: b.Number, Clauses: []ClauseDiff{}}
	inB := map[string]bool{}
	for _, c := range b.Clauses {
		inB[c.ID] = true
	}
	var orderA, orderB []string
	for _, c := range a.Clauses {
		if inB[c.ID] {
			orderA = append(orderA, c.ID)
		}
	}
	for _, c := range b.Clauses {
		if a.Clause(c.ID) != nil {
			orderB = append(orderB, c.ID)
		}
	}
	stay := map[string]bool{}
	for _, p := range textdiff.Common(orderA, orderB) {
		stay[orderA[p[0]]] = true
	}
	// Removed clauses go after the entry of the nearest earlier clause of
	// the old version that the new one keeps.
	after := map[string][]ClauseDiff{}
	anchor := ""
	for _, c := range a.Clauses {
		if inB[c.ID] {
			anchor = c.ID
			continue
		}
		after[anchor] = append(after[anchor], ClauseDiff{ID: c.ID, Change: ClauseRemoved, FromNumber: c.Number,
			Title: textdiff.Words(c.Title, ""), Body: textdiff.Words(c.Body, "")})
	}
	d.Clauses = append(d.Clauses, after[""]...)
	for _, c := range b.Clauses {
		cd := ClauseDiff{ID: c.ID, ToNumber: c.Number}
		if old := a.Clause(c.ID); old == nil {
			cd.Change, cd.Title, cd.Body = ClauseAdded, textdiff.Words("", c.Title), textdiff.Words("", c.Body)
		} else {
			cd.FromNumber, cd.Moved = old.Number, !stay[c.ID]
			cd.Change = ClauseUnchanged
			if !old.Same(&c) {
				cd.Change = ClauseChanged
			}
			cd.Title, cd.Body = textdiff.Words(old.Title, c.Title), textdiff.Words(old.Body, c.Body)
		}
		d.Clauses = append(d.Clauses, cd)
		d.Clauses = append(d.Clauses, after[c.ID]...)
	}
	return d
}
