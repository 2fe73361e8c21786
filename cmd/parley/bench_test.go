package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

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

// TestIdleCost checks the idle stream figures: Go memory is heap plus
// stacks per stream, and an RSS that shrank between the readings gives no
// negative cost per stream.
func TestIdleCost(t *testing.T) {
	before := procStats{RSSBytes: 100 << 20, HeapBytes: 40 << 20, StackBytes: 1 << 20, Goroutines: 10}
	after := procStats{RSSBytes: 99 << 20, HeapBytes: 40<<20 + 100*20000, StackBytes: 1<<20 + 100*12000, Goroutines: 210}
	c := idle(before, after, 100, time.Second)
	if c.HeapPer != 20000 || c.StackPer != 12000 || c.GoPer != 32000 || c.RoutinesPer != 2 {
		t.Errorf("per stream: %+v", c)
	}
	if c.RSSGrowth != -1<<20 || c.RSSPer != 0 {
		t.Errorf("RSS that shrank: growth %d, per stream %f", c.RSSGrowth, c.RSSPer)
	}
	if idle(before, after, 0, 0) != nil {
		t.Error("no streams, yet a cost")
	}
}

// TestSoakCompare checks that a soak compares the last interval with the
// first for latency and with the second for growth, and needs three.
func TestSoakCompare(t *testing.T) {
	rows := []intervalRow{
		{PostP99: 10, RSSBytes: 50, Goroutines: 9, OpenFiles: 30},
		{PostP99: 20, RSSBytes: 80, HeapBytes: 10, Goroutines: 12, OpenFiles: 31},
		{PostP99: 30, RSSBytes: 90, HeapBytes: 4, Goroutines: 12, OpenFiles: 33},
	}
	if soak(rows[:2]) != nil {
		t.Error("two intervals make no soak")
	}
	s := soak(rows)
	if s.First.PostP99 != 10 || s.Last.PostP99 != 30 || s.RSSGrowth != 10 || s.HeapGrowth != -6 || s.RoutineGrowth != 0 || s.FileGrowth != 2 {
		t.Errorf("soak: %+v", s)
	}
}
