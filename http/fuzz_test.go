package http_test

import (
	"net/http/httptest"
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
