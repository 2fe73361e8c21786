package http_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/talks"
)

// israelProfile and hamasProfile are opposed profiles over testDomain, in
// parley's YAML and in GeniusWeb JSON.
const (
	israelProfile = `name: israel
reservation: 0.3
weights: {days: 0.3, phase-1: 0.5, rafah: 0.2}
scores:
  days: [[0, 1], [90, 0]]
  phase-1: {"10": 0, "20": 0.5, "33": 1}
  rafah: {closed: 1, humanitarian: 0.6, open: 0}
`
	hamasProfile = `{"LinearAdditiveUtilitySpace": {"name": "hamas",
  "issueWeights": {"days": 0.5, "phase-1": 0.2, "rafah": 0.3},
  "issueUtilities": {
    "days": {"NumberValueSetUtilities": {"lowValue": 0, "lowUtility": 0, "highValue": 90, "highUtility": 1}},
    "phase-1": {"DiscreteValueSetUtilities": {"valueUtilities": {"10": 1, "20": 0.6, "33": 0}}},
    "rafah": {"DiscreteValueSetUtilities": {"valueUtilities": {"closed": 0, "humanitarian": 0.5, "open": 1}}}},
  "reservationBid": null}}`
)

// settlementTalks sets the test domain and puts proposals on the table:
// Israel's and Hamas's in their caucuses, a mediator's in the plenary.
func (e *env) settlementTalks(t *testing.T) map[string]string {
	t.Helper()
	e.must(t, 200, "qatar", "PUT", e.talks("/domain"), talks.NewDomain{Source: testDomain})
	e.must(t, 200, "qatar", "POST", e.talks("/plenary"), map[string]bool{"open": true})
	ids := map[string]string{}
	for who, np := range map[string]talks.NewProposal{
		"israel": {Room: "caucus:israel", Package: map[string]string{"days": "12", "phase-1": "33", "rafah": "closed"}},
		"hamas":  {Room: "caucus:hamas", Package: map[string]string{"days": "90", "phase-1": "10", "rafah": "open"}},
		"qatar":  {Room: "plenary", Package: map[string]string{"days": "42", "phase-1": "20", "rafah": "humanitarian"}},
	} {
		var m parley.Message
		json.Unmarshal(e.must(t, 201, who, "POST", e.talks("/proposals"), np), &m)
		ids[who] = m.ID
	}
	return ids
}

// profileEndpoints are the GET endpoints that touch profiles or scores.
func profileEndpoints(ids map[string]string) []string {
	return []string{"/profile", "/proposals", "/settlement", "/settlement/improve?proposal=" + ids["qatar"],
		"/settlement/improve?proposal=" + ids["israel"], "/dance", "/domain", "/text"}
}

// snapshot records what user gets from every endpoint that touches
// profiles or scores, and the events of its ledger bundle.
func (e *env) snapshot(t *testing.T, user string, ids map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range profileEndpoints(ids) {
		code, body := e.do(t, user, "GET", e.talks(p), nil)
		out[p] = fmt.Sprintf("%d %s", code, body)
	}
	for _, p := range []string{"/rooms/plenary/messages", "/search?q=Proposal"} {
		code, body := e.do(t, user, "GET", e.talks(p), nil)
		out[p] = fmt.Sprintf("%d %s", code, body)
	}
	b := e.bundleOf(t, user)
	var evs []string
	for _, en := range b.Entries {
		evs = append(evs, string(en.Canonical))
	}
	out["bundle"] = strings.Join(evs, "\n")
	return out
}

// same fails the test where two snapshots differ.
func same(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	for k := range a {
		if a[k] != b[k] {
			t.Errorf("%s: %s differs:\n%s\n%s", what, k, a[k], b[k])
		}
	}
}

