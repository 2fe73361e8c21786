package http_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/scenario"
)

// newDemoEnv serves the seed scenario, its clock fixed at the article's
// day as serve --demo fixes it; its users sign in with fixture.Password.
func newDemoEnv(t *testing.T) *env {
	t.Helper()
	fx := fixture.Open(t)
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Load(context.Background(), fx.Talks, f, fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	today, _, err := scenario.Today(context.Background(), fx.Talks)
	if err != nil {
		t.Fatal(err)
	}
	fx.Talks.Now = func() time.Time { return today }
	fx.TalksID = res.TalksID
	s := parleyhttp.NewServer(fx.Talks, fx.Auth)
	logs := &fixture.Buffer{}
	s.Log = slog.New(slog.NewTextHandler(logs, nil))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{Env: fx, srv: srv, tokens: map[string]string{}, logs: logs}
}

// browsers signs each user in once (sign-in is rate limited) and fetches
// pages as that user.
type browsers struct {
	e  *env
	cs map[string]*http.Client
}

func (b *browsers) client(t *testing.T, user string) *http.Client {
	t.Helper()
	if b.cs[user] == nil {
		b.cs[user] = b.e.browser(t, user)
	}
	return b.cs[user]
}

// page fetches a page as user and returns its status and body.
func (b *browsers) page(t *testing.T, user, path string) (int, string) {
	t.Helper()
	return get(t, b.client(t, user), b.e.srv.URL+path)
}

// contains checks that body holds every one of want and none of not.
func contains(t *testing.T, who, body string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %q", who, w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("%s: the page shows %q", who, n)
		}
	}
}

