package talks_test

import (
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

const partyProfile = `reservation: 0.2
weights: {days: 0.5, phase-1: 0.25, rafah: 0.25}
scores:
  days: [[0, 0], [90, 1]]
  phase-1: {"10": 1, "20": 0.5, "33": 0}
  rafah: {closed: 0, humanitarian: 0.5, open: 1}
`

func TestProfileRules(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	_, err := e.Talks.PutProfile(ctx, e.U("hamas"), id, talks.NewProfile{Source: partyProfile})
	code(t, err, parley.ECONFLICT) // no domain yet
	setDomain(t, e)
	if _, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionWithdraw, "negotiators left Doha"); err != nil {
		t.Fatal(err)
	}
	// A withdrawn party's office stays open: it may still upload its profile.
	v, err := e.Talks.PutProfile(ctx, e.U("hamas"), id, talks.NewProfile{Source: partyProfile})
	if err != nil || !v.HasProfile || v.Format != "yaml" || v.Profile.Reservation != 0.2 || v.Problem != "" {
		t.Fatalf("upload while withdrawn: %+v, %v", v, err)
	}
	if v, err = e.Talks.SetConsent(ctx, e.U("hamas"), id, true); err != nil || !v.Consent {
		t.Fatalf("consent while withdrawn: %+v, %v", v, err)
	}
	_, err = e.Talks.PutProfile(ctx, e.U("israel"), id, talks.NewProfile{Source: "weights: {days: 1}"})
	code(t, err, parley.EINVALID)
	_, err = e.Talks.PutProfile(ctx, e.U("israel"), id, talks.NewProfile{Source: partyProfile, Format: "excel"})
	code(t, err, parley.EINVALID)
	for _, u := range []string{"qatar", "observer", "operator", "outsider"} {
		_, err := e.Talks.Profile(ctx, e.U(u), id)
		code(t, err, parley.ENOTFOUND)
	}

	// Once the talks are over, a party may withdraw consent and delete its
	// profile, but not give consent or upload.
	if _, err := e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionCollapse, "over"); err != nil {
		t.Fatal(err)
	}
	_, err = e.Talks.PutProfile(ctx, e.U("hamas"), id, talks.NewProfile{Source: partyProfile})
	code(t, err, parley.ECONFLICT)
	_, err = e.Talks.SetConsent(ctx, e.U("israel"), id, true)
	code(t, err, parley.ECONFLICT)
	if v, err = e.Talks.SetConsent(ctx, e.U("hamas"), id, false); err != nil || v.Consent {
		t.Fatalf("withdraw consent: %+v, %v", v, err)
	}
	if err := e.Talks.DeleteProfile(ctx, e.U("hamas"), id); err != nil {
		t.Fatal(err)
	}
	code(t, e.Talks.DeleteProfile(ctx, e.U("hamas"), id), parley.ENOTFOUND)
}

const otherProfile = `reservation: 0.25
weights: {days: 0.3, phase-1: 0.5, rafah: 0.2}
scores:
  days: [[0, 1], [90, 0]]
  phase-1: {"10": 0, "20": 0.5, "33": 1}
  rafah: {closed: 1, humanitarian: 0.6, open: 0}
`

func TestSettlementAndDance(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	setDomain(t, e)
	ip := propose(t, e, "israel", "caucus:israel", map[string]string{"days": "12", "phase-1": "33", "rafah": "closed"}, "")
	propose(t, e, "israel", "caucus:israel", map[string]string{"days": "30", "phase-1": "33", "rafah": "humanitarian"}, "")
	propose(t, e, "hamas", "caucus:hamas", map[string]string{"days": "90", "phase-1": "10", "rafah": "open"}, "")
	for u, src := range map[string]string{"israel": otherProfile, "hamas": partyProfile} {
		if _, err := e.Talks.PutProfile(ctx, e.U(u), id, talks.NewProfile{Source: src}); err != nil {
			t.Fatal(err)
		}
	}
	// Without consent, mediators get names only.
	sv, err := e.Talks.Settlement(ctx, e.U("qatar"), id)
	if err != nil || sv.Complete || len(sv.Parties) != 2 || sv.Parties[0].Consent || sv.Parties[0].Profile != nil || len(sv.Frontier) != 0 {
		t.Fatalf("settlement without consent: %+v, %v", sv, err)
	}
	_, err = e.Talks.Improve(ctx, e.U("qatar"), id, ip.ID)
	code(t, err, parley.ECONFLICT)
	for _, u := range []string{"israel", "hamas"} {
		if _, err := e.Talks.SetConsent(ctx, e.U(u), id, true); err != nil {
			t.Fatal(err)
		}
	}
	sv, err = e.Talks.Settlement(ctx, e.U("qatar"), id)
	if err != nil || !sv.Complete || sv.NoAgreement || sv.Nash == nil || sv.FrontierSize == 0 {
		t.Fatalf("settlement: %+v, %v", sv, err)
	}
	// The frontier's ends are each party's best package.
	first, last := sv.Frontier[0], sv.Frontier[len(sv.Frontier)-1]
	israel, hamas := sv.Parties[0].ID, sv.Parties[1].ID
	if sv.Parties[0].Slug == "hamas" {
		israel, hamas = hamas, israel
	}
	if max(first.Utilities[israel], last.Utilities[israel]) < 0.999 || max(first.Utilities[hamas], last.Utilities[hamas]) < 0.999 {
		t.Errorf("frontier ends: %+v %+v", first, last)
	}
	im, err := e.Talks.Improve(ctx, e.U("envoy"), id, ip.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range im.Improvements {
		if p.Utilities[israel] < im.Base.Utilities[israel] || p.Utilities[hamas] < im.Base.Utilities[hamas] {
			t.Errorf("not an improvement: %+v over %+v", p, im.Base)
		}
	}
	_, err = e.Talks.Improve(ctx, e.U("envoy"), id, "m_nothing")
	code(t, err, parley.ENOTFOUND)

	d, err := e.Talks.Dance(ctx, e.U("qatar"), id)
	if err != nil || len(d.Series) != 2 || len(d.Scored) != 2 || d.Nash == nil || len(d.Frontier) == 0 {
		t.Fatalf("mediators' dance: %+v, %v", d, err)
	}
	mine, err := e.Talks.Dance(ctx, e.U("israel2"), id)
	if err != nil || len(mine.Series) != 1 || len(mine.Series[0].Moves) != 2 || len(mine.Scored) != 1 || mine.Scored[0].ID != israel || mine.Nash != nil || len(mine.Frontier) != 0 {
		t.Fatalf("israel's dance: %+v, %v", mine, err)
	}
	for _, mv := range mine.Series[0].Moves {
		if len(mv.Utilities) != 1 || mv.Utilities[hamas] != 0 {
			t.Errorf("israel's dance move scored for others: %+v", mv)
		}
	}
	for _, u := range []string{"observer", "operator", "outsider"} {
		_, err := e.Talks.Dance(ctx, e.U(u), id)
		code(t, err, parley.ENOTFOUND)
	}
}
