package parley_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

func TestDates(t *testing.T) {
	if n := parley.DaysBetween("2023-10-07", "2024-12-05"); n != 425 {
		t.Errorf("2023-10-07 → 2024-12-05: %d days, want 425", n)
	}
	for d, ok := range map[parley.Date]bool{"2024-02-29": true, "2023-02-29": false, "2024-1-5": false, "": false, "2024-12-05T00:00:00Z": false} {
		if d.Valid() != ok {
			t.Errorf("%q valid: %v", d, !ok)
		}
	}
	if got := parley.Date("2025-01-19").AddDays(41); got != "2025-03-01" {
		t.Errorf("AddDays: %s", got)
	}
	if got := parley.DateOf(time.Date(2024, 12, 5, 23, 59, 0, 0, time.FixedZone("x", -5*3600))); got != "2024-12-06" {
		t.Errorf("DateOf is in UTC: %s", got)
	}
}

func status(s parley.CaptiveStatus, c parley.Confidence, date, since parley.Date) parley.CaptiveStatusChange {
	return parley.CaptiveStatusChange{Status: s, Confidence: c, Source: "src", Date: date, Since: since}
}

// TestDaysInCaptivity: counted from capture, stopped at release, and at
// death when its date is known.
func TestDaysInCaptivity(t *testing.T) {
	base := parley.Captive{CapturedOn: "2023-10-07", CapturedPrecision: parley.PrecisionDay}
	for _, tc := range []struct {
		name string
		hist []parley.CaptiveStatusChange
		on   parley.Date
		days int
		ok   bool
	}{
		{"Held", []parley.CaptiveStatusChange{status(parley.CaptiveAlive, parley.Believed, "2024-01-01", "")}, "2024-12-05", 425, true},
		{"BeforeAnyStatus", nil, "2024-12-05", 425, true},
		{"Released", []parley.CaptiveStatusChange{status(parley.CaptiveReleased, parley.Confirmed, "2023-11-25", "2023-11-24")}, "2024-12-05", 48, true},
		{"ReleasedLater", []parley.CaptiveStatusChange{status(parley.CaptiveReleased, parley.Confirmed, "2023-11-25", "2023-11-24")}, "2023-11-01", 25, true},
		{"DeathDateKnown", []parley.CaptiveStatusChange{status(parley.CaptiveDeceased, parley.Confirmed, "2024-09-01", "2024-08-29")}, "2024-12-05", 327, true},
		{"DeathDateUnknown", []parley.CaptiveStatusChange{status(parley.CaptiveDeceased, parley.Believed, "2024-09-01", "")}, "2024-12-05", 425, true},
		{"BeforeCapture", nil, "2023-10-01", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.History = tc.hist
			days, ok := c.DaysOn(tc.on)
			if days != tc.days || ok != tc.ok {
				t.Errorf("DaysOn(%s) = %d, %v; want %d, %v", tc.on, days, ok, tc.days, tc.ok)
			}
		})
	}
	unknown := parley.Captive{CapturedPrecision: parley.PrecisionUnknown}
	if _, ok := unknown.DaysOn("2024-12-05"); ok {
		t.Error("days counted without a capture date")
	}
	month := parley.Captive{CapturedOn: "2023-10-01", CapturedPrecision: parley.PrecisionMonth}
	if d, _ := month.DaysOn("2023-10-31"); d != 30 {
		t.Errorf("month precision counts from the first: %d", d)
	}
}

