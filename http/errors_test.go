package http_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/sqlite"
)

// TestStorageFull: a store with no room left answers 507 with its own code
// and a Retry-After, writes nothing half, and keeps serving reads.
func TestStorageFull(t *testing.T) {
	e := newEnv(t, sqlite.MaxSize(600<<10))
	msgs := e.talks("/rooms/caucus:israel/messages")
	big := strings.Repeat("words ", parley.MaxMessageBytes/6-1)
	posted := 0
	for ; posted < 30; posted++ {
		req, _ := http.NewRequest("POST", e.srv.URL+msgs, strings.NewReader(fmt.Sprintf(`{"text":%q}`, big)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens["israel"])
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 201 {
			continue
		}
		var p parleyhttp.Problem
		json.Unmarshal(body, &p)
		if resp.StatusCode != 507 || p.Code != parley.ESTORAGEFULL || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("full store: %d %s (Retry-After %q)", resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
		break
	}
	if posted == 30 {
		t.Fatal("the store never filled up")
	}
	var page struct{ Messages []parley.Message }
	json.Unmarshal(e.must(t, 200, "israel", "GET", msgs+"?limit=200", nil), &page)
	if len(page.Messages) != posted {
		t.Fatalf("%d messages readable after %d acknowledged posts", len(page.Messages), posted)
	}
	if _, err := e.Talks.CheckLedger(ctx()); err != nil {
		t.Fatalf("the ledger after a full store: %v", err)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("a full store is not an internal error, yet it was logged as one:\n%s", e.logs)
	}
}

// rawRequest sends head and body on a new connection, closes the sending
// side, and returns the response's status line, waiting at most a second.
func rawRequest(t *testing.T, e *env, head, body string) string {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s\r\nHost: parley.test\r\n\r\n%s", head, body)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer within a second: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestTruncatedBody: a body shorter than its Content-Length, from a client
// that then closes, is answered 400 at once and not logged as an error.
func TestTruncatedBody(t *testing.T) {
	e := newEnv(t)
	head := "POST " + e.talks("/rooms/caucus:israel/messages") + " HTTP/1.1\r\nAuthorization: Bearer " + e.tokens["israel"] +
		"\r\nContent-Type: application/json\r\nContent-Length: 100"
	if got := rawRequest(t, e, head, `{"text":"cut sho`); got != "HTTP/1.1 400 Bad Request" {
		t.Fatalf("truncated JSON body: %q", got)
	}
	head = "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100"
	if got := rawRequest(t, e, head, `name=israel&pass`); !strings.HasPrefix(got, "HTTP/1.1 4") {
		t.Fatalf("truncated form: %q", got)
	}
	time.Sleep(50 * time.Millisecond)
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("a client's short body was logged as an error:\n%s", e.logs)
	}
	var page struct{ Messages []parley.Message }
	json.Unmarshal(e.must(t, 200, "israel", "GET", e.talks("/rooms/caucus:israel/messages"), nil), &page)
	if len(page.Messages) != 0 {
		t.Fatalf("a truncated post was stored: %+v", page.Messages)
	}
}

// TestInternalErrorLoggedOnce: an unexpected failure answers 500 with a
// request id, and the log holds exactly one line for it, naming the request.
func TestInternalErrorLoggedOnce(t *testing.T) {
	e := newEnv(t)
	e.Store.Close() // the database goes away under the server
	code, body := e.do(t, "israel", "GET", "/api/v1/talks", nil)
	var p parleyhttp.Problem
	json.Unmarshal(body, &p)
	if code != 500 || p.Code != parley.EINTERNAL || p.RequestID == "" || strings.Contains(p.Detail, "sql") {
		t.Fatalf("internal error: %d %s", code, body)
	}
	var lines []string
	for _, l := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(l, p.RequestID) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "level=ERROR") || !strings.Contains(lines[0], "path=/api/v1/") {
		t.Fatalf("log lines for request %s: %q\nwhole log:\n%s", p.RequestID, lines, e.logs)
	}
}

// TestParametersOutOfRange: every page and API parameter out of range is a
// 4xx, never a 5xx.
func TestParametersOutOfRange(t *testing.T) {
	e := newEnv(t)
	room := "/talks/" + e.TalksID + "/rooms/caucus:israel"
	c := e.browser(t, "israel")
	for _, q := range []string{"?before=-1", "?before=x", "?before=99999999999999999999"} {
		if code, _ := get(t, c, e.srv.URL+room+q); code != 400 {
			t.Errorf("room page %s: %d, want 400", q, code)
		}
	}
	for _, path := range []string{
		e.talks("/rooms/caucus:israel/messages?after=-1"), e.talks("/rooms/caucus:israel/messages?limit=201"),
		e.talks("/rooms/caucus:israel/messages?limit=-5"), e.talks("/search?q=x&limit=100000"),
		"/api/v1/ledger/leaves?start=-1", "/api/v1/ledger/leaves?start=0&end=5000", "/api/v1/ledger/proof/inclusion?index=99999",
		"/api/v1/ledger/proof/inclusion", "/api/v1/ledger/proof/consistency?from=5&to=2", "/api/v1/ledger/entries/0",
		"/api/v1/ledger/entries/-3", "/api/v1/events?last_event_id=-1",
	} {
		if code, body := e.do(t, "israel", "GET", path, nil); code != 400 {
			t.Errorf("GET %s: %d %s, want 400", path, code, body)
		}
	}
	if code, _ := e.do(t, "israel", "GET", "/api/v1/ledger/entries/99999", nil); code != 404 {
		t.Errorf("entry past the log: %d, want 404", code)
	}
}

// TestProblemBodiesAreValidJSON: an error about a path or input that is not
// valid UTF-8 still has a problem body a client can read.
func TestProblemBodiesAreValidJSON(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/talks/%ff", e.talks("/rooms/%ff%fe/messages"), "/api/v1/nothing/%c3%28"} {
		code, body := e.do(t, "israel", "GET", path, nil)
		var p parleyhttp.Problem
		if err := json.Unmarshal(body, &p); err != nil || p.Status != code || code != 404 {
			t.Errorf("GET %s: %d %q", path, code, body)
		}
	}
}

