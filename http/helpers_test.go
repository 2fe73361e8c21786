package http_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/ledger"
	"parley/sqlite"
)

// env is a running server on 127.0.0.1 over the fixture deployment, with a
// bearer token for every fixture user.
type env struct {
	*fixture.Env
	srv    *httptest.Server
	tokens map[string]string
	// logs holds what the server logged.
	logs *fixture.Buffer
}

func newEnv(t testing.TB, opts ...sqlite.Option) *env {
	t.Helper()
	return newEnvConfig(t, nil, opts...)
}

// newEnvConfig is newEnv with the server configured by config before it
// starts; config gets the address it will listen on.
func newEnvConfig(t testing.TB, config func(s *parleyhttp.Server, addr string), opts ...sqlite.Option) *env {
	t.Helper()
	fx := fixture.New(t, opts...)
	s := parleyhttp.NewServer(fx.Talks, fx.Auth)
	s.HeartbeatEvery = 50 * time.Millisecond
	// Tests open many streams as one user without closing them; the
	// per-account cap is tested on its own (TestStreamLimits).
	s.MaxStreams = 100
	// Tests drive many requests from one address and account at once.
	s.ScaleLimits(100)
	logs := &fixture.Buffer{}
	s.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewUnstartedServer(s)
	if config != nil {
		config(s, srv.Listener.Addr().String())
	}
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{Env: fx, srv: srv, tokens: map[string]string{}, logs: logs}
	for name := range fx.Users {
		tok, _, err := fx.Auth.IssueToken(context.Background(), fx.Users[name], "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = tok
	}
	return e
}

// do sends a request as user ("" for anonymous) and returns the status and body.
func (e *env) do(t *testing.T, user, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: error with Content-Type %q, want application/problem+json", method, path, ct)
		}
		var p parleyhttp.Problem
		if err := json.Unmarshal(out, &p); err != nil || p.Status != resp.StatusCode || p.Detail == "" {
			t.Errorf("%s %s: bad problem body %s", method, path, out)
		}
	}
	return resp.StatusCode, out
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(t *testing.T, want int, user, method, path string, body any) []byte {
	t.Helper()
	got, out := e.do(t, user, method, path, body)
	if got != want {
		t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, user, got, want, out)
	}
	return out
}

func (e *env) talks(path string) string { return "/api/v1/talks/" + e.TalksID + path }

// sseEvent is one event read from the stream.
type sseEvent struct {
	ID   int64
	Kind string
	Data string
}

// stream is an open event stream.
type stream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openStream connects to the event stream as user, resuming after last
// when last >= 0.
func (e *env) openStream(t *testing.T, user string, last int64, query string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/events"+query, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	if last >= 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		cancel()
		t.Fatalf("event stream: status %d", resp.StatusCode)
	}
	s := &stream{resp: resp, events: make(chan sseEvent, 1000), cancel: cancel}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Kind != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *stream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// collect reads events until quiet for the given time (stretched under
// the race detector).
func (s *stream) collect(quiet time.Duration) []sseEvent {
	var out []sseEvent
	quiet *= slowdown
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-time.After(quiet):
			return out
		}
	}
}

// collectUntil reads events until done says the ones read so far are
// enough, then until quiet; it gives up after a generous timeout, for a
// busy machine.
func (s *stream) collectUntil(done func([]sseEvent) bool, quiet time.Duration) []sseEvent {
	var out []sseEvent
	deadline := time.After(15 * time.Second)
	for !done(out) {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-deadline:
			return out
		}
	}
	return append(out, s.collect(quiet)...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ctx() context.Context { return context.Background() }

// browser returns a client with a cookie jar, signed in as user through the
// sign-in form, that does not follow redirects.
func (e *env) browser(t testing.TB, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"name": {user}, "password": {fixture.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", user, resp.StatusCode)
	}
	return c
}

// get fetches a page or resource with c and returns the status and body.
func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// bundleOf returns user's ledger bundle, verified; a user in no talks (the
// operator, an outsider) sees no ledger at all and gets an empty one.
func (e *env) bundleOf(t *testing.T, user string) ledger.Bundle {
	t.Helper()
	code, body := e.do(t, user, "GET", "/api/v1/ledger/bundle", nil)
	if code == http.StatusNotFound && (user == "operator" || user == "outsider") {
		return ledger.Bundle{}
	}
	if code != http.StatusOK {
		t.Fatalf("%s's bundle: %d %s", user, code, body)
	}
	b, err := ledger.ParseBundle(body)
	if err != nil {
		t.Fatalf("%s's bundle: %v", user, err)
	}
	if err := ledger.VerifyBundle(b, e.Signer.VerifierKey()); err != nil {
		t.Fatalf("%s's bundle does not verify: %v", user, err)
	}
	return b
}
