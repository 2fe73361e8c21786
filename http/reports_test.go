package http_test

import (
	"testing"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

// TestReports: mediators record sourced, graded claims; every member reads
// them grouped by subject, contradicting claims side by side.
func TestReports(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	streams := e.openStreams(t)
	briefed := talks.NewReport{Subject: "progress", Claim: "Both agreed a Gaza ceasefire is necessary before the inauguration.", Source: "a source briefed on the talks",
		Outlet: "Fox News Digital", PublishedOn: "2024-12-05", Reliability: "c", Credibility: 3}
	var r1 parley.Report
	decodeJSON(t, e.must(t, 201, "qatar", "POST", e.talks("/reports"), briefed), &r1)
	official := talks.NewReport{Subject: "progress", Claim: "The meetings were a briefing rather than a concrete step.", Source: "a U.S. official",
		Outlet: "Reuters", PublishedOn: "2024-12-05", Reliability: "B", Credibility: 3, Contradicts: []string{r1.ID}}
	var r2 parley.Report
	decodeJSON(t, e.must(t, 201, "envoy", "POST", e.talks("/reports"), official), &r2)
	e.must(t, 201, "qatar", "POST", e.talks("/reports"), talks.NewReport{Subject: "deadline", Claim: "Repercussions if the hostages are not released before 20 January.",
		Source: "President-elect Trump", PublishedOn: "2024-12-02", Reliability: "B", Credibility: 1})
	if r1.Reliability != "C" || r2.Grade() != "B3" {
		t.Errorf("grades: %s %s", r1.Grade(), r2.Grade())
	}

	for _, u := range members {
		code, out := e.do(t, u, "GET", e.talks("/reports?subject=progress"), nil)
		if u == "operator" || u == "outsider" {
			if code != 404 {
				t.Errorf("%s: %d", u, code)
			}
			continue
		}
		var l parleyhttp.ReportList
		decodeJSON(t, out, &l)
		if len(l.Subjects) != 1 || len(l.Subjects[0].Reports) != 2 || len(l.Subjects[0].Conflicts) != 1 ||
			l.Subjects[0].Conflicts[0].A.Source != "a source briefed on the talks" || l.Subjects[0].Conflicts[0].B.Source != "a U.S. official" {
			t.Errorf("%s: %s", u, out)
		}
	}
	var l parleyhttp.ReportList
	decodeJSON(t, e.must(t, 200, "hamas", "GET", e.talks("/reports"), nil), &l)
	if len(l.Subjects) != 2 || l.Subjects[0].Subject != "deadline" {
		t.Errorf("all subjects: %+v", l)
	}
	e.must(t, 200, "observer", "GET", e.talks("/reports/"+r2.ID), nil)
	e.must(t, 404, "observer", "GET", e.talks("/reports/r_nope"), nil)
	e.must(t, 400, "hamas", "GET", e.talks("/reports?subject=Not+A+Slug"), nil)

	for _, tc := range []struct {
		user string
		r    talks.NewReport
		code int
	}{
		{"israel", briefed, 403},
		{"observer", briefed, 403},
		{"operator", briefed, 403},
		{"outsider", briefed, 404},
		{"qatar", talks.NewReport{Subject: "progress", Claim: "x", Source: "x", PublishedOn: "2024-12-05", Reliability: "G", Credibility: 3}, 400},
		{"qatar", talks.NewReport{Subject: "progress", Claim: "x", Source: "x", PublishedOn: "2024-12-05", Reliability: "A", Credibility: 7}, 400},
		{"qatar", talks.NewReport{Subject: "progress", Claim: "x", Source: "x", PublishedOn: "2024-12-06", Reliability: "A", Credibility: 1}, 400},
		{"qatar", talks.NewReport{Subject: "progress", Claim: "x", Source: "", PublishedOn: "2024-12-05", Reliability: "A", Credibility: 1}, 400},
		{"qatar", talks.NewReport{Subject: "Progress!", Claim: "x", Source: "x", PublishedOn: "2024-12-05", Reliability: "A", Credibility: 1}, 400},
		{"qatar", talks.NewReport{Subject: "deadline", Claim: "x", Source: "x", PublishedOn: "2024-12-05", Reliability: "A", Credibility: 1, Contradicts: []string{r1.ID}}, 400},
		{"qatar", talks.NewReport{Subject: "progress", Claim: "x", Source: "x", PublishedOn: "2024-12-05", Reliability: "A", Credibility: 1, Contradicts: []string{"r_nope"}}, 400},
	} {
		if got, out := e.do(t, tc.user, "POST", e.talks("/reports"), tc.r); got != tc.code {
			t.Errorf("%s records %+v: %d %s, want %d", tc.user, tc.r, got, out, tc.code)
		}
	}
	want := map[string]bool{"qatar": true, "envoy": true, "israel": true, "israel2": true, "hamas": true, "observer": true}
	e.checkReadPaths(t, streams, want, "reports", func(kind, room string) bool { return kind == parley.EventReportRecorded })
}