// TestHostileDatesAndNumbers extends the hostile walk with bodies shaped
// for the new endpoints: times whose UTC year leaves 0..9999, and the
// preference builder's NaN points. None may answer 5xx.
func TestHostileDatesAndNumbers(t *testing.T) {
	e := newEnv(t)
	id := e.TalksID
	dom := `{"name":"d","issues":[{"name":"days","range":{"low":0,"high":10,"step":1}},{"name":"zone","options":["a","b"]}]}`
	if c, b := e.do(t, "qatar", "PUT", "/api/v1/talks/"+id+"/domain", map[string]string{"source": dom}); c != 200 {
		t.Fatalf("domain: %d %s", c, b)
	}
	for _, tc := range []struct{ user, path, body string }{
		{"qatar", "/deadlines", `{"title":"t","due_at":"9999-12-31T23:00:00-23:00","set_by":"s"}`},
		{"qatar", "/agreements", `{"title":"t","stage":"framework","agreed_at":"0000-01-01T00:00:00+23:00"}`},
	} {
		c, b := e.do(t, tc.user, "POST", "/api/v1/talks/"+id+tc.path, tc.body)
		if c >= 500 {
			t.Errorf("POST %s %s: %d %s", tc.path, tc.body, c, b)
		}
	}
	// The preference builder (a page form) with a NaN point.
	cl := e.browser(t, "israel")
	form := url.Values{"mode": {"builder"}, "reservation": {"0.2"}, "weight_0": {"1"}, "weight_1": {"1"},
		"points_0": {"0 NaN\n10 1"}, "score_1_0": {"1"}, "score_1_1": {"0"}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/talks/"+id+"/profile", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("profile builder with a NaN point: %d", resp.StatusCode)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("hostile input was logged as an internal error:\n%s", e.logs)
	}
}
