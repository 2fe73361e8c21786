package talks_test

import (
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// stand records user's party's positions, one stance for every clause.
func stand(t *testing.T, e *fixture.Env, user string, tv *talks.TextView, stance parley.Stance, comment string) *talks.PositionsView {
	t.Helper()
	np := talks.NewPositions{Version: tv.Version}
	for _, c := range tv.Clauses {
		np.Positions = append(np.Positions, talks.NewPosition{Clause: c.ID, Stance: stance, Comment: comment})
	}
	pv, err := e.Talks.RecordPositions(ctx, e.U(user), e.TalksID, np)
	if err != nil {
		t.Fatalf("%s recording positions: %v", user, err)
	}
	return pv
}

func TestPositionsAndAgreement(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	israel, hamas := "", ""
	v, _ := e.Talks.Get(ctx, e.U("qatar"), id)
	for _, d := range v.Delegations {
		switch d.Slug {
		case "israel":
			israel = d.ID
		case "hamas":
			hamas = d.ID
		}
	}
	v1 := revise(t, e, "qatar", draft)

	t.Run("WhoRecords", func(t *testing.T) {
		one := talks.NewPositions{Version: 1, Positions: []talks.NewPosition{{Clause: v1.Clauses[0].ID, Stance: parley.Accept}}}
		_, err := e.Talks.RecordPositions(ctx, e.U("qatar"), id, one)
		code(t, err, parley.EFORBIDDEN)
		for _, u := range []string{"observer", "operator", "outsider"} {
			_, err := e.Talks.RecordPositions(ctx, e.U(u), id, one)
			code(t, err, parley.ENOTFOUND)
			_, err = e.Talks.Positions(ctx, e.U(u), id, 0)
			code(t, err, parley.ENOTFOUND)
		}
		bad := []talks.NewPositions{
			{Version: 1},
			{Version: 1, Positions: []talks.NewPosition{{Clause: v1.Clauses[0].ID, Stance: "maybe"}}},
			{Version: 1, Positions: []talks.NewPosition{{Clause: "c_nope", Stance: parley.Accept}}},
			{Version: 1, Positions: []talks.NewPosition{{Clause: v1.Clauses[0].ID, Stance: parley.Accept}, {Clause: v1.Clauses[0].ID, Stance: parley.Reject}}},
		}
		for i, np := range bad {
			if _, err := e.Talks.RecordPositions(ctx, e.U("israel"), id, np); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("case %d: %v, want invalid", i, err)
			}
		}
		_, err = e.Talks.RecordPositions(ctx, e.U("israel"), id, talks.NewPositions{Version: 2, Positions: one.Positions})
		code(t, err, parley.ECONFLICT)
	})

	stand(t, e, "israel", v1, parley.Accept, "fine")
	pv := stand(t, e, "hamas", v1, parley.Accept, "agreed in principle")
	// Hamas reserves on the Arabic clause, with its own wording.
	pv, err := e.Talks.RecordPositions(ctx, e.U("hamas"), id, talks.NewPositions{Version: 1, Positions: []talks.NewPosition{
		{Clause: v1.Clauses[1].ID, Stance: parley.Reserve, Comment: "all at once", Wording: "يتم إطلاق سراح جميع الرهائن."}}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("PrivateToEachParty", func(t *testing.T) {
		if len(pv.Parties) != 1 || pv.Parties[0].ID != hamas {
			t.Fatalf("hamas sees parties %+v", pv.Parties)
		}
		for _, c := range pv.Clauses {
			if _, ok := c.Positions[israel]; ok || len(c.Positions) != 1 {
				t.Fatalf("hamas sees %+v", c.Positions)
			}
		}
		if p := pv.Clauses[1].Positions[hamas]; p.Stance != parley.Reserve || p.Wording != "يتم إطلاق سراح جميع الرهائن." || p.Carried {
			t.Errorf("hamas's reserve: %+v", p)
		}
		mine, err := e.Talks.Positions(ctx, e.U("israel2"), id, 0)
		if err != nil || len(mine.Parties) != 1 || mine.Parties[0].ID != israel || mine.Clauses[1].Positions[israel].Comment != "fine" {
			t.Fatalf("israel2 sees %+v, %v", mine, err)
		}
		m, err := e.Talks.Positions(ctx, e.U("envoy"), id, 0)
		if err != nil || len(m.Parties) != 2 || len(m.Clauses[1].Positions) != 2 || m.Clauses[1].Positions[hamas].Comment != "all at once" {
			t.Fatalf("mediator's matrix: %+v, %v", m, err)
		}
	})

	t.Run("NothingAgreedUntilEverythingAgreed", func(t *testing.T) {
		tv, _ := e.Talks.Text(ctx, e.U("israel"), id, 0)
		if tv.Status != talks.TextDraft || !tv.Clauses[0].Agreed || tv.Clauses[1].Agreed {
			t.Fatalf("text: status %s, agreed %v %v", tv.Status, tv.Clauses[0].Agreed, tv.Clauses[1].Agreed)
		}
		_, err := e.Talks.AgreeText(ctx, e.U("qatar"), id, talks.AgreeText{})
		code(t, err, parley.ECONFLICT)
		if !strings.Contains(parley.ErrorMessage(err), "nothing is agreed until everything is agreed: clause(s) 2 of version 1") {
			t.Errorf("message: %s", parley.ErrorMessage(err))
		}
		_, err = e.Talks.AgreeText(ctx, e.U("israel"), id, talks.AgreeText{})
		code(t, err, parley.EFORBIDDEN)
		if as, _ := e.Talks.Agreements(ctx, e.U("israel"), id); len(as) != 0 {
			t.Errorf("agreements: %+v", as)
		}
	})

	// Version 2 rewords the Arabic clause and moves the Hebrew one up.
	cs := edit(v1)
	cs[1].Body = "يتم إطلاق سراح جميع الرهائن."
	v2 := revise(t, e, "qatar", talks.NewVersion{Reason: "wording from Hamas", Clauses: []talks.NewClause{cs[0], cs[2], cs[1], cs[3]}})

	t.Run("ResetRule", func(t *testing.T) {
		m, err := e.Talks.Positions(ctx, e.U("qatar"), id, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range m.Clauses {
			changed := c.ID == v1.Clauses[1].ID
			if changed {
				if len(c.Positions) != 0 || c.Since != 2 || c.Agreed {
					t.Errorf("changed clause kept positions: %+v", c)
				}
				continue
			}
			if len(c.Positions) != 2 || c.Since != 1 || !c.Agreed {
				t.Errorf("clause %d: %+v", c.Number, c)
			}
			for _, p := range c.Positions {
				if !p.Carried || p.Recorded != 1 {
					t.Errorf("clause %d: not carried over: %+v", c.Number, p)
				}
			}
		}
		// Version 1 still shows what was recorded on it.
		old, _ := e.Talks.Positions(ctx, e.U("qatar"), id, 1)
		if p := old.Clauses[1].Positions[hamas]; p.Stance != parley.Reserve || p.Carried {
			t.Errorf("version 1's positions: %+v", old.Clauses[1])
		}
		_, err = e.Talks.RecordPositions(ctx, e.U("israel"), id, talks.NewPositions{Version: 1, Positions: []talks.NewPosition{{Clause: v1.Clauses[0].ID, Stance: parley.Accept}}})
		code(t, err, parley.ECONFLICT)
	})

	t.Run("WithdrawnPartyCannotRecord", func(t *testing.T) {
		if _, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionWithdraw, "away"); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.RecordPositions(ctx, e.U("hamas"), id, talks.NewPositions{Version: 2, Positions: []talks.NewPosition{{Clause: v1.Clauses[1].ID, Stance: parley.Accept}}})
		code(t, err, parley.ECONFLICT)
		// It still reads the text and its own positions.
		if _, err := e.Talks.Positions(ctx, e.U("hamas"), id, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionReengage, ""); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Agreement", func(t *testing.T) {
		one := talks.NewPositions{Version: 2, Positions: []talks.NewPosition{{Clause: v1.Clauses[1].ID, Stance: parley.Accept}}}
		if _, err := e.Talks.RecordPositions(ctx, e.U("hamas"), id, one); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.AgreeText(ctx, e.U("qatar"), id, talks.AgreeText{})
		code(t, err, parley.ECONFLICT) // Israel has not accepted the new wording
		if _, err := e.Talks.RecordPositions(ctx, e.U("israel2"), id, one); err != nil {
			t.Fatal(err)
		}
		tv, _ := e.Talks.Text(ctx, e.U("hamas"), id, 0)
		if tv.Status != talks.TextReady {
			t.Fatalf("status %s, want ready", tv.Status)
		}
		_, err = e.Talks.AgreeText(ctx, e.U("qatar"), id, talks.AgreeText{Stage: "final"})
		code(t, err, parley.EINVALID)
		a, err := e.Talks.AgreeText(ctx, e.U("qatar"), id, talks.AgreeText{Summary: "ceasefire, release, aid"})
		if err != nil {
			t.Fatal(err)
		}
		if a.TextVersion != v2.Version || a.Stage != parley.StageFramework || a.Title != "Ceasefire and release" || a.EventSeq == 0 {
			t.Fatalf("agreement: %+v", a)
		}
		k, _ := e.Talks.Get(ctx, e.U("israel"), id)
		if k.Status != parley.TalksConcluded || k.StatusReason != "version 2 of the text agreed" {
			t.Fatalf("talks: %s %q", k.Status, k.StatusReason)
		}
		tv, _ = e.Talks.Text(ctx, e.U("israel"), id, 0)
		if tv.Status != talks.TextAgreed || tv.Agreement == nil || tv.Agreement.ID != a.ID {
			t.Fatalf("text after agreement: %s %+v", tv.Status, tv.Agreement)
		}
		_, err = e.Talks.RecordPositions(ctx, e.U("israel"), id, one)
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.ReviseText(ctx, e.U("qatar"), id, talks.NewVersion{Reason: "late", Clauses: edit(tv)})
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.AgreeText(ctx, e.U("qatar"), id, talks.AgreeText{})
		code(t, err, parley.ECONFLICT)
	})
}

// TestAgreeOnlyTheCurrentVersion: a party accepted version 1, then, on
// version 2, rejected the same, unchanged clause; version 1 cannot be
// declared agreed behind its back.
func TestAgreeOnlyTheCurrentVersion(t *testing.T) {
	e := fixture.New(t)
	v1 := revise(t, e, "qatar", draft)
	stand(t, e, "israel", v1, parley.Accept, "ok")
	stand(t, e, "hamas", v1, parley.Accept, "ok")
	cl := edit(v1)
	cl = append(cl, talks.NewClause{Title: "Guarantors", Body: "Qatar, Egypt and the US guarantee it."})
	v2 := revise(t, e, "qatar", talks.NewVersion{Reason: "guarantors", Clauses: cl})
	if _, err := e.Talks.RecordPositions(ctx, e.U("hamas"), e.TalksID, talks.NewPositions{Version: 2, Positions: []talks.NewPosition{
		{Clause: v2.Clauses[0].ID, Stance: parley.Reject, Comment: "we withdraw our acceptance"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Talks.AgreeText(ctx, e.U("qatar"), e.TalksID, talks.AgreeText{Version: 1})
	code(t, err, parley.ECONFLICT)
}