func TestCheckStatus(t *testing.T) {
	c := parley.Captive{Ref: "H-1", CapturedOn: "2023-10-07", CapturedPrecision: parley.PrecisionDay}
	today := parley.Date("2024-12-05")
	for _, tc := range []struct {
		name string
		s    parley.CaptiveStatusChange
		want string
	}{
		{"Alive", status(parley.CaptiveAlive, parley.Believed, "2024-11-01", ""), ""},
		{"ReleaseBeforeCapture", status(parley.CaptiveReleased, parley.Confirmed, "2023-10-05", "2023-10-05"), parley.EINVALID},
		{"DeathBeforeCapture", status(parley.CaptiveDeceased, parley.Confirmed, "2024-01-01", "2023-10-01"), parley.EINVALID},
		{"ReportBeforeCapture", status(parley.CaptiveAlive, parley.Believed, "2023-10-01", ""), parley.EINVALID},
		{"ReleaseWithoutDay", status(parley.CaptiveReleased, parley.Confirmed, "2023-11-24", ""), parley.EINVALID},
		{"SinceForAlive", status(parley.CaptiveAlive, parley.Confirmed, "2023-11-24", "2023-11-20"), parley.EINVALID},
		{"Future", status(parley.CaptiveAlive, parley.Believed, "2024-12-06", ""), parley.EINVALID},
		{"SinceAfterDate", status(parley.CaptiveReleased, parley.Confirmed, "2023-11-24", "2023-11-25"), parley.EINVALID},
		{"BadStatus", status("missing", parley.Believed, "2024-11-01", ""), parley.EINVALID},
		{"BadConfidence", status(parley.CaptiveAlive, "sure", "2024-11-01", ""), parley.EINVALID},
		{"NoSource", parley.CaptiveStatusChange{Status: parley.CaptiveAlive, Confidence: parley.Believed, Date: "2024-11-01"}, parley.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parley.ErrorCode(c.CheckStatus(&tc.s, today)); got != tc.want {
				t.Errorf("code %q, want %q", got, tc.want)
			}
		})
	}
	closed := c
	closed.History = []parley.CaptiveStatusChange{status(parley.CaptiveReleased, parley.Confirmed, "2023-11-24", "2023-11-24")}
	s := status(parley.CaptiveAlive, parley.Believed, "2024-01-01", "")
	if got := parley.ErrorCode(closed.CheckStatus(&s, today)); got != parley.ECONFLICT {
		t.Errorf("status after release: %q", got)
	}
}

// TestTallyCaptives: "7 American, 3 believed alive" out of the counts.
func TestTallyCaptives(t *testing.T) {
	var cs []parley.Captive
	add := func(nats []string, cats []string, hist ...parley.CaptiveStatusChange) {
		cs = append(cs, parley.Captive{Holder: "hamas", Nationalities: nats, Categories: cats, CapturedOn: "2023-10-07", CapturedPrecision: parley.PrecisionDay, History: hist})
	}
	for range 3 {
		add([]string{"IL", "US"}, []string{"civilian"}, status(parley.CaptiveAlive, parley.Believed, "2024-10-01", ""))
	}
	for range 4 {
		add([]string{"US"}, []string{"soldier"}, status(parley.CaptiveDeceased, parley.Confirmed, "2024-10-01", ""))
	}
	add([]string{"TH"}, []string{"civilian"}, status(parley.CaptiveAlive, parley.Unverified, "2023-10-20", ""), status(parley.CaptiveReleased, parley.Confirmed, "2023-11-25", "2023-11-24"))
	a := parley.TallyCaptives(cs, "2024-12-05")
	us := a.ByNationality[0]
	want := parley.CaptiveGroup{Key: "US", Held: 7, Alive: parley.Confidences{Total: 3, Believed: 3}, Deceased: parley.Confidences{Total: 4, Confirmed: 4}, MaxDays: 425}
	if d := cmp.Diff(want, us); d != "" {
		t.Errorf("US (-want +got):\n%s", d)
	}
	if a.All.Held != 7 || a.All.Released != 1 {
		t.Errorf("all: %+v", a.All)
	}
	// Before the release, the Thai captive was held; before the first
	// report, its status was unknown.
	before := parley.TallyCaptives(cs, "2023-11-01")
	if before.All.Held != 8 || before.All.Unknown.Total != 7 || before.All.Alive.Unverified != 1 {
		t.Errorf("on 2023-11-01: %+v", before.All)
	}
	if early := parley.TallyCaptives(cs, "2023-10-01"); early.All.Held != 0 || len(early.ByHolder) != 0 {
		t.Errorf("before the capture: %+v", early)
	}
}

