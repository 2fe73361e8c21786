package http_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	parleyhttp "parley/http"
	"parley/internal/fixture"
)

// newToken makes a token as user through the API, keeps it under alias
// for e.do, and returns its id.
func (e *env) newToken(t *testing.T, user, alias string, body any) string {
	t.Helper()
	var got struct {
		ID     string `json:"id"`
		Token  string `json:"token"`
		Access string `json:"access"`
	}
	if err := json.Unmarshal(e.must(t, 201, user, "POST", "/api/v1/tokens", body), &got); err != nil {
		t.Fatal(err)
	}
	e.tokens[alias] = got.Token
	return got.ID
}

// slowBeat is a server whose streams send no heartbeat during a test, so
// that a stream that ends did not end at a heartbeat's credential check.
func slowBeat(s *parleyhttp.Server, _ string) { s.HeartbeatEvery = time.Hour }

// ended waits for a stream to end, failing if it is still open after d.
func (s *stream) ended(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("stream still open after %s", d)
		}
	}
}

func TestTokenScope(t *testing.T) {
	e := newEnv(t)
	other := e.must(t, 201, "operator", "POST", "/api/v1/talks", map[string]string{"title": "Another track"})
	var o struct{ ID string }
	json.Unmarshal(other, &o)
	// The operator seats qatar as the first mediator of the other talks.
	e.must(t, 201, "operator", "POST", "/api/v1/talks/"+o.ID+"/delegations", map[string]string{"name": "Qatar", "slug": "qatar", "kind": "mediator"})
	e.must(t, 201, "operator", "POST", "/api/v1/talks/"+o.ID+"/delegations/qatar/members", map[string]string{"user": "qatar", "role": "head"})

	t.Run("ReadOnly", func(t *testing.T) {
		e.newToken(t, "israel", "israel-ro", map[string]string{"name": "reader", "access": "read"})
		e.must(t, 200, "israel-ro", "GET", e.talks("/rooms/caucus:israel/messages"), nil)
		e.must(t, 403, "israel-ro", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "hello"})
		e.must(t, 403, "israel-ro", "POST", "/api/v1/tokens", map[string]string{"name": "more"})
		e.must(t, 204, "israel-ro", "DELETE", "/api/v1/tokens/current", nil)
		e.must(t, 401, "israel-ro", "GET", "/api/v1/me", nil)
	})
	t.Run("OneTalks", func(t *testing.T) {
		e.newToken(t, "qatar", "qatar-one", map[string]string{"name": "one talks", "talks": e.TalksID})
		e.must(t, 200, "qatar-one", "GET", e.talks(""), nil)
		e.must(t, 201, "qatar-one", "POST", e.talks("/rooms/mediators/messages"), map[string]string{"text": "scoped"})
		e.must(t, 404, "qatar-one", "GET", "/api/v1/talks/"+o.ID, nil)
		e.must(t, 404, "qatar-one", "POST", "/api/v1/talks/"+o.ID+"/rooms/mediators/messages", map[string]string{"text": "elsewhere"})
		e.must(t, 200, "qatar", "GET", "/api/v1/talks/"+o.ID, nil)
		var list parleyhttp.TalksList
		json.Unmarshal(e.must(t, 200, "qatar-one", "GET", "/api/v1/talks", nil), &list)
		if len(list.Talks) != 1 || list.Talks[0].ID != e.TalksID {
			t.Errorf("a token for one talks lists %d talks", len(list.Talks))
		}
		// It cannot make a token wider than itself.
		e.must(t, 403, "qatar-one", "POST", "/api/v1/tokens", map[string]string{"name": "wider"})
		e.newToken(t, "qatar-one", "qatar-one2", map[string]string{"name": "as narrow", "talks": e.TalksID})
		// Its stream carries only those talks.
		e.must(t, 201, "qatar", "POST", "/api/v1/talks/"+o.ID+"/rooms/mediators/messages", map[string]string{"text": "other talks"})
		st := e.openStream(t, "qatar-one", 0, "")
		for _, ev := range st.collect(300 * time.Millisecond) {
			if strings.Contains(ev.Data, o.ID) {
				t.Errorf("a token for one talks streams an event of another: %s", ev.Data)
			}
		}
	})
	t.Run("AdminTokenLimited", func(t *testing.T) {
		e.newToken(t, "operator", "operator-ro", map[string]string{"access": "read"})
		e.must(t, 403, "operator-ro", "POST", "/api/v1/talks", map[string]string{"title": "x"})
		e.newToken(t, "operator", "operator-one", map[string]string{"talks": e.TalksID})
		e.must(t, 403, "operator-one", "POST", "/api/v1/talks", map[string]string{"title": "x"})
		e.must(t, 403, "operator-one", "POST", "/api/v1/users", map[string]any{"name": "sneaky", "password": "long enough password"})
	})
	t.Run("Lifetime", func(t *testing.T) {
		var got parleyhttp.Token
		json.Unmarshal(e.must(t, 201, "israel", "POST", "/api/v1/tokens", map[string]any{"name": "short", "expires_in": 3600}), &got)
		if got.ExpiresAt == nil || got.ExpiresAt.Sub(got.CreatedAt) != time.Hour {
			t.Errorf("a one-hour token: %+v", got)
		}
		json.Unmarshal(e.must(t, 201, "israel", "POST", "/api/v1/tokens", map[string]any{"name": "default"}), &got)
		if got.ExpiresAt == nil || got.ExpiresAt.Sub(got.CreatedAt) != 30*24*time.Hour {
			t.Errorf("a token without a lifetime: %+v", got)
		}
		e.must(t, 400, "israel", "POST", "/api/v1/tokens", map[string]any{"expires_in": 91 * 24 * 3600})
		e.must(t, 400, "israel", "POST", "/api/v1/tokens", map[string]any{"expires_in": -1})
		e.must(t, 400, "israel", "POST", "/api/v1/tokens", map[string]any{"access": "admin"})
	})
}

