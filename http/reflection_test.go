package http_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/talks"
)

// reflectAs asks for a reflection of proposal as user and returns the
// view and the raw body.
func (e *env) reflectAs(t *testing.T, user, proposal string) (talks.ReflectionView, string) {
	t.Helper()
	body := e.must(t, 201, user, "POST", e.talks("/reflections"), talks.NewReflection{Proposal: proposal})
	var v talks.ReflectionView
	json.Unmarshal(body, &v)
	return v, string(body)
}

// reflection reads one reflection as user.
func (e *env) reflection(t *testing.T, user, id string) talks.ReflectionView {
	t.Helper()
	var v talks.ReflectionView
	json.Unmarshal(e.must(t, 200, user, "GET", e.talks("/reflections/"+id), nil), &v)
	return v
}

var idsAndTimes = regexp.MustCompile(`"(id|created_at|updated_at)":"[^"]*"`)

// TestReflectionDisclosure walks a reflection step by step and checks
// what each side learns at each step (docs/settle.md, "Reflection").
func TestReflectionDisclosure(t *testing.T) {
	e := newEnv(t)
	ids := e.settlementTalks(t)
	streams := map[string]*stream{}
	for _, u := range []string{"israel", "hamas", "qatar", "observer", "operator"} {
		streams[u] = e.openStream(t, u, -1, "")
	}
	e.must(t, 409, "israel", "POST", e.talks("/reflections"), talks.NewReflection{Proposal: ids["qatar"]}) // no profile of its own
	e.must(t, 200, "israel", "PUT", e.talks("/profile"), talks.NewProfile{Source: israelProfile})

	t.Run("Refusals", func(t *testing.T) {
		e.must(t, 404, "israel", "POST", e.talks("/reflections"), talks.NewReflection{Proposal: ids["hamas"]})
		code, out := e.do(t, "israel", "POST", e.talks("/reflections"), talks.NewReflection{Proposal: "m_nothing"})
		if code != 404 || strings.Contains(string(out), "profile") {
			t.Errorf("unknown proposal: %d %s", code, out)
		}
		// Hamas's own proposal relayed to Israel is below Israel's reservation.
		var rel parley.Message
		json.Unmarshal(e.must(t, 201, "qatar", "POST", e.talks("/relays"), talks.NewRelay{SourceRoom: "caucus:hamas", MessageID: ids["hamas"], TargetRoom: "caucus:israel", Mode: parley.Verbatim, Attribution: parley.Anonymous}), &rel)
		code, out = e.do(t, "israel", "POST", e.talks("/reflections"), talks.NewReflection{Proposal: rel.ID})
		if code != 409 || !strings.Contains(string(out), "below your reservation value") {
			t.Errorf("unacceptable proposal: %d %s", code, out)
		}
		for _, u := range []string{"qatar", "observer", "operator", "outsider"} {
			e.must(t, 404, u, "POST", e.talks("/reflections"), talks.NewReflection{Proposal: ids["qatar"]})
			e.must(t, 404, u, "GET", e.talks("/reflections"), nil)
		}
	})

	// Step 1 — the request. Israel's answer is the same whether or not
	// Hamas has a profile.
	r1, body1 := e.reflectAs(t, "israel", ids["qatar"])
	e.must(t, 200, "hamas", "PUT", e.talks("/profile"), talks.NewProfile{Source: hamasProfile})
	r2, body2 := e.reflectAs(t, "israel", ids["qatar"])
	t.Run("RequestRevealsNothing", func(t *testing.T) {
		if idsAndTimes.ReplaceAllString(body1, "") != idsAndTimes.ReplaceAllString(body2, "") {
			t.Fatalf("the requester's answer depends on the other side's profile:\n%s\n%s", body1, body2)
		}
		if r2.Role != "requester" || r2.State != "waiting" || r2.Package["days"] != "42" || r2.Score == nil || r2.Offered != nil || r2.Optimal != nil {
			t.Fatalf("requester's view: %s", body2)
		}
	})

	// Step 2 — what the other side is shown.
	var hamasScoreOfP float64
	var list struct{ Proposals []talks.ProposalView }
	json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/proposals"), nil), &list)
	for _, p := range list.Proposals {
		if p.ID == ids["qatar"] {
			hamasScoreOfP = *p.Score
		}
	}
	h1, h2 := e.reflection(t, "hamas", r1.ID), e.reflection(t, "hamas", r2.ID)
	t.Run("ResponderSees", func(t *testing.T) {
		if !h1.Unavailable || h1.Offered != nil || h1.Package != nil || h1.Proposal != "" {
			t.Errorf("reflection asked before Hamas had a profile: %+v", h1)
		}
		if h2.Role != "responder" || h2.Unavailable || h2.Offered == nil || h2.Package != nil || h2.Proposal != "" || h2.Optimal != nil || h2.Score == nil {
			t.Fatalf("responder's view: %+v", h2)
		}
		if *h2.Score < hamasScoreOfP {
			t.Errorf("offered package worth %v to Hamas, less than the proposal's %v", *h2.Score, hamasScoreOfP)
		}
		body := string(e.must(t, 200, "hamas", "GET", e.talks("/reflections/"+r2.ID), nil))
		if strings.Contains(body, ids["qatar"]) || strings.Contains(body, `"package"`) {
			t.Errorf("responder learns the reflected proposal: %s", body)
		}
		e.must(t, 409, "hamas", "POST", e.talks("/reflections/"+r1.ID+"/answer"), map[string]bool{"accept": true})
		e.must(t, 403, "israel", "POST", e.talks("/reflections/"+r2.ID+"/answer"), map[string]bool{"accept": true})
		e.must(t, 400, "hamas", "POST", e.talks("/reflections/"+r2.ID+"/answer"), map[string]any{})
	})

	// Step 3 — a decline tells the requester only that.
	e.must(t, 200, "hamas", "POST", e.talks("/reflections/"+r1.ID+"/answer"), map[string]bool{"accept": false})
	t.Run("Declined", func(t *testing.T) {
		v := e.reflection(t, "israel", r1.ID)
		if v.State != "declined" || v.Offered != nil || v.Optimal != nil {
			t.Errorf("declined, as Israel sees it: %+v", v)
		}
	})

	// Step 4 — acceptance reveals the optimal package to both, each with
	// its own score only.
	var accepted talks.ReflectionView
	json.Unmarshal(e.must(t, 200, "hamas", "POST", e.talks("/reflections/"+r2.ID+"/answer"), map[string]bool{"accept": true}), &accepted)
	t.Run("Revealed", func(t *testing.T) {
		iv := e.reflection(t, "israel", r2.ID)
		if accepted.State != "revealed" || accepted.Optimal == nil || accepted.OptimalScore == nil || accepted.Answer != "accepted" {
			t.Fatalf("Hamas after accepting: %+v", accepted)
		}
		if iv.State != "revealed" || iv.Optimal == nil || iv.Offered != nil || iv.OptimalScore == nil {
			t.Fatalf("Israel after the reveal: %+v", iv)
		}
		for k, v := range iv.Optimal {
			if accepted.Optimal[k] != v {
				t.Fatalf("both see different packages: %v %v", iv.Optimal, accepted.Optimal)
			}
		}
		if *iv.OptimalScore < *iv.Score || *accepted.OptimalScore < *accepted.Score {
			t.Errorf("the optimal package is worse for a side than what it accepted: Israel %v < %v or Hamas %v < %v",
				*iv.OptimalScore, *iv.Score, *accepted.OptimalScore, *accepted.Score)
		}
		e.must(t, 409, "hamas", "POST", e.talks("/reflections/"+r2.ID+"/answer"), map[string]bool{"accept": true})
		e.must(t, 409, "israel", "DELETE", e.talks("/reflections/"+r2.ID), nil)
	})

	t.Run("Withdraw", func(t *testing.T) {
		r3, _ := e.reflectAs(t, "israel", ids["qatar"])
		e.must(t, 403, "hamas", "DELETE", e.talks("/reflections/"+r3.ID), nil)
		e.must(t, 204, "israel", "DELETE", e.talks("/reflections/"+r3.ID), nil)
		if v := e.reflection(t, "hamas", r3.ID); v.State != "withdrawn" {
			t.Errorf("withdrawn, as Hamas sees it: %+v", v)
		}
	})

	t.Run("NobodyElse", func(t *testing.T) {
		for u, s := range streams {
			for _, ev := range s.collect(300 * time.Millisecond) {
				if ev.Kind != parley.EventReflection {
					continue
				}
				var pe parley.Event
				json.Unmarshal([]byte(ev.Data), &pe)
				if want := parley.PrivateRoom(u); pe.Room != want {
					t.Errorf("%s streamed a reflection step in %s", u, pe.Room)
				}
				if u == "hamas" && strings.Contains(ev.Data, ids["qatar"]) {
					t.Errorf("Hamas's stream names the reflected proposal: %s", ev.Data)
				}
				if u == "israel" && strings.Contains(ev.Data, "offered") && strings.Contains(ev.Data, `"offered":{`) {
					t.Errorf("Israel's stream shows the offered package: %s", ev.Data)
				}
			}
		}
		for _, u := range []string{"qatar", "observer", "operator"} {
			rooms, _ := e.bundleRooms(t, u)
			for room, kinds := range rooms {
				for _, k := range kinds {
					if k == parley.EventReflection || strings.HasPrefix(room, parley.PrivatePrefix) {
						t.Errorf("%s's bundle holds %s in %s", u, k, room)
					}
				}
			}
		}
	})
}
