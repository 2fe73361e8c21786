package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"parley"
	"parley/auth"
	parleyhttp "parley/http"
)

// serveData serves a data directory on 127.0.0.1 and returns its URL and
// a read-only bearer token of barnea (Israel's negotiator), as a party's
// witness would hold.
func serveData(t *testing.T, dir string) (string, string) {
	t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(parleyhttp.NewServer(a.talks, a.auth))
	t.Cleanup(func() { srv.Close(); a.Close() })
	u, err := a.talks.User(ctx, nil, "barnea")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.auth.NewToken(ctx, u, auth.TokenOptions{Name: "witness", Access: parley.AccessRead})
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL, tok
}

// fetch GETs path with a bearer token.
func fetch(t *testing.T, base, tok, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// TestWitnessCosignsAndCatchesAFork runs a party's witness against a
// server, verifies a bundle with a quorum of cosignatures, then points the
// same witness at a copy of the log that went another way after a common
// start (a server showing another party another history): the witness
// refuses it.
func TestWitnessCosignsAndCatchesAFork(t *testing.T) {
	dir, key := ledgerDemo(t)
	tmp := t.TempDir()
	wfile := filepath.Join(tmp, "witness.key")
	vkey := strings.TrimSpace(mustParley(t, "witness", "keygen", "--name", "witness.israel.example", "--out", wfile))
	vkey2 := strings.TrimSpace(mustParley(t, "witness", "keygen", "--name", "witness.hamas.example", "--out", filepath.Join(tmp, "other.key")))
	mustParley(t, "admin", "witness-add", "--data", dir, "--key", vkey)
	mustParley(t, "admin", "witness-add", "--data", dir, "--key", vkey2)
	fork := copyData(t, dir)
	postMessages(t, dir, 2)

	base, tok := serveData(t, dir)
	state := filepath.Join(tmp, "state.json")
	witness := func(base, tok string) []string {
		return []string{"witness", "run", "--server", base, "--token", tok, "--key", "@" + wfile, "--log-key", key, "--state", state, "--once"}
	}
	if out := mustParley(t, witness(base, tok)...); !strings.Contains(out, "cosigned checkpoint of size") {
		t.Fatalf("witness: %s", out)
	}
	cp := fetch(t, base, tok, "/api/v1/ledger/checkpoint")
	if !strings.Contains(cp, "— witness.israel.example ") {
		t.Fatalf("the served checkpoint lacks the cosignature:\n%s", cp)
	}
	bundle := writeTemp(t, "cosigned.json", fetch(t, base, tok, "/api/v1/ledger/bundle?cosigned=1"))
	if out := mustParley(t, "verify", bundle, "--key", key, "--witness", vkey, "--quorum", "1"); !strings.Contains(out, "cosigned by 1 of 1 witnesses") {
		t.Errorf("verify: %s", out)
	}
	failParley(t, []string{"1 of the 2 witnesses", "at least 2"}, "verify", bundle, "--key", key, "--witness", vkey, "--witness", vkey2, "--quorum", "2")

	// A newer checkpoint nobody cosigned yet does not pass a quorum.
	postMessages(t, dir, 1)
	plain, _ := exportBundle(t, dir, "barnea")
	failParley(t, []string{"0 of the 1 witnesses"}, "verify", plain, "--key", key, "--witness", vkey, "--quorum", "1")
	// The witness follows it with a consistency proof.
	if out := mustParley(t, witness(base, tok)...); !strings.Contains(out, "cosigned checkpoint of size") {
		t.Fatalf("witness, second round: %s", out)
	}

	// The fork: the same key, the same start, another history of the same
	// size, then a longer one.
	postMessages(t, fork, 3)
	forkBase, forkTok := serveData(t, fork)
	failParley(t, []string{"forked"}, witness(forkBase, forkTok)...)
	postMessages(t, fork, 1)
	failParley(t, []string{"forked"}, witness(forkBase, forkTok)...)
	// The refusals moved nothing: the honest log is still followed.
	postMessages(t, dir, 1)
	mustParley(t, witness(base, tok)...)
}
