package http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"parley/auth"
	"parley/internal/fixture"
)

// hostileValues are what a path segment or query parameter may be made of
// by someone looking for a crash.
var hostileValues = []string{
	"", "0", "-1", "1", "99999999999999999999", "9223372036854775807", "x", "%00", "%ff", "..", "../..",
	strings.Repeat("a", 5000), "caucus:", "caucus:israel", "null", "[]", "{}", "'; DROP TABLE events; --",
	"%E2%80%AE", "%F0%9F%98%80",
}

// hostileBodies are request bodies sent with every method that takes one.
var hostileBodies = []string{"", "{}", "[]", "null", `{"text":1}`, "\xff", `{"a":` + strings.Repeat("[", 10000), strings.Repeat(`{"x":1}`, 100)}

// TestHostileRequests walks every route with hostile path segments, query
// parameters and bodies, as a mediator, a party and anonymously: whatever
// arrives, the answer is never a 5xx.
func TestHostileRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route with many inputs; skipped with -short")
	}
	fx := fixture.New(t)
	s := NewServer(fx.Talks, auth.New(fx.Store))
	ctx := context.Background()
	tokens := map[string]string{"": ""}
	for _, name := range []string{"qatar", "israel"} {
		tok, _, err := fx.Auth.IssueToken(ctx, fx.U(name), "hostile")
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
	}
	checked := 0
	send := func(method, u, user, body string) {
		t.Helper()
		req := httptest.NewRequest(method, "http://parley.test"+u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok := tokens[user]; tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if strings.Contains(u, "/events") {
			c, cancel := context.WithCancel(ctx)
			cancel() // a stream answers and ends at once
			req = req.WithContext(c)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checked++
		if rec.Code >= 500 {
			t.Fatalf("%s %s as %q with body %.40q: %d %s", method, u, user, body, rec.Code, rec.Body)
		}
	}
	for _, pattern := range s.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		// Hostile path segments, as everyone.
		for _, v := range hostileValues {
			for _, talks := range []string{fx.TalksID, v} {
				for user := range tokens {
					send(method, fill(path, talks, v), user, "{}")
				}
			}
		}
		// Hostile query parameters on a well-formed path.
		for _, v := range hostileValues {
			e := esc(v)
			q := "?after=" + e + "&limit=" + e + "&q=" + e + "&from=" + e + "&to=" + e + "&index=" + e + "&size=" + e +
				"&start=" + e + "&end=" + e + "&talks=" + e + "&as_of=" + e + "&subject=" + e + "&last_event_id=" + e
			send(method, fill(path, fx.TalksID, "caucus:israel")+q, "qatar", "{}")
		}
		// Hostile bodies.
		if method == "POST" || method == "PUT" {
			for _, body := range hostileBodies {
				for _, user := range []string{"qatar", "israel"} {
					send(method, fill(path, fx.TalksID, "caucus:israel"), user, body)
				}
			}
		}
	}
	t.Logf("%d routes, %d requests, no 5xx", len(s.patterns), checked)
}

// fill puts talks in the {id} segment and v in every other wildcard.
func fill(path, talks, v string) string {
	var b strings.Builder
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		b.WriteByte('/')
		switch {
		case seg == "{id}":
			b.WriteString(esc(talks))
		case seg == "{$}":
		case strings.HasPrefix(seg, "{"):
			b.WriteString(esc(v))
		default:
			b.WriteString(seg)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// esc escapes v for a URL, but for values that are escapes already (to
// send bytes that are not text).
func esc(v string) string {
	if strings.Contains(v, "%") {
		return v
	}
	return url.QueryEscape(v)
}

var _ http.Handler = (*Server)(nil)
