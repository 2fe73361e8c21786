package http_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDestructiveFormsAskFirst: suspending, concluding or collapsing the
// talks, withdrawing a party, suspending a mediation and declaring a text
// agreed never happen from the form alone: each leads to its confirmation
// page, which says what will happen and asks for a reason, and nothing
// changes until it is confirmed.
func TestDestructiveFormsAskFirst(t *testing.T) {
	e := newEnv(t)
	id := "/talks/" + e.TalksID
	state := func() string {
		return string(e.must(t, 200, "qatar", "GET", e.talks(""), nil)) + string(e.must(t, 200, "qatar", "GET", e.talks("/delegations"), nil))
	}
	before := state()
	for _, c := range []struct {
		user, path string
		form       url.Values
		confirm    string
		says       string
	}{
		{"qatar", "/status", url.Values{"action": {"suspend"}, "reason": {"r"}}, "suspend", "No one will be able to post"},
		{"qatar", "/status", url.Values{"action": {"conclude"}, "reason": {"r"}}, "conclude", "The talks end for good"},
		{"qatar", "/status", url.Values{"action": {"collapse"}, "reason": {"r"}}, "collapse", "The talks end for good as collapsed"},
		{"hamas", "/presence", url.Values{"action": {"withdraw"}, "delegation": {"hamas"}, "reason": {"r"}}, "withdraw", "Your delegation leaves the negotiation"},
		{"qatar", "/presence", url.Values{"action": {"suspend"}, "delegation": {"qatar"}, "reason": {"r"}}, "suspend-mediation", "Your delegation stops mediating"},
		{"qatar", "/text/agree", url.Values{"version": {"1"}}, "agree", "This version becomes the agreement"},
	} {
		c1 := e.browser(t, c.user)
		resp, err := c1.PostForm(e.srv.URL+id+c.path, c.form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, id+"/confirm?action="+url.QueryEscape(c.confirm)) {
			t.Errorf("%s %v: %d to %q, not its confirmation page", c.path, c.form, resp.StatusCode, loc)
			continue
		}
		code, body := get(t, c1, e.srv.URL+loc)
		if code != 200 {
			t.Fatalf("%s: %d", loc, code)
		}
		mustContain(t, loc, body, c.says, `name="confirmed" value="yes"`)
		if c.confirm != "agree" {
			mustContain(t, loc, body, `name="reason"`, "required")
		}
		if after := state(); after != before {
			t.Fatalf("%s changed the talks before confirmation", c.confirm)
		}
	}
}
