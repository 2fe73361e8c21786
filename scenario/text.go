package scenario

import (
	"context"
	"fmt"
	"slices"

	"parley"
	"parley/talks"
)

// TextStep holds the step actions of the single negotiating text, the
// negotiation domain, proposals and preference profiles. It is inlined in
// Step; at most one of its fields is set.
type TextStep struct {
	// Domain sets the negotiation domain from a domain file's text.
	Domain *string `yaml:"domain"`
	// Text records a new version of the text. A clause names itself with
	// a Key; a later version keeps, rewords or moves it by the same key.
	Text *struct {
		Reason  string `yaml:"reason"`
		Clauses []struct {
			Key   string `yaml:"key"`
			Title string `yaml:"title"`
			Body  string `yaml:"body"`
		} `yaml:"clauses"`
	} `yaml:"text"`
	// Positions records the actor's party's positions on the current
	// version, clauses named by key.
	Positions []struct {
		Clause  string        `yaml:"clause"`
		Stance  parley.Stance `yaml:"stance"`
		Comment string        `yaml:"comment"`
		Wording string        `yaml:"wording"`
	} `yaml:"positions"`
	// Proposal posts a proposal; Label names it for later relays.
	Proposal *struct {
		Room       string            `yaml:"room"`
		Disclosure parley.Disclosure `yaml:"disclosure"`
		Package    map[string]string `yaml:"package"`
		Note       string            `yaml:"note"`
		Label      string            `yaml:"label"`
	} `yaml:"proposal"`
	// Profile sets the actor's party's profile from a profile file's text
	// (Format "builder" marks one made with the page's form).
	Profile *struct {
		Source string `yaml:"source"`
		Format string `yaml:"format"`
	} `yaml:"profile"`
	// Consent gives (true) or withdraws (false) the mediators' use of the
	// actor's party's profile.
	Consent *bool `yaml:"consent"`
}

// set reports whether the step has a text action.
func (st *TextStep) set() bool {
	return st.Domain != nil || st.Text != nil || st.Positions != nil || st.Proposal != nil || st.Profile != nil || st.Consent != nil
}

// mergeSteps merges the negotiation steps into the timeline by time; a
// step without a time follows the one before it in its own list, and at
// the same time the timeline's step comes first.
func mergeSteps(timeline, negotiation []Step) []Step {
	at := func(steps []Step) []Step {
		out := slices.Clone(steps)
		for i := 1; i < len(out); i++ {
			if out[i].At.IsZero() {
				out[i].At = out[i-1].At
			}
		}
		return out
	}
	a, b := at(timeline), at(negotiation)
	out := make([]Step, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || len(a) > 0 && !b[0].At.Before(a[0].At) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// runText runs a text action; labels holds message labels and, as
// "clause:KEY", clause ids.
func runText(ctx context.Context, ts *talks.Service, u *parley.User, id string, st *TextStep, labels map[string]string) error {
	switch {
	case st.Domain != nil:
		_, err := ts.SetDomain(ctx, u, id, talks.NewDomain{Source: *st.Domain})
		return err
	case st.Text != nil:
		nv := talks.NewVersion{Reason: st.Text.Reason}
		for _, c := range st.Text.Clauses {
			nv.Clauses = append(nv.Clauses, talks.NewClause{ID: labels["clause:"+c.Key], Title: c.Title, Body: c.Body})
		}
		tv, err := ts.ReviseText(ctx, u, id, nv)
		if err != nil {
			return err
		}
		for i, c := range st.Text.Clauses {
			labels["clause:"+c.Key] = tv.Clauses[i].ID
		}
		return nil
	case st.Positions != nil:
		tv, err := ts.Text(ctx, u, id, 0)
		if err != nil {
			return err
		}
		np := talks.NewPositions{Version: tv.Version}
		for _, p := range st.Positions {
			clause, ok := labels["clause:"+p.Clause]
			if !ok {
				return fmt.Errorf("no clause with key %q", p.Clause)
			}
			np.Positions = append(np.Positions, talks.NewPosition{Clause: clause, Stance: p.Stance, Comment: p.Comment, Wording: p.Wording})
		}
		_, err = ts.RecordPositions(ctx, u, id, np)
		return err
	case st.Proposal != nil:
		p := st.Proposal
		m, err := ts.Propose(ctx, u, id, talks.NewProposal{Room: p.Room, Package: p.Package, Note: p.Note, Disclosure: p.Disclosure})
		if err != nil {
			return err
		}
		if p.Label != "" {
			labels[p.Label] = m.ID
		}
		return nil
	case st.Profile != nil:
		_, err := ts.PutProfile(ctx, u, id, talks.NewProfile{Source: st.Profile.Source, Format: st.Profile.Format})
		return err
	case st.Consent != nil:
		_, err := ts.SetConsent(ctx, u, id, *st.Consent)
		return err
	}
	return fmt.Errorf("step has no action")
}
