package http_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/talks"
)

// secretComment is a word only Israel's positions contain.
const secretComment = "zebracrossing"

func TestPositionsPrivacy(t *testing.T) {
	e := newEnv(t)
	streams := map[string]*stream{}
	for _, u := range []string{"qatar", "israel", "hamas", "observer", "operator", "outsider"} {
		streams[u] = e.openStream(t, u, 0, "")
	}
	v1 := e.postText(t, firstDraft)
	np := talks.NewPositions{Version: 1}
	for _, c := range v1.Clauses {
		np.Positions = append(np.Positions, talks.NewPosition{Clause: c.ID, Stance: parley.Reject, Comment: secretComment, Wording: secretComment + " wording"})
	}
	var mine talks.PositionsView
	json.Unmarshal(e.must(t, 200, "israel", "POST", e.talks("/text/positions"), np), &mine)
	if len(mine.Clauses) != 3 || len(mine.Clauses[0].Positions) != 1 {
		t.Fatalf("israel's positions: %+v", mine)
	}
	e.must(t, 403, "qatar", "POST", e.talks("/text/positions"), np)
	for _, u := range []string{"observer", "operator", "outsider"} {
		e.must(t, 404, u, "POST", e.talks("/text/positions"), np)
	}
	e.must(t, 400, "israel", "POST", e.talks("/text/positions"), `{"version":1,"positions":[{"clause":"x","stance":"accept","extra":1}]}`)

	// Every read path: the positions resource, the text, search, a ledger
	// entry, the event stream and the bundle.
	t.Run("Endpoints", func(t *testing.T) {
		for _, u := range []string{"hamas", "qatar", "israel", "israel2"} {
			body := string(e.must(t, 200, u, "GET", e.talks("/text/positions"), nil))
			want := u != "hamas"
			if strings.Contains(body, secretComment) != want {
				t.Errorf("%s sees Israel's comment: %v, want %v: %s", u, !want, want, body)
			}
			text := string(e.must(t, 200, u, "GET", e.talks("/text"), nil))
			if strings.Contains(text, secretComment) || strings.Contains(text, "reject") {
				t.Errorf("%s: the text view carries positions: %s", u, text)
			}
			if s := string(e.must(t, 200, u, "GET", e.talks("/search?q="+secretComment), nil)); strings.Contains(s, secretComment) {
				t.Errorf("%s finds positions by search: %s", u, s)
			}
		}
		for _, u := range []string{"observer", "operator", "outsider"} {
			e.must(t, 404, u, "GET", e.talks("/text/positions"), nil)
		}
		seq := itoa(mine.Clauses[0].Positions[mine.Parties[0].ID].EventSeq)
		e.must(t, 404, "hamas", "GET", "/api/v1/ledger/entries/"+seq, nil)
		e.must(t, 404, "observer", "GET", "/api/v1/ledger/entries/"+seq, nil)
		e.must(t, 200, "israel2", "GET", "/api/v1/ledger/entries/"+seq, nil)
		e.must(t, 200, "envoy", "GET", "/api/v1/ledger/entries/"+seq, nil)
	})
	t.Run("StreamAndBundle", func(t *testing.T) {
		for u, s := range streams {
			saw := false
			for _, ev := range s.collect(300 * time.Millisecond) {
				saw = saw || strings.Contains(ev.Data, secretComment)
			}
			if want := u == "qatar" || u == "israel"; saw != want {
				t.Errorf("%s streamed Israel's positions: %v, want %v", u, saw, want)
			}
		}
		for _, u := range []string{"hamas", "observer", "operator", "israel", "qatar"} {
			rooms, b := e.bundleRooms(t, u)
			saw := false
			for _, en := range b.Entries {
				saw = saw || strings.Contains(string(en.Canonical), secretComment)
			}
			if want := u == "israel" || u == "qatar"; saw != want {
				t.Errorf("%s's bundle holds Israel's positions: %v, want %v", u, saw, want)
			}
			if u == "israel" && len(rooms["caucus:israel"]) != 1 {
				t.Errorf("israel's bundle: %v", rooms)
			}
		}
	})
}

func TestResetAndAgreementAPI(t *testing.T) {
	e := newEnv(t)
	v1 := e.postText(t, firstDraft)
	all := func(v talks.TextView, stance parley.Stance) talks.NewPositions {
		np := talks.NewPositions{Version: v.Version}
		for _, c := range v.Clauses {
			np.Positions = append(np.Positions, talks.NewPosition{Clause: c.ID, Stance: stance})
		}
		return np
	}
	e.must(t, 200, "israel", "POST", e.talks("/text/positions"), all(v1, parley.Accept))
	e.must(t, 200, "hamas", "POST", e.talks("/text/positions"), all(v1, parley.Accept))
	// A new version rewords clause 1: its positions reset, the rest carry.
	nv := talks.NewVersion{Reason: "tighter", Clauses: []talks.NewClause{
		{ID: v1.Clauses[0].ID, Title: v1.Clauses[0].Title, Body: "A ceasefire of 60 days."},
		{ID: v1.Clauses[1].ID, Title: v1.Clauses[1].Title, Body: v1.Clauses[1].Body},
		{ID: v1.Clauses[2].ID, Title: v1.Clauses[2].Title, Body: v1.Clauses[2].Body},
	}}
	v2 := e.postText(t, nv)
	var m talks.PositionsView
	json.Unmarshal(e.must(t, 200, "qatar", "GET", e.talks("/text/positions"), nil), &m)
	if len(m.Clauses[0].Positions) != 0 || len(m.Clauses[1].Positions) != 2 {
		t.Fatalf("matrix after the change: %+v", m.Clauses)
	}
	for _, p := range m.Clauses[2].Positions {
		if !p.Carried || p.Recorded != 1 {
			t.Errorf("not carried: %+v", p)
		}
	}
	code, out := e.do(t, "qatar", "POST", e.talks("/text/agree"), map[string]any{})
	if code != 409 || !strings.Contains(string(out), "nothing is agreed until everything is agreed") {
		t.Fatalf("agree too early: %d %s", code, out)
	}
	e.must(t, 200, "israel", "POST", e.talks("/text/positions"), all(v2, parley.Accept))
	e.must(t, 200, "hamas", "POST", e.talks("/text/positions"), all(v2, parley.Accept))
	e.must(t, 403, "israel", "POST", e.talks("/text/agree"), map[string]any{})
	e.must(t, 404, "observer", "POST", e.talks("/text/agree"), map[string]any{})
	code, out = e.do(t, "qatar", "POST", e.talks("/text/agree"), map[string]any{"stage": "ceasefire"})
	if code != 201 {
		t.Fatalf("agree: %d %s", code, out)
	}
	var a parley.Agreement
	json.Unmarshal(out, &a)
	if a.TextVersion != 2 || a.Stage != parley.StageCeasefire {
		t.Fatalf("agreement %+v", a)
	}
	var k struct{ Status string }
	json.Unmarshal(e.must(t, 200, "observer", "GET", e.talks(""), nil), &k)
	if k.Status != "concluded" {
		t.Fatalf("talks %s", k.Status)
	}
	e.must(t, 200, "observer", "GET", e.talks("/agreements/"+a.ID), nil)
}