// TestProfilePrivacy checks that nobody but a party's own members learns
// anything of its profile, its scores or whether it has one, through any
// endpoint, the event stream or the bundle, unless the party consented:
// then the mediators, and only they, use it, until it withdraws.
func TestProfilePrivacy(t *testing.T) {
	e := newEnv(t)
	ids := e.settlementTalks(t)
	others := []string{"israel", "israel2", "qatar", "envoy", "observer", "operator", "outsider"}
	streams := map[string]*stream{}
	for _, u := range append(others, "hamas") {
		streams[u] = e.openStream(t, u, -1, "")
	}
	before := map[string]map[string]string{}
	for _, u := range others {
		before[u] = e.snapshot(t, u, ids)
	}

	// Hamas uploads a profile (GeniusWeb JSON), without consent.
	e.must(t, 400, "hamas", "PUT", e.talks("/profile"), talks.NewProfile{Source: strings.Replace(hamasProfile, "0.5, \"phase-1\"", "0.4, \"phase-1\"", 1)})
	var pv talks.ProfileView
	json.Unmarshal(e.must(t, 200, "hamas", "PUT", e.talks("/profile"), talks.NewProfile{Source: hamasProfile}), &pv)
	if !pv.HasProfile || pv.Format != "geniusweb" || pv.Consent || pv.Profile.Weights["days"] != 0.5 {
		t.Fatalf("hamas's profile: %+v", pv)
	}
	t.Run("Uploaded", func(t *testing.T) {
		for _, u := range others {
			same(t, u, before[u], e.snapshot(t, u, ids))
		}
		var list struct{ Proposals []talks.ProposalView }
		json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/proposals"), nil), &list)
		for _, p := range list.Proposals {
			if p.Score == nil || p.Scores != nil {
				t.Errorf("hamas's own scores: %+v", p)
			}
		}
		if len(list.Proposals) != 2 || *list.Proposals[0].Score != 1 && *list.Proposals[1].Score != 1 {
			t.Errorf("hamas's proposal should score 1 for it: %+v", list.Proposals)
		}
		e.must(t, 404, "hamas", "GET", e.talks("/settlement"), nil)
	})

	// Israel uploads and consents; Hamas consents: mediators now see both.
	e.must(t, 200, "israel", "PUT", e.talks("/profile"), talks.NewProfile{Source: israelProfile})
	e.must(t, 200, "israel2", "PUT", e.talks("/profile/consent"), nil)
	withIsrael := e.snapshot(t, "qatar", ids)
	hamasStream := e.snapshot(t, "israel", ids)
	e.must(t, 200, "hamas", "PUT", e.talks("/profile/consent"), nil)
	t.Run("Consented", func(t *testing.T) {
		var sv talks.SettlementView
		json.Unmarshal(e.must(t, 200, "envoy", "GET", e.talks("/settlement"), nil), &sv)
		if !sv.Complete || sv.FrontierSize == 0 || sv.Nash == nil || len(sv.Proposals) != 3 || len(sv.Proposals[0].Scores) != 2 {
			t.Fatalf("settlement: %+v", sv)
		}
		var im talks.ImprovementView
		json.Unmarshal(e.must(t, 200, "qatar", "GET", e.talks("/settlement/improve?proposal="+ids["qatar"]), nil), &im)
		if im.Base.Utilities == nil || len(im.Base.Utilities) != 2 {
			t.Fatalf("improve: %+v", im)
		}
		// Israel still learns nothing new of Hamas.
		same(t, "israel", hamasStream, e.snapshot(t, "israel", ids))
		for _, u := range []string{"observer", "operator", "outsider"} {
			same(t, u, before[u], e.snapshot(t, u, ids))
		}
		for _, p := range []string{"/settlement", "/settlement/improve?proposal=" + ids["qatar"]} {
			e.must(t, 404, "israel", "GET", e.talks(p), nil)
			e.must(t, 404, "observer", "GET", e.talks(p), nil)
		}
	})

	// Withdrawal takes effect at once: the mediators are back to what they
	// had with Israel's profile alone.
	e.must(t, 204, "hamas", "DELETE", e.talks("/profile/consent"), nil)
	t.Run("ConsentWithdrawn", func(t *testing.T) {
		now := e.snapshot(t, "qatar", ids)
		delete(now, "bundle")
		same(t, "qatar", now, withIsrael)
	})
	e.must(t, 204, "hamas", "DELETE", e.talks("/profile"), nil)
	e.must(t, 404, "hamas", "DELETE", e.talks("/profile"), nil)
	var gone talks.ProfileView
	json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/profile"), nil), &gone)
	if gone.HasProfile || gone.Consent || gone.Source != "" {
		t.Fatalf("after delete: %+v", gone)
	}

	t.Run("WhoMayChange", func(t *testing.T) {
		for _, u := range []string{"qatar", "observer", "operator", "outsider"} {
			e.must(t, 404, u, "GET", e.talks("/profile"), nil)
			e.must(t, 404, u, "PUT", e.talks("/profile"), talks.NewProfile{Source: israelProfile})
			e.must(t, 404, u, "DELETE", e.talks("/profile"), nil)
			e.must(t, 404, u, "PUT", e.talks("/profile/consent"), nil)
			e.must(t, 404, u, "DELETE", e.talks("/profile/consent"), nil)
		}
		e.must(t, 401, "", "GET", e.talks("/profile"), nil)
		e.must(t, 400, "israel", "PUT", e.talks("/profile"), talks.NewProfile{Source: israelProfile, Format: "xls"})
	})

	t.Run("NothingInTheLog", func(t *testing.T) {
		// The log's size is public: a profile change that appended even an
		// event nobody else can read would tell the mediators, who read
		// every other room, that the party touched its preferences.
		before := e.lastSeq(t)
		e.must(t, 200, "hamas", "PUT", e.talks("/profile"), talks.NewProfile{Source: hamasProfile})
		e.must(t, 200, "hamas", "PUT", e.talks("/profile/consent"), nil)
		e.must(t, 204, "hamas", "DELETE", e.talks("/profile/consent"), nil)
		e.must(t, 204, "hamas", "DELETE", e.talks("/profile"), nil)
		if after := e.lastSeq(t); after != before {
			t.Fatalf("four profile changes grew the log from %d to %d", before, after)
		}
		for u, s := range streams {
			for _, ev := range s.collect(200 * time.Millisecond) {
				if strings.Contains(ev.Data, "issueWeights") || strings.Contains(ev.Data, "0.5") || strings.Contains(ev.Kind, "profile") {
					t.Errorf("%s streamed something of a profile: %s %s", u, ev.Kind, ev.Data)
				}
			}
		}
	})
}
