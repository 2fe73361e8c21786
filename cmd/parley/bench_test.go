package main

import (
	"encoding/json"
	"strings"
	"testing"

	"parley/postgres/pgtest"
)

// TestBenchHTTP runs a small HTTP bench against a server subprocess and
// checks that it reports every figure, that every acknowledged message
// reached every subscriber that may see it, and that the baseline ran.
func TestBenchHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("bench runs real workloads; skipped with -short")
	}
	rep := benchJSON(t, "bench", "--messages", "300", "--posters", "4", "--subscribers", "6", "--parties", "2", "--json")
	r := rep.Result
	if r.Acked != 300 || len(r.Errors) != 0 {
		t.Fatalf("acked %d, errors %v", r.Acked, r.Errors)
	}
	// 6 subscribers, the mediator and 2 party heads in turn: every message
	// reaches both mediator streams and the 2 of its party.
	if r.Expected != 300*4 || r.Delivered != r.Expected {
		t.Fatalf("delivered %d of %d", r.Delivered, r.Expected)
	}
	if r.PostP50 <= 0 || r.PostP99 < r.PostP50 || r.PostP999 < r.PostP99 || r.DeliveryP50 <= 0 || r.DeliveryP99 < r.DeliveryP50 {
		t.Errorf("percentiles: %+v", r)
	}
	if r.ServerCores <= 0 || r.End.RSSBytes <= 0 || r.End.Goroutines <= 0 || r.End.OpenFiles <= 0 || r.Idle == nil || r.Idle.Streams != 6 {
		t.Errorf("server figures: %+v %+v", r.End, r.Idle)
	}
	if rep.Baseline == nil || rep.Baseline.PerSec <= 0 || rep.Fraction <= 0 {
		t.Errorf("baseline: %+v", rep.Baseline)
	}
	if len(rep.ServerError) != 0 {
		t.Errorf("the server logged errors: %v", rep.ServerError)
	}
	if _, errs, code := cliRun(t, "bench", "--url", "http://127.0.0.1:1"); code != 2 || !strings.Contains(errs, "--token") {
		t.Fatalf("--url without a token: %d %s", code, errs)
	}
}

// TestBenchHTTPPostgres runs the HTTP bench with the server on PostgreSQL.
func TestBenchHTTPPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("bench runs real workloads; skipped with -short")
	}
	db := pgtest.Schema(t)
	rep := benchJSON(t, "bench", "--db", db, "--messages", "100", "--posters", "4", "--subscribers", "3", "--parties", "2", "--json")
	if r := rep.Result; r.Acked != 100 || r.Delivered != r.Expected || rep.Baseline == nil {
		t.Fatalf("on PostgreSQL: %+v %+v", r, rep.Baseline)
	}
}

// benchJSON runs parley with args and decodes its JSON report.
func benchJSON(t *testing.T, args ...string) *benchReport {
	t.Helper()
	out, errs, code := cliRun(t, args...)
	if code != 0 {
		t.Fatalf("bench: %d %s", code, errs)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bench output: %v\n%s", err, out)
	}
	return &rep
}