// TestAssess: an obligation's state on a day, from verifications and
// linked releases.
func TestAssess(t *testing.T) {
	o := parley.Obligation{ID: "o", Kind: parley.ReleaseCaptives, Quantity: 3, DueOn: "2023-11-27"}
	v := func(out parley.VerificationOutcome, on parley.Date, q int) parley.Verification {
		return parley.Verification{ObligationID: "o", Outcome: out, ObservedOn: on, Quantity: q}
	}
	for _, tc := range []struct {
		name      string
		o         parley.Obligation
		vs        []parley.Verification
		releases  []parley.Date
		on        parley.Date
		state     parley.ObligationState
		delivered int
		late      bool
	}{
		{"NotYetDue", o, nil, nil, "2023-11-20", parley.StatePending, 0, false},
		{"PartlyByLinks", o, nil, []parley.Date{"2023-11-24", "2023-11-25"}, "2023-11-26", parley.StatePartly, 2, false},
		{"DeliveredByLinks", o, nil, []parley.Date{"2023-11-24", "2023-11-25", "2023-11-26"}, "2023-11-30", parley.StateDelivered, 3, false},
		{"LinksAfterTheDayIgnored", o, nil, []parley.Date{"2023-11-24", "2023-11-25", "2023-11-26"}, "2023-11-25", parley.StatePartly, 2, false},
		{"DeliveredLate", o, nil, []parley.Date{"2023-11-24", "2023-11-25", "2023-11-29"}, "2023-11-30", parley.StateDelivered, 3, true},
		{"OverdueIsLate", o, nil, []parley.Date{"2023-11-24"}, "2023-11-28", parley.StateLate, 1, true},
		{"Violated", o, []parley.Verification{v(parley.Violated, "2023-11-26", 0)}, nil, "2023-11-26", parley.StateViolated, 0, false},
		{"VerifiedDelivered", parley.Obligation{ID: "o", Kind: parley.AidTrucks, Quantity: 200, PerDay: true, DueOn: "2023-11-24"},
			[]parley.Verification{v(parley.Delivered, "2023-11-24", 0)}, nil, "2023-11-30", parley.StateDelivered, 200, false},
		{"VerifiedPartly", parley.Obligation{ID: "o", Kind: parley.ReleasePrisoners, Quantity: 150, DueOn: "2023-11-27"},
			[]parley.Verification{v(parley.PartlyDelivered, "2023-11-25", 39)}, nil, "2023-11-25", parley.StatePartly, 39, false},
		{"MarkedLate", parley.Obligation{ID: "o", Kind: parley.OtherObligation, DueOn: "2024-01-17"},
			[]parley.Verification{v(parley.Late, "2024-01-17", 0)}, nil, "2024-01-17", parley.StateLate, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := parley.Assess(&tc.o, tc.vs, tc.releases, tc.on)
			if s.State != tc.state || s.Delivered != tc.delivered || s.Late != tc.late {
				t.Errorf("state %s delivered %d late %v; want %s %d %v", s.State, s.Delivered, s.Late, tc.state, tc.delivered, tc.late)
			}
		})
	}
}

func TestGroupReports(t *testing.T) {
	rs := []parley.Report{
		{ID: "r1", Subject: "progress", PublishedOn: "2024-12-05", Reliability: "C", Credibility: 3},
		{ID: "r2", Subject: "progress", PublishedOn: "2024-12-05", Reliability: "B", Credibility: 3, Contradicts: []string{"r1"}},
		{ID: "r3", Subject: "deadline", PublishedOn: "2024-12-02"},
	}
	g := parley.GroupReports(rs)
	if len(g) != 2 || g[0].Subject != "deadline" || len(g[1].Conflicts) != 1 || g[1].Conflicts[0].A.ID != "r1" || g[1].Conflicts[0].B.ID != "r2" {
		t.Errorf("groups: %+v", g)
	}
	if rs[1].Grade() != "B3" {
		t.Errorf("grade %s", rs[1].Grade())
	}
}
