package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// registryFixture stores talks, two delegations and an agreement for the
// registry's rows to refer to.
func registryFixture(t *testing.T, tx parley.Tx) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC)
	must(t, tx.CreateTalks(ctx, &parley.Talks{ID: "t1", Title: "T", Status: parley.TalksActive, StatusAt: at, CreatedAt: at, CreatedBy: "u"}))
	for _, d := range []string{"d1", "d2"} {
		must(t, tx.CreateDelegation(ctx, &parley.Delegation{ID: d, TalksID: "t1", Slug: d, Name: d, Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at}))
	}
	must(t, tx.CreateAgreement(ctx, &parley.Agreement{ID: "a1", TalksID: "t1", Title: "A", Stage: parley.StageCeasefire, AgreedAt: at, RecordedBy: "u", EventSeq: 1}))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != want {
		t.Fatalf("error %v: code %q, want %q", err, got, want)
	}
}

// TestRegistryRows stores and reads back every row of the registry on the
// engine under test: captives with their history, record access, phases,
// obligations, verifications, meetings, reports, deadlines and alerts.
func TestRegistryRows(t *testing.T) {
	s, _ := MustOpen(t)
	ctx := context.Background()
	at := time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC)
	// conflicts are writes that must fail with ECONFLICT; each runs in a
	// transaction of its own, as a failed statement ends one.
	var conflicts []func(parley.Tx) error
	_, err := s.Update(ctx, func(tx parley.Tx) error {
		registryFixture(t, tx)

		// Captives.
		c := &parley.Captive{ID: "c1", TalksID: "t1", Ref: "H-001", Holder: "d2", Nationalities: []string{"IL", "US"},
			CapturedOn: "2023-10-07", CapturedPrecision: parley.PrecisionDay, CapturedPlace: "Kibbutz", Categories: []string{"civilian", "man"},
			RecordedBy: "u", RecordedAt: at, EventSeq: 7,
			History: []parley.CaptiveStatusChange{{N: 1, Status: parley.CaptiveAlive, Confidence: parley.Believed, Source: "list", Date: "2024-01-01", RecordedBy: "u", RecordedAt: at, EventSeq: 7}}}
		must(t, tx.CreateCaptive(ctx, c))
		dup := *c
		dup.ID = "c2"
		conflicts = append(conflicts, func(tx parley.Tx) error { return tx.CreateCaptive(ctx, &dup) })
		rel := parley.CaptiveStatusChange{N: 2, Status: parley.CaptiveReleased, Confidence: parley.Confirmed, Source: "ICRC", Date: "2024-02-02", Since: "2024-02-01", Obligation: "o1", RecordedBy: "u", RecordedAt: at, EventSeq: 8}
		must(t, tx.AddCaptiveStatus(ctx, "c1", &rel))
		conflicts = append(conflicts, func(tx parley.Tx) error { return tx.AddCaptiveStatus(ctx, "c1", &rel) })
		code(t, tx.AddCaptiveStatus(ctx, "nobody", &rel), parley.ENOTFOUND)
		got, err := tx.Captive(ctx, "t1", "H-001")
		must(t, err)
		want := *c
		want.History = append(want.History, rel)
		want.Status = rel
		if d := cmp.Diff(&want, got); d != "" {
			t.Errorf("captive (-want +got):\n%s", d)
		}
		all, err := tx.Captives(ctx, "t1")
		must(t, err)
		if len(all) != 1 || len(all[0].History) != 2 {
			t.Errorf("captives: %+v", all)
		}
		_, err = tx.Captive(ctx, "t1", "H-999")
		code(t, err, parley.ENOTFOUND)
		rs, err := tx.ReleasesFor(ctx, "t1")
		must(t, err)
		if d := cmp.Diff(map[string][]parley.Date{"o1": {"2024-02-01"}}, rs); d != "" {
			t.Errorf("releases: %s", d)
		}

		// Record access is one setting per delegation.
		must(t, tx.PutRecordAccess(ctx, &parley.RecordAccess{TalksID: "t1", Delegation: "d1", Records: true, SetBy: "u", SetAt: at, EventSeq: 9}))
		must(t, tx.PutRecordAccess(ctx, &parley.RecordAccess{TalksID: "t1", Delegation: "d1", Records: false, SetBy: "u", SetAt: at, EventSeq: 10}))
		ra, err := tx.RecordAccess(ctx, "t1")
		must(t, err)
		if len(ra) != 1 || ra[0].Records || ra[0].EventSeq != 10 {
			t.Errorf("record access: %+v", ra)
		}

		// Phases, obligations, verifications.
		p := &parley.Phase{ID: "p1", TalksID: "t1", AgreementID: "a1", Number: 1, Title: "Phase 1", StartsOn: "2025-01-19", Days: 42, RecordedBy: "u", EventSeq: 11}
		must(t, tx.CreatePhase(ctx, p))
		p2 := *p
		p2.ID = "p2"
		conflicts = append(conflicts, func(tx parley.Tx) error { return tx.CreatePhase(ctx, &p2) })
		ps, err := tx.Phases(ctx, "t1", "a1")
		must(t, err)
		if len(ps) != 1 || ps[0].EndsOn != "2025-03-01" {
			t.Errorf("phases: %+v", ps)
		}
		o := &parley.Obligation{ID: "o1", TalksID: "t1", AgreementID: "a1", PhaseID: "p1", Phase: 1, Delegation: "d2", Kind: parley.ReleaseCaptives,
			Description: "release 33", Quantity: 33, Category: "woman", DueOn: "2025-03-01", RecordedBy: "u", EventSeq: 12}
		must(t, tx.CreateObligation(ctx, o))
		o2 := &parley.Obligation{ID: "o2", TalksID: "t1", AgreementID: "a1", PhaseID: "p1", Phase: 1, Delegation: "d1", Kind: parley.AidTrucks,
			Description: "trucks", Quantity: 600, PerDay: true, DueOn: "2025-01-19", RecordedBy: "u", EventSeq: 13}
		must(t, tx.CreateObligation(ctx, o2))
		gotO, err := tx.Obligation(ctx, "t1", "o1")
		must(t, err)
		if d := cmp.Diff(o, gotO); d != "" {
			t.Errorf("obligation: %s", d)
		}
		obs, err := tx.Obligations(ctx, "t1", "")
		must(t, err)
		if len(obs) != 2 || obs[0].ID != "o2" || !obs[0].PerDay {
			t.Errorf("obligations by due date: %+v", obs)
		}
		_, err = tx.Obligation(ctx, "t2", "o1")
		code(t, err, parley.ENOTFOUND)
		v := &parley.Verification{ID: "v1", TalksID: "t1", AgreementID: "a1", ObligationID: "o1", Outcome: parley.Violated, ObservedOn: "2025-02-01",
			Evidence: "none came", Verifier: "ICRC", AttributedBy: "d1", AttributedTo: "d2", RecordedBy: "u", RecordedAt: at, EventSeq: 14}
		must(t, tx.CreateVerification(ctx, v))
		vs, err := tx.Verifications(ctx, "t1", "a1")
		must(t, err)
		if len(vs) != 1 || cmp.Diff(*v, vs[0]) != "" {
			t.Errorf("verifications: %s", cmp.Diff([]parley.Verification{*v}, vs))
		}

		// Meetings with their audience.
		m := &parley.Meeting{ID: "m1", TalksID: "t1", Kind: parley.Consultation, Title: "Vienna", Place: "Vienna", HeldOn: "2024-11-24", HeldPrecision: parley.PrecisionDay,
			Participants: []parley.Participant{{UserID: "u1", Name: "Barnea", Delegation: "d1"}, {Name: "Outside", Title: "Envoy"}},
			Summary:      "what was needed", Audience: []string{"d1", "d2"}, RecordedBy: "u", RecordedAt: at, EventSeq: 15}
		must(t, tx.CreateMeeting(ctx, m))
		ms, err := tx.Meetings(ctx, "t1")
		must(t, err)
		if len(ms) != 1 || cmp.Diff(*m, ms[0]) != "" {
			t.Errorf("meetings: %s", cmp.Diff([]parley.Meeting{*m}, ms))
		}
		aud, err := tx.MeetingAudiences(ctx, "t1")
		must(t, err)
		if d := cmp.Diff(map[string][]string{"m1": {"d1", "d2"}}, aud); d != "" {
			t.Errorf("audiences: %s", d)
		}

		// Reports.
		r := &parley.Report{ID: "r1", TalksID: "t1", Subject: "progress", Claim: "a briefing", Source: "a U.S. official", Outlet: "Reuters", PublishedOn: "2024-12-05",
			Reliability: "B", Credibility: 3, Contradicts: []string{"r0"}, RecordedBy: "u", RecordedAt: at, EventSeq: 16}
		must(t, tx.CreateReport(ctx, r))
		reps, err := tx.Reports(ctx, "t1")
		must(t, err)
		if len(reps) != 1 || cmp.Diff(*r, reps[0]) != "" {
			t.Errorf("reports: %s", cmp.Diff([]parley.Report{*r}, reps))
		}

		// Deadlines and alerts: an alert is recorded once.
		dl := &parley.Deadline{ID: "dl1", TalksID: "t1", Title: "Inauguration", DueAt: time.Date(2025, 1, 20, 17, 0, 0, 0, time.UTC), SetBy: "Trump",
			AlertDays: []int{30, 7, 1}, RecordedBy: "u", RecordedAt: at, EventSeq: 17}
		must(t, tx.CreateDeadline(ctx, dl))
		dls, err := tx.Deadlines(ctx, "")
		must(t, err)
		if len(dls) != 1 || cmp.Diff(*dl, dls[0]) != "" {
			t.Errorf("deadlines: %s", cmp.Diff([]parley.Deadline{*dl}, dls))
		}
		a := &parley.DeadlineAlert{DeadlineID: "dl1", TalksID: "t1", LeadDays: 30, FireAt: dl.AlertAt(30), FiredAt: at, Late: true, EventSeq: 18}
		must(t, tx.InsertDeadlineAlert(ctx, a))
		conflicts = append(conflicts, func(tx parley.Tx) error { return tx.InsertDeadlineAlert(ctx, a) })
		as, err := tx.DeadlineAlerts(ctx, "t1")
		must(t, err)
		a.Title, a.DueAt = dl.Title, dl.DueAt
		if len(as) != 1 || cmp.Diff(*a, as[0]) != "" {
			t.Errorf("alerts: %s", cmp.Diff([]parley.DeadlineAlert{*a}, as))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(conflicts) != 4 {
		t.Fatalf("%d conflicts to try", len(conflicts))
	}
	for _, fn := range conflicts {
		_, err := s.Update(ctx, fn)
		code(t, err, parley.ECONFLICT)
	}
}

// TestTalksEvents reads a talks' events of some kinds, in order.
func TestTalksEvents(t *testing.T) {
	s, _ := MustOpen(t)
	ctx := context.Background()
	_, err := s.Update(ctx, func(tx parley.Tx) error {
		for _, tag := range []string{"a", "b", "c"} {
			if _, err := appendEvent(ctx, tx, tag); err != nil {
				return err
			}
		}
		evs, err := tx.TalksEvents(ctx, "t1", []string{"test.appended", "other"})
		if err != nil {
			return err
		}
		if len(evs) != 3 || tagOf(t, evs[0]) != "a" || tagOf(t, evs[2]) != "c" {
			t.Errorf("events: %+v", evs)
		}
		if evs, _ := tx.TalksEvents(ctx, "t2", []string{"test.appended"}); len(evs) != 0 {
			t.Errorf("another talks' events: %+v", evs)
		}
		if evs, _ := tx.TalksEvents(ctx, "t1", nil); evs == nil || len(evs) != 0 {
			t.Errorf("no kinds: %+v", evs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
