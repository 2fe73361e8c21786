package http_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.browser(t, "israel")
	for _, path := range []string{"/login", "/talks", "/account", "/api/v1/me", "/api/v1/talks/nope", "/invite"} {
		resp, err := c.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"X-Frame-Options":        "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if strings.HasPrefix(path, "/api/") && !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: an API answer may load something: %q", path, csp)
		}
		if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "publickey-credentials-get=(self)") {
			t.Errorf("%s: Permissions-Policy %q", path, pp)
		}
	}
}

// TestNoInlineScript: the pages need no 'unsafe-inline': every script
// element has a src and no body, and there is no event handler
// attribute, style attribute or javascript: URL.
func TestNoInlineScript(t *testing.T) {
	script := regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`)
	attr := regexp.MustCompile(`(?i)\son[a-z]+\s*=|\sstyle\s*=|javascript:`)
	files, err := fs.Glob(os.DirFS("templates"), "*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile("templates/" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range script.FindAllSubmatch(b, -1) {
			if !strings.Contains(string(m[1]), "src=") || strings.TrimSpace(string(m[2])) != "" {
				t.Errorf("templates/%s: inline script %q", f, m[0])
			}
		}
		if m := attr.Find(b); m != nil {
			t.Errorf("templates/%s: inline handler or style %q", f, m)
		}
	}
}

func TestWriteLimits(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(1) })
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		code, body := e.do(t, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": fmt.Sprint("burst ", i)})
		switch code {
		case 201:
		case 429:
			limited = strings.Contains(string(body), `"code":"rate_limited"`)
		default:
			t.Fatalf("post %d: %d %s", i, code, body)
		}
	}
	if !limited {
		t.Fatalf("40 posts in a burst were not limited")
	}
	// Another account is not held back by it.
	e.must(t, 201, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "unaffected"})
	// Exports too.
	limited = false
	for i := 0; i < 10 && !limited; i++ {
		code, _ := e.do(t, "qatar", "GET", "/api/v1/ledger/bundle", nil)
		limited = code == 429
	}
	if !limited {
		t.Errorf("10 exports in a burst were not limited")
	}
}

func TestStreamLimits(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.MaxStreams = 2 })
	a := e.openStream(t, "israel", -1, "")
	e.openStream(t, "israel", -1, "")
	if code, _ := e.do(t, "israel", "GET", "/api/v1/events", nil); code != 429 {
		t.Fatalf("a third stream: %d", code)
	}
	e.openStream(t, "hamas", -1, "") // another account has its own
	a.close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["israel"])
		resp, err := e.srv.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream still counts: %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStreamCutsClientThatStopsReading: a client that opens a stream and
// reads nothing is cut off once a write waits past the stream write
// timeout, and no longer holds its place.
func TestStreamCutsClientThatStopsReading(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) {
		s.MaxStreams = 1
		s.StreamWriteTimeout = 300 * time.Millisecond
		s.HeartbeatEvery = time.Hour
	})
	conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(conn, "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", e.tokens["qatar"])
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "200") {
		t.Fatalf("stream: %q %v", status, err)
	}
	// The client reads no more; the server has far more to send than the
	// sockets hold.
	text := strings.Repeat("x", parley.MaxMessageBytes-100)
	for i := range 150 {
		if _, err := e.Talks.Post(ctx(), e.U("envoy"), e.TalksID, "mediators", talks.NewMessage{Text: fmt.Sprint(i, text)}); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 && streamFree(t, e) {
			return
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for !streamFree(t, e) {
		if time.Now().After(deadline) {
			t.Fatal("the stream of a client that stopped reading was not cut")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// streamFree reports whether qatar may open a stream (its one place is
// free).
func streamFree(t *testing.T, e *env) bool {
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["qatar"])
	resp, err := e.srv.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// TestWriteLimitsOnPages: the room page's message form, sent by the
// script or without it, and the relay form count against the same
// limits as the API.
func TestWriteLimitsOnPages(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(1) })
	burst := func(name string, c *http.Client, u string, form func(i int) url.Values, fetch bool) {
		t.Helper()
		for i := range 40 {
			req, err := http.NewRequest("POST", u, strings.NewReader(form(i).Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if fetch {
				req.Header.Set("X-Parley-Fetch", "1")
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				return
			}
		}
		t.Errorf("%s: 40 sends in a burst were not limited", name)
	}
	post := e.srv.URL + "/talks/" + e.TalksID + "/rooms/caucus:israel/post"
	text := func(i int) url.Values {
		return url.Values{"text": {fmt.Sprint("burst ", i)}, "disclosure": {"relayable"}}
	}
	burst("message form sent by the script", e.browser(t, "israel"), post, text, true)
	burst("message form", e.browser(t, "israel2"), post, text, false)
	var m parley.Message
	decodeJSON(t, e.must(t, 201, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "to relay", "disclosure": "relayable"}), &m)
	burst("relay form", e.browser(t, "qatar"), e.srv.URL+"/talks/"+e.TalksID+"/relay", func(i int) url.Values {
		return url.Values{"source_room": {"caucus:hamas"}, "message_id": {m.ID}, "target_room": {"mediators"}, "mode": {"paraphrase"},
			"attribution": {"anonymous"}, "disclosure": {"relayable"}, "text": {fmt.Sprint("relay ", i)}, "step": {"preview"}}
	}, false)
}

// TestReadMarkersSpareTheWriteLimit: the room page's script records a read
// marker for every message that arrives while the room is open (in every
// tab); those markers do not use up the account's budget of messages, so
// a reader of a busy room can still post.
func TestReadMarkersSpareTheWriteLimit(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(1) })
	var m parley.Message
	decodeJSON(t, e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "read me"}), &m)
	for i := range 40 {
		if code, body := e.do(t, "israel2", "POST", e.talks("/rooms/caucus:israel/read"), map[string]int64{"seq": m.RoomSeq}); code != http.StatusNoContent {
			t.Fatalf("read marker %d: %d %s", i, code, body)
		}
	}
	e.must(t, 201, "israel2", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "still posting"})
}

// TestLanguageSwitchIsLimited: a signed-in person's language choice is
// written to the store, under the limit of view-state writes.
func TestLanguageSwitchIsLimited(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(1) })
	c := e.browser(t, "israel")
	limited := false
	for i := 0; i < 300 && !limited; i++ {
		resp, err := c.PostForm(e.srv.URL+"/language", url.Values{"lang": {"ar"}, "return": {"/talks"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusSeeOther:
		case http.StatusTooManyRequests:
			limited = true
		default:
			t.Fatalf("switch %d: %d", i, resp.StatusCode)
		}
	}
	if !limited {
		t.Error("300 language switches in a row were all written")
	}
}
