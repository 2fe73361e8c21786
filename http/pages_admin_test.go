package http_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parley/internal/fixture"
)

// TestOperatorPages: the operator creates an account and talks from the
// administration page, then a delegation and its member from the talks'
// page; the new member signs in and finds the talks. Someone who is not an
// administrator cannot create accounts there.
func TestOperatorPages(t *testing.T) {
	e := newEnv(t)
	op := e.browser(t, "operator")
	submit := func(c *http.Client, path string, f url.Values) string {
		t.Helper()
		resp, err := c.PostForm(e.srv.URL+path, f)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	if code, body := get(t, op, e.srv.URL+"/admin"); code != 200 || !strings.Contains(body, `action="/admin/users"`) || !strings.Contains(body, `action="/admin/talks"`) {
		t.Fatalf("administration page: %d", code)
	}
	submit(op, "/admin/users", url.Values{"name": {"norway-envoy"}, "display_name": {"Tor Wennesland"}, "password": {fixture.Password}})
	_, body := get(t, op, e.srv.URL+"/admin")
	mustContain(t, "the accounts", body, "The account norway-envoy was created.", "Tor Wennesland")
	talksPage := submit(op, "/admin/talks", url.Values{"title": {"Oslo back-channel"}})
	if !strings.HasPrefix(talksPage, "/talks/t_") {
		t.Fatalf("new talks at %q", talksPage)
	}
	submit(op, talksPage+"/delegations", url.Values{"name": {"Norway"}, "slug": {"norway"}, "kind": {"mediator"}})
	_, body = get(t, op, e.srv.URL+talksPage)
	mustContain(t, "the new talks' page", body, "The delegation Norway was added.", `id="manage"`)
	m := regexp.MustCompile(`<option value="([^"]+)">Norway</option>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no Norway among the member form's delegations")
	}
	submit(op, talksPage+"/members", url.Values{"delegation": {m[1]}, "user": {"norway-envoy"}, "role": {"head"}})
	_, body = get(t, e.browser(t, "norway-envoy"), e.srv.URL+"/talks")
	mustContain(t, "the new member's talks", body, "Oslo back-channel", "You are in Norway.")

	// A mediator is no administrator: no account is created.
	submit(e.browser(t, "qatar"), "/admin/users", url.Values{"name": {"intruder"}, "display_name": {"X"}, "password": {fixture.Password}})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"name": {"intruder"}, "password": {fixture.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		t.Error("a mediator created an account")
	}
}
