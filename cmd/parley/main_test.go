package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/auth"
	"parley/internal/fixture"
)

var cheapArgon sync.Once

// useCheapArgon makes password hashing fast for tests; the format is unchanged.
func useCheapArgon() {
	cheapArgon.Do(func() { auth.Argon2 = auth.Params{Time: 1, MemoryKiB: 64, Threads: 1} })
}

// cliRun runs the parley command line and returns stdout, stderr and the
// exit status main would use.
func cliRun(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	useCheapArgon()
	var out, errb fixture.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}
	code := exitCode(m, m.Run(context.Background(), args))
	return out.String(), errb.String(), code
}

func TestUsageAndUnknownCommand(t *testing.T) {
	if _, errs, code := cliRun(t); code != 2 || !strings.Contains(errs, "serve") {
		t.Fatalf("no args: %d %q", code, errs)
	}
	if _, errs, code := cliRun(t, "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Fatalf("unknown: %d %q", code, errs)
	}
	if _, _, code := cliRun(t, "serve", "-h"); code != 0 {
		t.Fatalf("serve -h: %d", code)
	}
	if _, _, code := cliRun(t, "serve", "--no-such-flag"); code != 2 {
		t.Fatalf("bad flag: %d", code)
	}
	if _, errs, code := cliRun(t, "admin", "explode"); code != 2 || !strings.Contains(errs, "unknown subcommand") {
		t.Fatalf("admin explode: %d %q", code, errs)
	}
}

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cliRun(t, "admin", "users", "--data", dir); code != 1 || !strings.Contains(errs, "no parley data") {
		t.Fatalf("users on an empty dir: %d %q", code, errs)
	}
	out, errs, code := cliRun(t, "demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "parley-demo-2024") || !strings.Contains(out, "hamas-office") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	out, _, code = cliRun(t, "demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "already loaded") {
		t.Fatalf("demo again: %d %q", code, out)
	}
	out, _, code = cliRun(t, "admin", "users", "--data", dir)
	if code != 0 || !regexp.MustCompile(`(?m)^barnea\s+David Barnea\s+israel \(party, negotiator\)`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^operator\s+Channel operator\s+administrator`).MatchString(out) {
		t.Fatalf("users:\n%s", out)
	}
	if _, errs, code := cliRun(t, "admin", "token", "--data", dir, "--user", "nobody"); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("token for nobody: %d %q", code, errs)
	}
	if _, errs, code := cliRun(t, "admin", "add-user", "--data", dir, "--user", "Bad Name", "--password", "long enough password"); code != 1 || !strings.Contains(errs, "user name") {
		t.Fatalf("bad add-user: %d %q", code, errs)
	}
	if out, _, code := cliRun(t, "admin", "add-user", "--data", dir, "--user", "egypt", "--display", "Egypt liaison", "--password", "long enough password"); code != 0 || !strings.Contains(out, "created egypt") {
		t.Fatalf("add-user: %d %q", code, out)
	}
	tok, _, code := cliRun(t, "admin", "token", "--data", dir, "--user", "barnea")
	if code != 0 || len(strings.TrimSpace(tok)) < 40 {
		t.Fatalf("token: %d %q", code, tok)
	}
	key, _, code := cliRun(t, "admin", "ledger-key", "--data", dir)
	if code != 0 || !strings.HasPrefix(key, defaultOrigin+"+") {
		t.Fatalf("ledger-key: %d %q", code, key)
	}
	if out, errs, code := cliRun(t, "admin", "ledger-check", "--data", dir); code != 0 || !strings.Contains(out, "ledger ok") {
		t.Fatalf("ledger-check: %d %q %q", code, out, errs)
	}
}

// TestServe runs the real server on a free loopback port with the demo
// loaded, signs in over HTTP, and stops it by cancelling its context.
// startServe runs parley serve with args (and --addr 127.0.0.1:0) until
// the test ends, and returns its base URL and its output.
func startServe(t *testing.T, args ...string) (string, *fixture.Buffer) {
	t.Helper()
	useCheapArgon()
	out, errb := &fixture.Buffer{}, &fixture.Buffer{}
	m := &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := re.FindStringSubmatch(out.String()); mm != nil {
			base = mm[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("server did not start: %q %q", out.String(), errb.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
		if !strings.Contains(out.String(), "parley stopped") {
			t.Errorf("no clean stop: %q", out.String())
		}
	})
	return base, out
}

// login signs in as name with the demo password and returns the session
// cookie.
func login(t *testing.T, base, name string) string {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"`+demoPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "parley_session" && resp.StatusCode == 200 {
			return c.Value
		}
	}
	t.Fatalf("login: %d", resp.StatusCode)
	return ""
}

// talksTitles lists the titles of the talks the session may see.
func talksTitles(t *testing.T, base, cookie string) []string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/talks", nil)
	req.AddCookie(&http.Cookie{Name: "parley_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Talks []struct{ Title string } }
	json.NewDecoder(resp.Body).Decode(&list)
	var out []string
	for _, k := range list.Talks {
		out = append(out, k.Title)
	}
	return out
}

func TestServe(t *testing.T) {
	base, out := startServe(t, "--demo", "--data", t.TempDir())
	cookie := login(t, base, "barnea")
	if got := talksTitles(t, base, cookie); len(got) != 1 || got[0] != "Gaza ceasefire and hostage release" {
		t.Fatalf("talks: %q", got)
	}
	// The demo's clock is fixed at its article's day: 425 days in captivity.
	req, _ := http.NewRequest("GET", base+"/api/v1/talks", nil)
	req.AddCookie(&http.Cookie{Name: "parley_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Talks []struct{ ID string } }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	req, _ = http.NewRequest("GET", base+"/api/v1/talks/"+list.Talks[0].ID+"/captives/aggregates", nil)
	req.AddCookie(&http.Cookie{Name: "parley_session", Value: cookie})
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	var agg struct {
		AsOf string `json:"as_of"`
		All  struct {
			Held    int `json:"held"`
			MaxDays int `json:"max_days"`
		} `json:"all"`
	}
	json.NewDecoder(resp.Body).Decode(&agg)
	resp.Body.Close()
	if agg.AsOf != "2024-12-05" || agg.All.Held != 100 || agg.All.MaxDays != 425 || !strings.Contains(out.String(), "clock is fixed at 2024-12-05") {
		t.Fatalf("the demo's figures: %+v\n%s", agg, out.String())
	}
	resp, err = http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Sign in") {
		t.Fatalf("login page: %s", page)
	}
}

func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("bench runs real workloads; skipped with -short")
	}
	out, errs, code := cliRun(t, "bench", "--in-process", "--events", "40", "--writers", "4", "--json")
	if code != 0 {
		t.Fatalf("bench: %d %s", code, errs)
	}
	var res []benchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench output: %v\n%s", err, out)
	}
	if len(res) != 9 {
		t.Fatalf("%d results", len(res))
	}
	for _, r := range res {
		if r.Value <= 0 {
			t.Errorf("%s: %v %s", r.Name, r.Value, r.Unit)
		}
	}
	if _, _, code := cliRun(t, "bench", "--in-process", "--events", "3"); code != 2 {
		t.Fatalf("too few events: exit %d", code)
	}
}
