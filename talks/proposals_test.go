package talks_test

import (
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// testDomain is a small negotiation domain: 16 × 3 × 3 packages.
const testDomain = `name: ceasefire
issues:
  - name: days
    range: {low: 0, high: 90, step: 6}
  - name: phase-1
    options: ["10", "20", "33"]
  - name: rafah
    options: [closed, humanitarian, open]
`

// setDomain sets testDomain as qatar.
func setDomain(t *testing.T, e *fixture.Env) {
	t.Helper()
	if _, err := e.Talks.SetDomain(ctx, e.U("qatar"), e.TalksID, talks.NewDomain{Source: testDomain}); err != nil {
		t.Fatal(err)
	}
}

// propose posts a proposal as user in room, failing the test on error.
func propose(t *testing.T, e *fixture.Env, user, room string, pkg map[string]string, note string) *parley.Message {
	t.Helper()
	m, err := e.Talks.Propose(ctx, e.U(user), e.TalksID, talks.NewProposal{Room: room, Package: pkg, Note: note})
	if err != nil {
		t.Fatalf("%s proposing in %s: %v", user, room, err)
	}
	return m
}

func TestDomainAndProposals(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	pkg := map[string]string{"days": "42", "phase-1": "33", "rafah": "humanitarian"}

	t.Run("NoDomainYet", func(t *testing.T) {
		_, err := e.Talks.Domain(ctx, e.U("israel"), id)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Propose(ctx, e.U("israel"), id, talks.NewProposal{Room: "caucus:israel", Package: pkg})
		code(t, err, parley.ECONFLICT)
	})
	t.Run("SetDomainRules", func(t *testing.T) {
		_, err := e.Talks.SetDomain(ctx, e.U("israel"), id, talks.NewDomain{Source: testDomain})
		code(t, err, parley.EFORBIDDEN)
		for _, u := range []string{"observer", "operator", "outsider"} {
			_, err := e.Talks.SetDomain(ctx, e.U(u), id, talks.NewDomain{Source: testDomain})
			code(t, err, parley.ENOTFOUND)
		}
		for _, bad := range []string{"", "issues: []", "issues:\n  - name: a\n    options: [x, x]", "{not yaml"} {
			_, err := e.Talks.SetDomain(ctx, e.U("qatar"), id, talks.NewDomain{Source: bad})
			code(t, err, parley.EINVALID)
		}
	})
	// GeniusWeb JSON is read like parley's own format.
	gw := `{"name":"gw","issuesValues":{"a":{"values":["x","y"]},"b":{"range":{"low":1,"high":3,"step":1}}}}`
	v, err := e.Talks.SetDomain(ctx, e.U("envoy"), id, talks.NewDomain{Source: gw})
	if err != nil || v.Name != "gw" || len(v.Issues) != 2 || v.Outcomes != "6" {
		t.Fatalf("GeniusWeb domain: %+v, %v", v, err)
	}
	setDomain(t, e)
	t.Run("ReadDomain", func(t *testing.T) {
		for _, u := range []string{"qatar", "israel", "hamas"} {
			v, err := e.Talks.Domain(ctx, e.U(u), id)
			if err != nil || v.Name != "ceasefire" || v.Outcomes != "144" || v.Issues[0].Range == nil || v.Issues[0].Range.Step != 6 || len(v.Issues[2].Options) != 3 {
				t.Fatalf("%s reads %+v, %v", u, v, err)
			}
		}
		for _, u := range []string{"observer", "operator", "outsider"} {
			_, err := e.Talks.Domain(ctx, e.U(u), id)
			code(t, err, parley.ENOTFOUND)
		}
	})

	t.Run("ProposeRules", func(t *testing.T) {
		bad := []map[string]string{
			nil,
			{"days": "42", "phase-1": "33"},
			{"days": "43", "phase-1": "33", "rafah": "open"},
			{"days": "42", "phase-1": "33", "rafah": "open", "extra": "x"},
		}
		for i, p := range bad {
			_, err := e.Talks.Propose(ctx, e.U("israel"), id, talks.NewProposal{Room: "caucus:israel", Package: p})
			if parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("case %d: %v, want invalid", i, err)
			}
		}
		_, err := e.Talks.Propose(ctx, e.U("israel"), id, talks.NewProposal{Room: "caucus:hamas", Package: pkg})
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Propose(ctx, e.U("israel"), id, talks.NewProposal{Room: "private:israel", Package: pkg})
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Propose(ctx, e.U("observer"), id, talks.NewProposal{Room: "briefing", Package: pkg})
		code(t, err, parley.EFORBIDDEN)
	})

	m := propose(t, e, "israel", "caucus:israel", map[string]string{"days": "42.0", "phase-1": "33", "rafah": "humanitarian"}, "our opening")
	t.Run("Proposal", func(t *testing.T) {
		if m.Proposal == nil || m.Proposal.Package["days"] != "42" || m.Proposal.Note != "our opening" {
			t.Fatalf("proposal %+v", m.Proposal)
		}
		if m.Text != "Proposal: days: 42; phase-1: 33; rafah: humanitarian\n\nour opening" {
			t.Errorf("text %q", m.Text)
		}
		got, err := e.Talks.Message(ctx, e.U("qatar"), id, "caucus:israel", m.ID)
		if err != nil || got.Proposal == nil || got.Proposal.Package["rafah"] != "humanitarian" {
			t.Fatalf("read back: %+v, %v", got, err)
		}
		found, err := e.Talks.Search(ctx, e.U("israel2"), id, "humanitarian", 0)
		if err != nil || len(found) != 1 || found[0].Proposal == nil {
			t.Fatalf("search: %+v, %v", found, err)
		}
		if found, _ := e.Talks.Search(ctx, e.U("hamas"), id, "humanitarian", 0); len(found) != 0 {
			t.Fatalf("hamas finds %+v", found)
		}
		_, err = e.Talks.SetDomain(ctx, e.U("qatar"), id, talks.NewDomain{Source: testDomain})
		code(t, err, parley.ECONFLICT)
	})
	t.Run("RelayKeepsStructure", func(t *testing.T) {
		r, err := e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: m.ID, TargetRoom: "caucus:hamas", Mode: parley.Verbatim, Attribution: parley.Anonymous})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Talks.Messages(ctx, e.U("hamas"), id, "caucus:hamas", 0, 0)
		if err != nil || len(p.Messages) != 1 || p.Messages[0].ID != r.ID || p.Messages[0].Proposal == nil || p.Messages[0].Proposal.Note != "our opening" || p.Messages[0].Proposal.Package["days"] != "42" {
			t.Fatalf("hamas reads %+v, %v", p, err)
		}
		para, err := e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: m.ID, TargetRoom: "plenary", Mode: parley.Paraphrase, Attribution: parley.Attributed, Text: "Israel suggests six weeks."})
		if err == nil {
			t.Fatalf("relay to a closed plenary: %+v", para)
		}
		e.Talks.SetPlenary(ctx, e.U("qatar"), id, true)
		para, err = e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: m.ID, TargetRoom: "plenary", Mode: parley.Paraphrase, Attribution: parley.Attributed, Text: "Israel suggests six weeks."})
		if err != nil || para.Proposal == nil || para.Proposal.Note != "" || para.Proposal.Package["phase-1"] != "33" || para.Text != "Israel suggests six weeks." {
			t.Fatalf("paraphrase: %+v, %v", para, err)
		}
	})
	t.Run("ListVisible", func(t *testing.T) {
		propose(t, e, "hamas", "caucus:hamas", map[string]string{"days": "90", "phase-1": "10", "rafah": "open"}, "")
		count := func(u string) int {
			ps, err := e.Talks.Proposals(ctx, e.U(u), id)
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			for _, p := range ps {
				if p.Score != nil || p.Scores != nil {
					t.Errorf("%s sees scores without profiles: %+v", u, p)
				}
			}
			return len(ps)
		}
		// israel: its own and the plenary relay; hamas: the verbatim relay, its
		// own and the plenary relay; mediators: all four.
		for u, want := range map[string]int{"israel": 2, "hamas": 3, "qatar": 4, "observer": 0} {
			if got := count(u); got != want {
				t.Errorf("%s lists %d proposals, want %d", u, got, want)
			}
		}
		for _, u := range []string{"operator", "outsider"} {
			_, err := e.Talks.Proposals(ctx, e.U(u), id)
			code(t, err, parley.ENOTFOUND)
		}
	})
}
