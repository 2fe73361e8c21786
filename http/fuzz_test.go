package http_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRequestBodies sends arbitrary bodies to every JSON endpoint that takes
// one; whatever arrives, the answer is a 2xx or a 4xx problem, never a 5xx.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{`{"text":"x"}`, `{"text":"x","disclosure":"public"}`, `{"action":"withdraw","reason":"r"}`,
		`{"source_room":"caucus:israel","message_id":"m_x","target_room":"caucus:hamas","mode":"verbatim","attribution":"anonymous"}`,
		`{"open":true}`, `{"name":"x","kind":"party"}`, `{"user":"outsider"}`, `[]`, `null`, `{"text":"\u0000"}`, "\xff"} {
		f.Add(seed)
	}
	e := newEnv(f)
	handler := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{
			e.talks("/rooms/caucus:israel/messages"), e.talks("/relays"), e.talks("/status"), e.talks("/plenary"),
			e.talks("/delegations"), e.talks("/delegations/israel/members"), e.talks("/delegations/israel/presence"), "/api/v1/login",
		} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.tokens["qatar"])
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}

// FuzzSecurityBodies sends arbitrary bodies to the endpoints of
// credentials, removal, invitations, passkeys and witnesses: a 2xx or a
// 4xx problem, never a 5xx.
func FuzzSecurityBodies(f *testing.F) {
	for _, seed := range []string{`{"name":"x","access":"read","talks":"t_x","expires_in":60}`, `{"disabled":true}`,
		`{"current_password":"a","new_password":"b"}`, `{"reason":"r"}`, `{"delegation":"israel","role":"staff","expires_in":3600}`,
		`{"token":"abc"}`, `{"token":"abc","name":"n","display_name":"d"}`, `{"token":"abc","passkey_name":"p","credential":{"id":"x","type":"public-key","response":{}}}`,
		`{"credential":{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA"}}}`,
		`{"size":1,"cosignature":"— w AAAA\n"}`, `{"verifier_key":"w+00000000+BAAA"}`, `{"name":"n","credential":null}`, `[]`, "\xff"} {
		f.Add(seed)
	}
	e := newEnv(f)
	if err := e.Auth.ConfigurePasskeys("http://localhost:8080"); err != nil {
		f.Fatal(err)
	}
	handler := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range []struct{ method, path, user string }{
			{"POST", "/api/v1/tokens", "israel"}, {"POST", "/api/v1/me/password", "israel"}, {"POST", "/api/v1/users/hamas/disabled", "operator"},
			{"DELETE", e.talks("/delegations/israel/members/nobody"), "israel"}, {"POST", e.talks("/delegations/hamas/removal"), "israel"},
			{"POST", e.talks("/invitations"), "israel"}, {"POST", "/api/v1/invitations/lookup", ""}, {"POST", "/api/v1/invitations/options", ""},
			{"POST", "/api/v1/invitations/accept", ""}, {"POST", "/api/v1/passkeys/login", ""}, {"POST", "/api/v1/me/passkeys", "israel"},
			{"POST", "/api/v1/ledger/cosignatures", "israel"}, {"POST", "/api/v1/ledger/witnesses", "operator"},
		} {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if c.user != "" {
				req.Header.Set("Authorization", "Bearer "+e.tokens[c.user])
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q: %d %s", c.method, c.path, body, rec.Code, rec.Body)
			}
		}
	})
}

// FuzzForms posts arbitrary form bodies to every page form and the
// sign-in form: never a 5xx.
func FuzzForms(f *testing.F) {
	for _, seed := range []string{"text=hello&disclosure=public", "action=withdraw&reason=r&delegation=israel", "open=true",
		"source_room=caucus:israel&message_id=m_x&target_room=caucus:hamas&mode=verbatim&attribution=anonymous",
		"name=israel&password=x&next=/talks", "return=//evil.example", "%zz", "a=%00", strings.Repeat("a=b&", 100)} {
		f.Add(seed)
	}
	e := newEnv(f)
	handler := e.srv.Config.Handler
	jar := e.browser(f, "qatar")
	var cookie string
	for _, c := range jar.Jar.Cookies(mustURL(e.srv.URL)) {
		if c.Name == "parley_session" {
			cookie = c.Value
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/login", "/talks/" + e.TalksID + "/status", "/talks/" + e.TalksID + "/presence", "/talks/" + e.TalksID + "/plenary",
			"/talks/" + e.TalksID + "/rooms/caucus:israel/post", "/talks/" + e.TalksID + "/relay", "/account/passkeys/p_x/remove"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "parley_session", Value: cookie})
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