// TestRegistryPages: the talks page answers who is held, what was
// promised, who met whom, who says what and how long is left, and each
// model has its page, each shown through the same rules as the API.
func TestRegistryPages(t *testing.T) {
	e := newDemoEnv(t)
	base := "/talks/" + e.TalksID
	b := &browsers{e: e, cs: map[string]*http.Client{}}

	code, body := b.page(t, "witkoff", base)
	if code != 200 {
		t.Fatalf("overview: %d", code)
	}
	contains(t, "witkoff's overview", body, []string{
		"100 held on 5 December 2024", "the longest for 425 days", "US: 7 held, 3 alive",
		"Hostage and prisoner exchange (November 2023)", "Medicine for hostages and aid for Gaza (January 2024)",
		"Witkoff and Netanyahu", "23 November 2024", "Witkoff and Al Thani", "November 2024",
		"progress", "46 days left", "Inauguration of President-elect Trump",
		"Lack of good faith from both parties", "withdraw",
	}, []string{"Barnea and Al Thani", "figures only"})
	_, body = b.page(t, "hamas-office", base)
	contains(t, "Hamas's overview", body, []string{"100 held", "Your delegation sees these figures only", "46 days left"},
		[]string{"Barnea and Al Thani", "Witkoff and Netanyahu", "Witkoff and Al Thani", "H-001"})
	_, body = b.page(t, "barnea", base)
	contains(t, "Barnea's overview", body, []string{"Barnea and Al Thani", "Witkoff and Netanyahu"}, []string{"Witkoff and Al Thani"})
	// The operator sees the talks but none of their content.
	code, body = b.page(t, "operator", base)
	if code != 200 || strings.Contains(body, "held on") || strings.Contains(body, "Hostage and prisoner") {
		t.Errorf("operator's overview: %d", code)
	}

	// The captives page: figures for all, records for the allowed.
	_, body = b.page(t, "barnea", base+"/captives")
	contains(t, "Barnea's captives", body, []string{"H-001", "R-070", "Nova festival", "records and figures"}, []string{"Let them read records"})
	_, body = b.page(t, "transition", base+"/captives?as_of=2023-11-23")
	contains(t, "the observer's captives", body, []string{"170 held on 23 November 2023", "By nationality"}, []string{"H-001", "Export as CSV"})
	_, body = b.page(t, "al-thani", base+"/captives")
	contains(t, "the mediator's captives", body, []string{"Let them read records", "Show figures only", "H-100"}, nil)

	// A mediator lets the observer read the records through the page.
	c := b.client(t, "al-thani")
	resp, err := c.PostForm(e.srv.URL+base+"/captives/access", url.Values{"delegation": {e.delegationIDAs(t, "us-transition")}, "records": {"true"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != base+"/captives" {
		t.Errorf("access form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.page(t, "transition", base+"/captives")
	contains(t, "the observer's captives after", body, []string{"H-001"}, nil)
	code, _ = b.page(t, "barnea", base+"/captives/access")
	if code != 405 {
		t.Errorf("GET of the access form: %d", code)
	}

	// The agreement's compliance page.
	as, err := e.Talks.Agreements(context.Background(), e.userNamed(t, "transition"), e.TalksID)
	if err != nil {
		t.Fatal(err)
	}
	_, body = b.page(t, "hamas-office", base+"/agreements/"+as[0].ID)
	contains(t, "the exchange", body, []string{"Phase 1: Initial humanitarian pause", "From 24 November 2023 to 27 November 2023", "50 of 50", "150 of 150", "200 of 200 a day",
		"attributed by Hamas to Israel", "ICRC", "Phase 2: Extension"}, nil)
	_, body = b.page(t, "hamas-office", base+"/agreements/"+as[0].ID+"?as_of=2023-11-25")
	contains(t, "the exchange on 25 Nov", body, []string{"26 of 50", "partly-delivered"}, nil)
	_, body = b.page(t, "transition", base+"/agreements/"+as[1].ID)
	contains(t, "January 2024", body, []string{"Deliver the medicine to the hostages", "state late"}, nil)

	// Meetings, reports, deadlines, timeline.
	_, body = b.page(t, "barnea", base+"/meetings")
	contains(t, "Barnea's meetings", body, []string{"Barnea and Al Thani", "24 November 2024", "Vienna", "David Barnea"}, []string{"Witkoff and Al Thani"})
	_, body = b.page(t, "hamas-office", base+"/meetings")
	contains(t, "Hamas's meetings", body, []string{"No meetings you may see."}, []string{"Vienna"})
	_, body = b.page(t, "transition", base+"/reports?subject=progress")
	contains(t, "progress reports", body, []string{"Claims that disagree", "C3", "B3", "a U.S. official", "Reuters"}, []string{"maximum pressure"})
	_, body = b.page(t, "transition", base+"/reports")
	contains(t, "all reports", body, []string{"maximum pressure", "F2", "fully transparent and coordinated"}, nil)
	_, body = b.page(t, "hamas-office", base+"/deadlines")
	contains(t, "deadlines", body, []string{"46 days left", "President-elect Donald Trump", "Alerts 30, 7, 1 days before"}, nil)
	_, body = b.page(t, "transition", base+"/timeline")
	i, j, k := strings.Index(body, "Lack of good faith"), strings.Index(body, "appearances rather than"), strings.Index(body, "resumes its leading role")
	if i < 0 || j < i || k < j {
		t.Errorf("timeline out of order: %d %d %d", i, j, k)
	}

	// Who may not see a page gets 404, as for a missing thing.
	for _, p := range []string{"/captives", "/meetings", "/reports", "/deadlines", "/timeline", "/agreements/" + as[0].ID} {
		if code, _ := b.page(t, "operator", base+p); code != 404 {
			t.Errorf("operator %s: %d", p, code)
		}
	}
	if code, _ := b.page(t, "hamas-office", base+"/agreements/a_nothere"); code != 404 {
		t.Errorf("missing agreement: %d", code)
	}
	if code, _ := b.page(t, "hamas-office", base+"/reports?subject=Bad!"); code != 400 {
		t.Errorf("bad subject: %d", code)
	}
}

// userNamed finds a user of the deployment by login name.
func (e *env) userNamed(t *testing.T, name string) *parley.User {
	t.Helper()
	var u *parley.User
	err := e.Store.View(context.Background(), func(tx parley.Tx) error {
		var err error
		u, err = tx.UserByName(context.Background(), name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// delegationIDAs returns the id of a delegation of the demo's talks.
func (e *env) delegationIDAs(t *testing.T, slug string) string {
	t.Helper()
	d, _, err := e.Talks.Delegation(context.Background(), e.userNamed(t, "al-thani"), e.TalksID, slug)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}