func TestTokenExpires(t *testing.T) {
	e := newEnv(t)
	clock := &fixture.Clock{T: time.Now()}
	e.Auth.Now = clock.Now
	e.newToken(t, "israel", "short", map[string]any{"expires_in": 120})
	e.must(t, 200, "short", "GET", "/api/v1/me", nil)
	clock.Add(2 * time.Minute)
	e.must(t, 401, "short", "GET", "/api/v1/me", nil)
	var list parleyhttp.TokenList
	json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/tokens", nil), &list)
	for _, tok := range list.Tokens {
		if tok.Name == "" && tok.ExpiresAt != nil && tok.ExpiresAt.Sub(tok.CreatedAt) == 2*time.Minute {
			t.Errorf("an expired token is listed: %+v", tok)
		}
	}
}

func TestSessionTimeoutsAndRotation(t *testing.T) {
	e := newEnv(t)
	clock := &fixture.Clock{T: time.Now()}
	e.Auth.Now = clock.Now
	c := e.browser(t, "israel")
	base, _ := url.Parse(e.srv.URL)
	first := sessionOf(c, base)
	if first == "" {
		t.Fatal("no session cookie")
	}
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 200 {
		t.Fatalf("signed in: %d", code)
	}
	// Signing in again replaces the session: the old one is worth nothing.
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"name": {"israel"}, "password": {fixture.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	second := sessionOf(c, base)
	if second == "" || second == first {
		t.Fatalf("the session was not rotated at sign-in")
	}
	if _, err := e.Auth.Authenticate(ctx(), first, "session"); err == nil {
		t.Errorf("the session from before the sign-in still works")
	}
	// Idle timeout: used within the idle time, it lives on.
	clock.Add(e.Auth.SessionIdle - time.Minute)
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 200 {
		t.Fatalf("used within the idle time: %d", code)
	}
	clock.Add(e.Auth.SessionIdle - time.Minute)
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 200 {
		t.Fatalf("used again within the idle time: %d", code)
	}
	clock.Add(e.Auth.SessionIdle)
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 401 {
		t.Fatalf("idle past the timeout: %d", code)
	}
	// Absolute timeout, however busy the session.
	c = e.browser(t, "israel")
	start := clock.T
	for range 60 {
		clock.Add(e.Auth.SessionIdle / 2)
		if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 200 {
			if clock.T.Sub(start) < e.Auth.SessionTTL {
				t.Fatalf("a busy session ended after %s", clock.T.Sub(start))
			}
			return
		}
	}
	t.Fatalf("a busy session outlived its absolute lifetime of %s", e.Auth.SessionTTL)
}

// sessionOf returns the session cookie c holds for base.
func sessionOf(c *http.Client, base *url.URL) string {
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "parley_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignOutEverywhere(t *testing.T) {
	e := newEnvConfig(t, slowBeat)
	c := e.browser(t, "israel")
	e.newToken(t, "israel", "israel-b", map[string]string{"name": "second"})
	st := e.openStream(t, "israel-b", 0, "")
	st.collect(100 * time.Millisecond)
	e.must(t, 204, "israel", "POST", "/api/v1/sign-out-everywhere", nil)
	st.ended(t, 2*time.Second)
	for _, who := range []string{"israel", "israel-b"} {
		e.must(t, 401, who, "GET", "/api/v1/me", nil)
	}
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 401 {
		t.Errorf("the browser session outlived sign-out everywhere: %d", code)
	}
	e.must(t, 200, "israel2", "GET", "/api/v1/me", nil)
}

func TestRevokedTokenStreamEndsAtOnce(t *testing.T) {
	e := newEnvConfig(t, slowBeat)
	id := e.newToken(t, "hamas", "hamas-b", map[string]string{"name": "stream"})
	st := e.openStream(t, "hamas-b", 0, "")
	other := e.openStream(t, "hamas", 0, "")
	st.collect(100 * time.Millisecond)
	e.must(t, 204, "hamas", "DELETE", "/api/v1/tokens/"+id, nil)
	st.ended(t, 2*time.Second)
	// The account's other streams go on.
	e.must(t, 201, "qatar", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "still there?"})
	found := false
	for _, ev := range other.collect(300 * time.Millisecond) {
		found = found || strings.Contains(ev.Data, "still there?")
	}
	if !found {
		t.Errorf("revoking one token ended the account's other streams")
	}
}

