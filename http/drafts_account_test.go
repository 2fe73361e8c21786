package http_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDraftsStayWithTheirAccount: the pages keep drafts (a caucus message,
// a preference profile) in the browser. On a browser several people share,
// one account's drafts are never offered to another: they are kept under
// the account, signing out makes the browser forget them, and so does the
// sign-in page.
func TestDraftsStayWithTheirAccount(t *testing.T) {
	e := newEnv(t)
	c := e.browser(t, "israel")
	code, page := get(t, c, e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel")
	if code != 200 {
		t.Fatalf("room page: %d", code)
	}
	mustContain(t, "room page", page, `data-user="`+e.Users["israel"].ID+`"`, `data-draft=`)
	// The script keys drafts by that account and forgets them on the
	// sign-in page and at sign-out.
	src := regexp.MustCompile(`src="(/static/[^"]*app\.js)"`).FindStringSubmatch(page)
	if src == nil {
		t.Fatal("room page: no app.js")
	}
	_, js := get(t, c, e.srv.URL+src[1])
	mustContain(t, "app.js", js, `"parley:draft:" + user + ":"`, "forgetDrafts")
	_, login := get(t, http.DefaultClient, e.srv.URL+"/login")
	if strings.Contains(login, "data-user=") {
		t.Errorf("the sign-in page names an account")
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/logout", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Clear-Site-Data"); !strings.Contains(got, `"storage"`) {
		t.Errorf("sign-out: Clear-Site-Data %q, want the browser's storage cleared", got)
	}
}
