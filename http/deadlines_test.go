package http_test

import (
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

// TestDeadlines: mediators set deadlines, every member sees the countdown;
// an alert is an event every member sees and a message in the mediators
// room that only mediators read.
func TestDeadlines(t *testing.T) {
	e := newQuietEnv(t)
	clock := e.fixClock()
	streams := e.openStreams(t)
	nd := talks.NewDeadline{Title: "Inauguration", DueAt: time.Date(2025, 1, 20, 17, 0, 0, 0, time.UTC), SetBy: "President-elect Donald Trump"}
	for _, u := range []string{"israel", "observer", "operator"} {
		e.must(t, 403, u, "POST", e.talks("/deadlines"), nd)
	}
	e.must(t, 404, "outsider", "POST", e.talks("/deadlines"), nd)
	e.must(t, 400, "qatar", "POST", e.talks("/deadlines"), talks.NewDeadline{Title: "x", SetBy: "x"})
	var c parley.Countdown
	decodeJSON(t, e.must(t, 201, "qatar", "POST", e.talks("/deadlines"), nd), &c)
	for _, u := range members {
		code, out := e.do(t, u, "GET", e.talks("/deadlines"), nil)
		if u == "operator" || u == "outsider" {
			if code != 404 {
				t.Errorf("%s: %d", u, code)
			}
			continue
		}
		var l parleyhttp.DeadlineList
		decodeJSON(t, out, &l)
		if len(l.Deadlines) != 1 || l.Deadlines[0].DaysLeft != 46 || l.Deadlines[0].SetBy != nd.SetBy {
			t.Errorf("%s: %s", u, out)
		}
	}
	e.must(t, 200, "hamas", "GET", e.talks("/deadlines/"+c.ID), nil)
	e.must(t, 404, "hamas", "GET", e.talks("/deadlines/l_nope"), nil)

	clock.T = time.Date(2024, 12, 22, 9, 0, 0, 0, time.UTC)
	fired, err := e.Talks.FireAlerts(ctx())
	if err != nil || len(fired) != 1 || !fired[0].Late {
		t.Fatalf("fired %+v, %v", fired, err)
	}
	all := map[string]bool{"qatar": true, "envoy": true, "israel": true, "israel2": true, "hamas": true, "observer": true}
	e.checkReadPaths(t, streams, all, "the alert event", func(kind, room string) bool { return kind == parley.EventDeadlineAlert })
	var p talks.Page
	decodeJSON(t, e.must(t, 200, "envoy", "GET", e.talks("/rooms/mediators/messages"), nil), &p)
	if n := len(p.Messages); n != 1 || !strings.Contains(p.Messages[0].Text, "in 29 days") || !strings.Contains(p.Messages[0].Text, "late") || p.Messages[0].Author != "" {
		t.Errorf("mediators room: %+v", p.Messages)
	}
	e.must(t, 404, "israel", "GET", e.talks("/rooms/mediators/messages"), nil)
}