func TestAdminCredentials(t *testing.T) {
	e := newEnvConfig(t, slowBeat)
	id := e.newToken(t, "israel", "israel-b", map[string]string{"name": "laptop"})
	var list parleyhttp.TokenList
	json.Unmarshal(e.must(t, 200, "operator", "GET", "/api/v1/users/israel/tokens", nil), &list)
	found := false
	for _, tok := range list.Tokens {
		found = found || tok.ID == id
	}
	if !found {
		t.Fatalf("the administrator does not see israel's token")
	}
	// Nobody else sees them: 404 as for a missing account.
	for _, who := range []string{"israel2", "qatar", "outsider"} {
		e.must(t, 404, who, "GET", "/api/v1/users/israel/tokens", nil)
		e.must(t, 404, who, "DELETE", "/api/v1/users/israel/tokens/"+id, nil)
		e.must(t, 404, who, "POST", "/api/v1/users/israel/sign-out", nil)
		e.must(t, 403, who, "POST", "/api/v1/users/israel/disabled", map[string]bool{"disabled": true})
	}
	e.must(t, 204, "operator", "DELETE", "/api/v1/users/israel/tokens/"+id, nil)
	e.must(t, 401, "israel-b", "GET", "/api/v1/me", nil)
	e.must(t, 200, "israel", "GET", "/api/v1/me", nil)

	e.must(t, 204, "operator", "POST", "/api/v1/users/israel2/sign-out", nil)
	e.must(t, 401, "israel2", "GET", "/api/v1/me", nil)

	// Disabling an account ends its streams at once, and it signs in no more.
	st := e.openStream(t, "hamas", 0, "")
	st.collect(100 * time.Millisecond)
	e.must(t, 403, "operator", "POST", "/api/v1/users/operator/disabled", map[string]bool{"disabled": true})
	e.must(t, 400, "operator", "POST", "/api/v1/users/hamas/disabled", map[string]string{})
	out := e.must(t, 200, "operator", "POST", "/api/v1/users/hamas/disabled", map[string]bool{"disabled": true})
	if !strings.Contains(string(out), `"disabled":true`) {
		t.Errorf("disable answers %s", out)
	}
	st.ended(t, 2*time.Second)
	e.must(t, 401, "hamas", "GET", "/api/v1/me", nil)
	code, body := e.do(t, "", "POST", "/api/v1/login", map[string]string{"name": "hamas", "password": fixture.Password})
	if code != 403 || !strings.Contains(string(body), "disabled") {
		t.Errorf("a disabled account signs in: %d %s", code, body)
	}
	e.must(t, 200, "operator", "POST", "/api/v1/users/hamas/disabled", map[string]bool{"disabled": false})
	e.must(t, 200, "", "POST", "/api/v1/login", map[string]string{"name": "hamas", "password": fixture.Password})
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	c := e.browser(t, "israel")
	other := e.browser(t, "israel")
	post := func(c *http.Client, body string) int {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/me/password", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(c, `{"current_password":"wrong password!","new_password":"a brand new password"}`); code != 403 {
		t.Errorf("wrong current password: %d", code)
	}
	if code := post(c, `{"current_password":"`+fixture.Password+`","new_password":"short"}`); code != 400 {
		t.Errorf("too short: %d", code)
	}
	if code := post(c, `{"current_password":"`+fixture.Password+`","new_password":"a brand new password"}`); code != 200 {
		t.Fatalf("change: %d", code)
	}
	if code, _ := get(t, c, e.srv.URL+"/api/v1/me"); code != 200 {
		t.Errorf("the session that changed the password ended: %d", code)
	}
	if code, _ := get(t, other, e.srv.URL+"/api/v1/me"); code != 401 {
		t.Errorf("another session outlived the change: %d", code)
	}
	e.must(t, 401, "", "POST", "/api/v1/login", map[string]string{"name": "israel", "password": fixture.Password})
	e.must(t, 200, "", "POST", "/api/v1/login", map[string]string{"name": "israel", "password": "a brand new password"})
}

func TestPasswordsOff(t *testing.T) {
	e := newEnv(t)
	e.Auth.Passwords = false
	code, body := e.do(t, "", "POST", "/api/v1/login", map[string]string{"name": "israel", "password": fixture.Password})
	if code != 403 || !strings.Contains(string(body), "passkeys") {
		t.Errorf("password sign-in with passwords off: %d %s", code, body)
	}
	e.must(t, 403, "israel", "POST", "/api/v1/me/password", map[string]string{"current_password": fixture.Password, "new_password": "a brand new password"})
	if _, page := get(t, http.DefaultClient, e.srv.URL+"/login"); strings.Contains(page, `type="password"`) || !strings.Contains(page, "passkey-login") {
		t.Errorf("the sign-in page offers a password while passwords are off:\n%s", page)
	}
}
