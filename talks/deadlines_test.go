package talks_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

var inauguration = talks.NewDeadline{Title: "Inauguration", DueAt: time.Date(2025, 1, 20, 17, 0, 0, 0, time.UTC),
	SetBy: "President-elect Donald Trump", Reason: "Repercussions if the hostages are not released by then."}

// alertMessages returns the texts of the mediators room that are alerts.
func alertMessages(t *testing.T, e *fixture.Env) []string {
	t.Helper()
	var out []string
	for _, m := range texts(t, e, "qatar", parley.RoomMediators) {
		if strings.HasPrefix(m, "Deadline") {
			out = append(out, m)
		}
	}
	return out
}

// TestDeadlineAlertsAcrossRestart: each alert fires once, on time while
// the server runs, late (saying so) when it was down, never again after a
// restart, and once when two nodes try at the same time.
func TestDeadlineAlertsAcrossRestart(t *testing.T) {
	e := fixture.New(t)
	clock := &fixture.Clock{T: time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC)}
	e.Talks.Now = clock.Now
	nd := inauguration
	nd.AlertDays = []int{0, 1, 7, 30}
	c, err := e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, nd)
	if err != nil {
		t.Fatal(err)
	}
	if c.DaysLeft != 46 || c.Passed || len(c.AlertDays) != 4 || c.AlertDays[0] != 30 {
		t.Fatalf("countdown: %+v", c)
	}
	fire := func(s *talks.Service, want ...int) {
		t.Helper()
		got, err := s.FireAlerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var leads []int
		for _, a := range got {
			leads = append(leads, a.LeadDays)
		}
		if len(leads) != len(want) || len(want) > 0 && leads[0] != want[0] {
			t.Fatalf("fired %v, want %v", leads, want)
		}
	}
	fire(e.Talks)
	clock.T = time.Date(2024, 12, 21, 17, 1, 0, 0, time.UTC)
	fire(e.Talks, 30)
	fire(e.Talks)
	msgs := alertMessages(t, e)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Inauguration is in 30 days") || strings.Contains(msgs[0], "late") {
		t.Fatalf("alert messages: %q", msgs)
	}

	// The server is down from 22 December to 19 January: on restart the
	// one-day alert fires late and the seven-day one is superseded.
	restarted := talks.New(e.Reopen(t), talks.NewBus())
	restarted.Now = clock.Now
	fire(restarted)
	clock.T = time.Date(2025, 1, 19, 18, 0, 0, 0, time.UTC)
	fire(restarted, 1)
	fire(restarted)
	fire(e.Talks)
	msgs = alertMessages(t, e)
	if len(msgs) != 2 || !strings.Contains(msgs[1], "is in 1 day") || !strings.Contains(msgs[1], "fires late") {
		t.Fatalf("after the restart: %q", msgs)
	}

	// Two nodes on the same database try the deadline's own alert at once.
	clock.T = time.Date(2025, 1, 20, 17, 0, 30, 0, time.UTC)
	nodes := []*talks.Service{talks.New(e.Reopen(t), talks.NewBus()), talks.New(e.Reopen(t), talks.NewBus())}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, n := range nodes {
		n.Now = clock.Now
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := n.FireAlerts(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(got)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 {
		t.Fatalf("two nodes fired %d alerts", total)
	}
	msgs = alertMessages(t, e)
	if len(msgs) != 3 || !strings.Contains(msgs[2], "Deadline reached") {
		t.Fatalf("at the deadline: %q", msgs)
	}
	ds, err := e.Talks.Deadlines(ctx, e.U("hamas"), e.TalksID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, a := range ds[0].Alerts {
		got[a.LeadDays] = map[bool]string{true: "late", false: "on time"}[a.Late]
		if a.Superseded {
			got[a.LeadDays] = "superseded"
		}
	}
	want := map[int]string{30: "on time", 7: "superseded", 1: "late", 0: "on time"}
	for lead, w := range want {
		if got[lead] != w {
			t.Errorf("alert %d: %q, want %q", lead, got[lead], w)
		}
	}
	if !ds[0].Passed || ds[0].DaysLeft != 0 {
		t.Errorf("countdown at the deadline: %+v", ds[0])
	}
	if _, err := e.Talks.CheckLedger(ctx); err != nil {
		t.Errorf("ledger: %v", err)
	}
}

// TestDeadlineRules: who sets deadlines, what is refused, which alerts
// never fire.
func TestDeadlineRules(t *testing.T) {
	e := fixture.New(t)
	clock := &fixture.Clock{T: time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)}
	e.Talks.Now = clock.Now
	_, err := e.Talks.SetDeadline(ctx, e.U("israel"), e.TalksID, inauguration)
	code(t, err, parley.EFORBIDDEN)
	_, err = e.Talks.SetDeadline(ctx, e.U("outsider"), e.TalksID, inauguration)
	code(t, err, parley.ENOTFOUND)
	bad := inauguration
	bad.DueAt = clock.T.Add(-time.Hour)
	_, err = e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, bad)
	code(t, err, parley.EINVALID)
	bad = inauguration
	bad.AlertDays = []int{400}
	_, err = e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, bad)
	code(t, err, parley.EINVALID)
	bad = inauguration
	bad.SetBy = ""
	_, err = e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, bad)
	code(t, err, parley.EINVALID)
	_, err = e.Talks.Deadlines(ctx, e.U("operator"), e.TalksID)
	code(t, err, parley.ENOTFOUND)

	// Set five days before: the 30- and 7-day alerts never fire.
	if _, err := e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, inauguration); err != nil {
		t.Fatal(err)
	}
	clock.T = time.Date(2025, 1, 19, 17, 0, 0, 0, time.UTC)
	got, err := e.Talks.FireAlerts(ctx)
	if err != nil || len(got) != 1 || got[0].LeadDays != 1 || got[0].Late {
		t.Fatalf("fired %+v, %v", got, err)
	}
	// Concluded talks fire nothing.
	if _, err := e.Talks.SetStatus(ctx, e.U("qatar"), e.TalksID, talks.ActionConclude, ""); err != nil {
		t.Fatal(err)
	}
	clock.T = time.Date(2025, 1, 21, 0, 0, 0, 0, time.UTC)
	if got, err := e.Talks.FireAlerts(ctx); err != nil || len(got) != 0 {
		t.Fatalf("concluded talks: %+v, %v", got, err)
	}
}

// TestRunAlerts: the scheduler parley serve runs fires at start (catching
// up on what came due while it was down) and stops with its context.
func TestRunAlerts(t *testing.T) {
	e := fixture.New(t)
	clock := &fixture.Clock{T: time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC)}
	e.Talks.Now = clock.Now
	if _, err := e.Talks.SetDeadline(ctx, e.U("qatar"), e.TalksID, inauguration); err != nil {
		t.Fatal(err)
	}
	clock.T = time.Date(2024, 12, 22, 0, 0, 0, 0, time.UTC)
	last, err := e.Talks.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changed := e.Bus.Changed()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		e.Talks.RunAlerts(rctx, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	select {
	case <-changed:
		evs, _ := e.Bus.Since(last)
		if len(evs) == 0 || evs[0].Kind != parley.EventDeadlineAlert {
			t.Errorf("first events %v", evs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no alert")
	}
	cancel()
	<-done
}
