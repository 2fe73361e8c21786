package http_test

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/fixture"
)

// TestFlashComesFromTheServer: no link can make a page show a banner; the
// messages after a form come from the server's own signed cookie, once.
func TestFlashComesFromTheServer(t *testing.T) {
	e := newEnv(t)
	c := e.browser(t, "hamas")
	forged := "Session expired, re-enter your password at evil.example"
	for _, q := range []string{"?ok=", "?error="} {
		_, body := get(t, c, e.srv.URL+"/talks/"+e.TalksID+q+url.QueryEscape(forged))
		if strings.Contains(body, "evil.example") {
			t.Fatalf("a link put %q on the page", forged)
		}
	}
	// A refused form: the error is shown on the next page, once.
	resp, err := c.PostForm(e.srv.URL+"/talks/"+e.TalksID+"/presence", url.Values{"delegation": {"hamas"}, "action": {"withdraw"}, "confirmed": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	_, body := get(t, c, e.srv.URL+resp.Header.Get("Location"))
	if !strings.Contains(body, "a reason is required to withdraw") || !strings.Contains(body, `class="error"`) {
		t.Fatalf("the form's error is not shown:\n%s", body)
	}
	if _, again := get(t, c, e.srv.URL+resp.Header.Get("Location")); strings.Contains(again, "a reason is required") {
		t.Fatal("the error is shown twice")
	}
	// A cookie the server did not sign shows nothing.
	u, _ := url.Parse(e.srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_flash", Value: "ok:" + forged + ".AAAA", Path: "/"}})
	if _, body := get(t, c, e.srv.URL+"/talks"); strings.Contains(body, "evil.example") {
		t.Fatal("an unsigned flash cookie was shown")
	}
}

// clientFrom returns a client with a cookie jar whose connections come
// from the loopback address ip, as if from another machine.
func clientFrom(ip string) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func apiSignIn(t *testing.T, c *http.Client, e *env, name, password string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", e.srv.URL+"/api/v1/login",
		strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestNoLockoutByOthers: a third party sending wrong passwords from many
// addresses cannot keep the rightful user from signing in on a browser it
// used before; a client the server does not know stays limited, so that
// guessing is still slow.
func TestNoLockoutByOthers(t *testing.T) {
	e := newEnv(t)
	user := clientFrom("127.0.0.1")
	if code := apiSignIn(t, user, e, "israel", fixture.Password); code != 200 {
		t.Fatalf("first sign-in: %d", code)
	}
	limited := false
	for i := range 40 {
		attacker := clientFrom("127.0.0." + string(rune('2'+i%8)))
		switch code := apiSignIn(t, attacker, e, "israel", "wrong guess"); code {
		case 401:
		case 429:
			limited = true
		default:
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if !limited {
		t.Fatal("40 wrong passwords against one account were never limited")
	}
	if code := apiSignIn(t, user, e, "israel", fixture.Password); code != 200 {
		t.Fatalf("the rightful user, on a known browser, was locked out by others: %d", code)
	}
	if code := apiSignIn(t, clientFrom("127.0.0.20"), e, "israel", fixture.Password); code != 429 {
		t.Fatalf("an unknown client during the attack: %d, want 429", code)
	}
	// A device cookie is good only for the account it was issued for.
	if code := apiSignIn(t, user, e, "israel2", "wrong guess"); code != 401 {
		t.Fatalf("another account from the same browser: %d", code)
	}
}

// TestKnownBrowserBehindSharedAddress: clients behind one address (a proxy,
// a NAT) who fail to sign in do not keep out a browser that signed in
// before.
func TestKnownBrowserBehindSharedAddress(t *testing.T) {
	e := newEnv(t)
	user := clientFrom("127.0.0.1")
	if code := apiSignIn(t, user, e, "israel", fixture.Password); code != 200 {
		t.Fatalf("first sign-in: %d", code)
	}
	limited := false
	for range 30 {
		if apiSignIn(t, clientFrom("127.0.0.1"), e, "no-such-user", "guess") == 429 {
			limited = true
		}
	}
	if !limited {
		t.Fatal("30 failures from one address were never limited")
	}
	if code := apiSignIn(t, user, e, "israel", fixture.Password); code != 200 {
		t.Fatalf("the known browser behind the same address: %d", code)
	}
}
