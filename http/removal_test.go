package http_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/ledger"
)

func TestRemoveMemberCutsStreamAtOnce(t *testing.T) {
	e := newEnvConfig(t, slowBeat)
	st := e.openStream(t, "israel2", 0, "")
	mates := e.openStream(t, "israel", 0, "")
	st.collect(100 * time.Millisecond)
	e.must(t, 201, "israel2", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "before the removal"})
	before, err := ledger.ParseBundle(e.must(t, 200, "israel2", "GET", "/api/v1/ledger/bundle", nil))
	if err != nil {
		t.Fatal(err)
	}
	e.must(t, 403, "qatar", "DELETE", e.talks("/delegations/israel/members/israel2"), nil)
	e.must(t, 204, "israel", "DELETE", e.talks("/delegations/israel/members/israel2"), map[string]string{"reason": "phone lost"})
	st.ended(t, 2*time.Second)
	e.must(t, 401, "israel2", "GET", "/api/v1/me", nil)
	// What follows is not theirs: signed in again, they are in no talks.
	e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "after the removal"})
	c := e.browser(t, "israel2")
	for _, path := range []string{e.talks(""), e.talks("/rooms/caucus:israel/messages"), "/api/v1/ledger/bundle", "/api/v1/ledger/checkpoint"} {
		if code, body := get(t, c, e.srv.URL+path); code != 404 || strings.Contains(body, "after the removal") {
			t.Errorf("removed member GET %s: %d %s", path, code, body)
		}
	}
	found := false
	for _, ev := range mates.collect(300 * time.Millisecond) {
		found = found || ev.Kind == "member.removed" && strings.Contains(ev.Data, "phone lost")
	}
	if !found {
		t.Errorf("the delegation was not told of the removal")
	}
	// What they exported before stays theirs: it verifies, and the log
	// they were shown is still the prefix of the log now.
	key := e.Signer.VerifierKey()
	old, err := ledger.VerifyBundleCheckpoint(before, key)
	if err != nil {
		t.Fatal(err)
	}
	now := e.must(t, 200, "israel", "GET", "/api/v1/ledger/checkpoint", nil)
	var p ledger.ConsistencyProof
	if err := json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/ledger/proof/consistency?from="+itoa(old.Tree.N), nil), &p); err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyConsistency(old.Note, now, p, key); err != nil {
		t.Errorf("the removed member's bundle no longer agrees with the log: %v", err)
	}
}

func TestRemoveDelegationCutsStreams(t *testing.T) {
	e := newEnvConfig(t, slowBeat)
	st := e.openStream(t, "hamas", 0, "")
	st.collect(100 * time.Millisecond)
	e.must(t, 400, "qatar", "POST", e.talks("/delegations/hamas/removal"), map[string]string{})
	e.must(t, 403, "israel", "POST", e.talks("/delegations/hamas/removal"), map[string]string{"reason": "enemies"})
	out := e.must(t, 200, "qatar", "POST", e.talks("/delegations/hamas/removal"), map[string]string{"reason": "walked out for good"})
	if !strings.Contains(string(out), `"presence":"removed"`) {
		t.Errorf("removal answers %s", out)
	}
	st.ended(t, 2*time.Second)
	e.must(t, 401, "hamas", "GET", "/api/v1/me", nil)
	e.must(t, 409, "qatar", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "hello?"})
}

// TestBrowserRemovedMemberPageLeaves: a member's open room page stops
// showing the room the moment they are removed.
func TestBrowserRemovedMemberPageLeaves(t *testing.T) {
	bin := chromium(t)
	e := newEnvConfig(t, slowBeat)
	b := browser(t, bin)
	signIn(t, b, e.srv.URL, "israel2")
	post := e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "the plan for phase two"})
	_ = post
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel"),
		chromedp.WaitVisible(`//p[contains(., "the plan for phase two")]`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the page's stream connect
	start := time.Now()
	e.must(t, 204, "israel", "DELETE", e.talks("/delegations/israel/members/israel2"), nil)
	if err := chromedp.Do(b, chromedp.WaitVisible(`input[name=name]`)); err != nil {
		t.Fatalf("the page did not leave: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the page left after %s", d)
	}
	text, err := chromedp.Run(b, chromedp.Text(`body`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "the plan for phase two") {
		t.Errorf("the removed member's page still shows the caucus")
	}
}

// TestLedgerHiddenFromNonMembers: someone in no talks, the operator
// included, learns nothing of the log, not even its size.
func TestLedgerHiddenFromNonMembers(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"outsider", "operator"} {
		for _, p := range []string{"checkpoint", "key", "leaves", "proof/inclusion?index=0", "proof/consistency?from=1", "entries/1", "bundle"} {
			e.must(t, 404, who, "GET", "/api/v1/ledger/"+p, nil)
		}
	}
	for _, p := range []string{"checkpoint", "key", "leaves", "proof/inclusion?index=0", "proof/consistency?from=1", "bundle"} {
		e.must(t, 200, "observer", "GET", "/api/v1/ledger/"+p, nil)
	}
}
