package http_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parley/talks"
)

// submit posts a page form with c and returns the redirect's target; the
// flash error, if any, is followed and returned as the page's error.
func submit(t *testing.T, c *http.Client, u string, form url.Values) string {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d", u, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// page fetches a page and returns its body, failing unless the status is want.
func page(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	code, body := get(t, c, u)
	if code != want {
		t.Fatalf("GET %s: %d, want %d: %s", u, code, want, body)
	}
	return body
}

// flashError follows a redirect and returns the error the page shows.
func flashError(t *testing.T, c *http.Client, base, loc string) string {
	t.Helper()
	_, body := get(t, c, base+loc)
	i := strings.Index(body, `class="error" role="alert"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	return rest[:strings.Index(rest, "<")]
}

// lastEventRE matches the ledger size a page's live updates start after:
// public (every checkpoint shows it), and so the one thing that changes on
// a page when anyone anywhere acts.
var lastEventRE = regexp.MustCompile(`data-last-event="[0-9]+"`)

func unstamped(page string) string { return lastEventRE.ReplaceAllString(page, "") }

var negotiationPagePaths = []string{"/text", "/text/positions", "/text/diff", "/proposals", "/profile", "/settlement", "/dance", "/text/edit"}

// TestNegotiationPages drives the pages and their forms: a mediator writes
// and revises the text, parties record positions and proposals and build
// their preferences, the mediator sees the matrix, settlement and dance;
// observers, the operator and outsiders see none of it.
func TestNegotiationPages(t *testing.T) {
	e := newEnv(t)
	base := e.srv.URL + "/talks/" + e.TalksID
	qatar, israel, hamas := e.browser(t, "qatar"), e.browser(t, "israel"), e.browser(t, "hamas")

	for _, u := range []string{"observer", "operator", "outsider"} {
		c := e.browser(t, u)
		for _, p := range negotiationPagePaths {
			if p == "/proposals" && u == "observer" {
				continue // an observer lists the proposals of the briefing
			}
			page(t, c, base+p, 404)
		}
	}
	if body := page(t, qatar, base+"/text", 200); !strings.Contains(body, "The talks have no text yet") {
		t.Fatalf("empty text page: %s", body)
	}

	// The mediator writes the first version through the form.
	form := url.Values{"reason": {"first draft"}, "count": {"3"},
		"title_0": {"Ceasefire"}, "body_0": {"A ceasefire of 42 days.\r\n\r\nBoth sides stop."}, "order_0": {"2"},
		"title_1": {"الرهائن"}, "body_1": {"يتم إطلاق سراح ٣٣ رهينة."}, "order_1": {"1"},
		"title_2": {""}, "body_2": {""}, "order_2": {"3"}}
	if loc := submit(t, qatar, base+"/text", form); !strings.Contains(loc, "/text/diff?to=1") {
		t.Fatalf("revise redirects to %s", loc)
	}
	var tv talks.TextView
	json.Unmarshal(e.must(t, 200, "israel", "GET", e.talks("/text"), nil), &tv)
	if len(tv.Clauses) != 2 || tv.Clauses[0].Title != "الرهائن" || tv.Clauses[1].Body != "A ceasefire of 42 days.\n\nBoth sides stop." {
		t.Fatalf("text from the form: %+v", tv.Clauses)
	}
	loc := submit(t, israel, base+"/text", form)
	if msg := flashError(t, israel, e.srv.URL, loc); msg != "only a mediator can revise the text" {
		t.Fatalf("party revising: %q", msg)
	}
	body := page(t, israel, base+"/text", 200)
	for _, want := range []string{"Nothing is agreed until everything is agreed", `dir="auto">1. الرهائن</h2>`, "<p class=\"body\" dir=\"auto\">Both sides stop.</p>"} {
		if !strings.Contains(body, want) {
			t.Errorf("text page lacks %q", want)
		}
	}

	// Positions through the party's form; Hamas's page and the text page
	// never show Israel's.
	submit(t, israel, base+"/text/positions", url.Values{"version": {"1"}, "clause": {tv.Clauses[0].ID, tv.Clauses[1].ID},
		"stance_" + tv.Clauses[0].ID: {"reject"}, "comment_" + tv.Clauses[0].ID: {secretComment}, "wording_" + tv.Clauses[0].ID: {"كل الرهائن"},
		"stance_" + tv.Clauses[1].ID: {"accept"}})
	if body := page(t, qatar, base+"/text/positions", 200); !strings.Contains(body, secretComment) || !strings.Contains(body, "كل الرهائن") || !strings.Contains(body, "no position") {
		t.Errorf("mediator's matrix lacks Israel's position: %s", body)
	}
	if body := page(t, israel, base+"/text/positions", 200); !strings.Contains(body, secretComment) {
		t.Errorf("Israel's own form lacks its comment")
	}
	for _, p := range []string{"/text/positions", "/text", "/text/diff"} {
		if body := page(t, hamas, base+p, 200); strings.Contains(body, secretComment) || strings.Contains(body, "reject") && p != "/text/positions" {
			t.Errorf("Hamas's %s shows Israel's position", p)
		}
	}

	// The domain, proposals and preferences.
	submit(t, qatar, base+"/domain", url.Values{"source": {testDomain}})
	submit(t, israel, base+"/proposals", url.Values{"room": {"caucus:israel"}, "issue": {"days", "phase-1", "rafah"},
		"option:days": {"12"}, "option:phase-1": {"33"}, "option:rafah": {"closed"}, "note": {"first"}})
	if body := page(t, israel, base+"/proposals", 200); !strings.Contains(body, "humanitarian") || !strings.Contains(body, "first") {
		t.Errorf("proposals page: %s", body)
	}
	page(t, israel, base+"/text", 200)
	before := map[string]string{}
	for _, p := range []string{"/proposals", "/profile", "/dance", "/text"} {
		before[p] = page(t, israel, base+p, 200)
	}
	page(t, qatar, base+"/settlement", 200) // shows, and so clears, the last form's message
	qatarBefore := page(t, qatar, base+"/settlement", 200)
	hamasForm := url.Values{"mode": {"builder"}, "reservation": {"0.3"}, "weight_0": {"50"}, "weight_1": {"20"}, "weight_2": {"30"},
		"points_1": {""}, "points_0": {"0 0\n90 1"}, "score_1_0": {"1"}, "score_1_1": {"0.6"}, "score_1_2": {"0"},
		"score_2_0": {"0"}, "score_2_1": {"0.5"}, "score_2_2": {"1"}}
	loc = submit(t, hamas, base+"/profile", hamasForm)
	if msg := flashError(t, hamas, e.srv.URL, loc); msg != "" {
		t.Fatalf("builder: %s", msg)
	}
	var pv talks.ProfileView
	json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/profile"), nil), &pv)
	if !pv.HasProfile || pv.Format != "builder" || pv.Profile.Weights["days"] != 0.5 || len(pv.Profile.Scores["days"].Points) != 2 {
		t.Fatalf("built profile: %+v", pv)
	}
	bad := url.Values{}
	for k, v := range hamasForm {
		bad[k] = v
	}
	bad.Set("points_0", "0 zero")
	if msg := flashError(t, hamas, e.srv.URL, submit(t, hamas, base+"/profile", bad)); !strings.Contains(msg, "lines of a value and a score") {
		t.Errorf("bad points: %q", msg)
	}
	t.Run("ProfilePrivacyOnPages", func(t *testing.T) {
		for p, was := range before {
			if now := page(t, israel, base+p, 200); unstamped(now) != unstamped(was) {
				t.Errorf("Israel's %s changed when Hamas saved its preferences", p)
			}
		}
		if now := page(t, qatar, base+"/settlement", 200); unstamped(now) != unstamped(qatarBefore) {
			t.Errorf("the mediators' settlement page changed without consent")
		}
		page(t, israel, base+"/settlement", 404)
	})

	submit(t, israel, base+"/profile", url.Values{"source": {israelProfile}})
	submit(t, israel, base+"/profile/consent", url.Values{"consent": {"true"}})
	submit(t, hamas, base+"/profile/consent", url.Values{"consent": {"true"}})
	t.Run("SettlementAndDance", func(t *testing.T) {
		body := page(t, qatar, base+"/settlement", 200)
		for _, want := range []string{"<svg class=\"plot\"", "class=\"frontier\"", "Nash (N)", "Improvements over proposal 1"} {
			if !strings.Contains(body, want) {
				t.Errorf("settlement page lacks %q", want)
			}
		}
		if body := page(t, qatar, base+"/dance", 200); !strings.Contains(body, "<polyline") {
			t.Errorf("mediators' dance has no plot")
		}
		body = page(t, israel, base+"/dance", 200)
		if strings.Contains(body, "class=\"frontier\"") || strings.Contains(body, "for hamas") {
			t.Errorf("Israel's dance shows what only mediators see")
		}
	})
	t.Run("Reflection", func(t *testing.T) {
		var list struct{ Proposals []talks.ProposalView }
		json.Unmarshal(e.must(t, 200, "israel", "GET", e.talks("/proposals"), nil), &list)
		submit(t, israel, base+"/reflections", url.Values{"proposal": {list.Proposals[0].ID}})
		body := page(t, hamas, base+"/proposals", 200)
		if !strings.Contains(body, "The other side asked for a reflection") || !strings.Contains(body, "Accept") {
			t.Fatalf("Hamas's reflections: %s", body)
		}
		var rs struct{ Reflections []talks.ReflectionView }
		json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/reflections"), nil), &rs)
		submit(t, hamas, base+"/reflections/"+rs.Reflections[0].ID+"/answer", url.Values{"accept": {"true"}})
		if body := page(t, israel, base+"/proposals", 200); !strings.Contains(body, "Revealed:") {
			t.Errorf("Israel does not see the revealed package")
		}
	})
	t.Run("AgreeAndPrint", func(t *testing.T) {
		for _, u := range []*http.Client{israel, hamas} {
			submit(t, u, base+"/text/positions", url.Values{"version": {"1"}, "clause": {tv.Clauses[0].ID, tv.Clauses[1].ID},
				"stance_" + tv.Clauses[0].ID: {"accept"}, "stance_" + tv.Clauses[1].ID: {"accept"}})
		}
		if body := page(t, qatar, base+"/text", 200); !strings.Contains(body, "Declare version 1 agreed") {
			t.Fatalf("no agree button: %s", body)
		}
		if loc := submit(t, qatar, base+"/text/agree", url.Values{"version": {"1"}, "stage": {"framework"}}); !strings.Contains(loc, "/confirm?action=agree&version=1") {
			t.Fatalf("declaring agreed without confirmation leads to %s", loc)
		}
		submit(t, qatar, base+"/text/agree", url.Values{"version": {"1"}, "stage": {"framework"}, "confirmed": {"yes"}})
		resp, err := israel.Get(base + "/text/agreed")
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(string(doc), "<!doctype html>") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sha256-") {
			t.Fatalf("print page: %d %s", resp.StatusCode, doc)
		}
		page(t, e.browser(t, "observer"), base+"/text/agreed", 404)
	})
}
