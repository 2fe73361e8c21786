package http_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/scenario"
)

// seedServer serves the seed scenario and returns a client signed in as
// user and the talks' page path.
func seedServer(b *testing.B, user string) (*http.Client, string) {
	b.Helper()
	env := fixture.Open(b)
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		b.Fatal(err)
	}
	res, err := scenario.Load(context.Background(), env.Talks, f, fixture.Password)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(parleyhttp.NewServer(env.Talks, env.Auth))
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"name": {user}, "password": {fixture.Password}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return c, srv.URL + "/talks/" + res.TalksID
}

// benchPage fetches a page repeatedly, checking it once.
func benchPage(b *testing.B, c *http.Client, u, want string) {
	get := func() string {
		resp, err := c.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", u, resp.StatusCode)
		}
		return string(body)
	}
	if body := get(); !strings.Contains(body, want) {
		b.Fatalf("%s lacks %q", u, want)
	}
	for b.Loop() {
		get()
	}
}

// BenchmarkSettlementPage is the mediators' settlement page of the seed
// talks over HTTP: session, the settlement view, the improvements over
// the latest proposal, the frontier plot, the template. The goal is under
// 50 ms.
func BenchmarkSettlementPage(b *testing.B) {
	c, base := seedServer(b, "al-thani")
	benchPage(b, c, base+"/settlement", `class="frontier"`)
}

// BenchmarkDancePage is the mediators' dance page of the seed talks.
func BenchmarkDancePage(b *testing.B) {
	c, base := seedServer(b, "al-thani")
	benchPage(b, c, base+"/dance", "<polyline")
}

// BenchmarkPositionsPage is the mediators' clause × party matrix of the
// seed talks.
func BenchmarkPositionsPage(b *testing.B) {
	c, base := seedServer(b, "al-thani")
	benchPage(b, c, base+"/text/positions", "carried from version")
}
