package http_test

import (
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

// exchange2023 is the hostage exchange of November 2023 as mediators
// record it: a four-day pause and its extension.
func exchange2023() talks.NewAgreement {
	return talks.NewAgreement{Title: "Hostage and prisoner exchange", Stage: parley.StageCeasefire, Summary: "Four-day pause, extended",
		AgreedAt: time.Date(2023, 11, 22, 6, 0, 0, 0, time.UTC),
		Phases: []talks.NewPhase{
			{Title: "Initial pause", StartsOn: "2023-11-24", Days: 4, Obligations: []talks.NewObligation{
				{Delegation: "hamas", Kind: parley.ReleaseCaptives, Description: "Release women and children", Quantity: 3, Category: "child"},
				{Delegation: "israel", Kind: parley.ReleasePrisoners, Description: "Release prisoners", Quantity: 150},
				{Delegation: "israel", Kind: parley.AidTrucks, Description: "Let aid trucks in", Quantity: 200, PerDay: true, DueOn: "2023-11-24"},
			}},
			{Title: "Extension", StartsOn: "2023-11-28", Days: 2, Obligations: []talks.NewObligation{
				{Delegation: "hamas", Kind: parley.ReleaseCaptives, Description: "Release further women and children", Quantity: 2},
			}},
		}}
}

// TestAgreementImplementation: mediators record a past agreement with its
// phases and obligations; releases in the registry count towards the
// obligation they are linked to; verifications mark the rest; compliance
// is shown per phase and delegation on any day.
func TestAgreementImplementation(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	streams := e.openStreams(t)
	for _, u := range []string{"israel", "hamas", "observer", "operator"} {
		e.must(t, 403, u, "POST", e.talks("/agreements"), exchange2023())
	}
	e.must(t, 404, "outsider", "POST", e.talks("/agreements"), exchange2023())
	var a talks.AgreementView
	body := e.must(t, 201, "qatar", "POST", e.talks("/agreements"), exchange2023())
	decodeJSON(t, body, &a)
	if len(a.Phases) != 2 || a.Phases[0].EndsOn != "2023-11-27" || a.Phases[0].Obligations[0].DueOn != "2023-11-27" || a.Phases[1].Number != 2 {
		t.Fatalf("recorded: %s", body)
	}
	// The existing read API shows it, to every member.
	for _, u := range members {
		want := 200
		if u == "operator" || u == "outsider" {
			want = 404
		}
		for _, p := range []string{"/agreements/" + a.ID, "/agreements/" + a.ID + "/phases", "/agreements/" + a.ID + "/phases/1", "/agreements/" + a.ID + "/compliance", "/agreements/" + a.ID + "/obligations", "/agreements/" + a.ID + "/verifications"} {
			if got, _ := e.do(t, u, "GET", e.talks(p), nil); got != want {
				t.Errorf("%s GET %s: %d, want %d", u, p, got, want)
			}
		}
	}
	e.must(t, 404, "qatar", "GET", e.talks("/agreements/"+a.ID+"/phases/9"), nil)
	e.must(t, 404, "qatar", "GET", e.talks("/agreements/a_nope/compliance"), nil)

	// Dates are checked.
	bad := exchange2023()
	bad.Phases[0].Obligations[0].DueOn = "2023-11-23"
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)
	bad = exchange2023()
	bad.Phases[0].StartsOn = "2023-11-20"
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)
	bad = exchange2023()
	bad.AgreedAt = articleDay.AddDate(0, 0, 1)
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)
	bad = exchange2023()
	bad.Phases[1].Obligations[0].Delegation = "nobody"
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)
	bad = exchange2023()
	bad.Phases[0].Obligations[1].Category = "child"
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)
	bad = exchange2023()
	bad.Stage = "truce"
	e.must(t, 400, "qatar", "POST", e.talks("/agreements"), bad)

	// Releases linked to the obligation deliver it.
	hamasRelease := a.Phases[0].Obligations[0]
	for i, ref := range []string{"K-1", "K-2", "K-3", "K-4"} {
		nc := newCaptive(ref, "IL")
		nc.Categories = []string{"child"}
		nc.Status.Date = "2023-10-20"
		if i == 3 {
			nc.Categories = []string{"woman"}
		}
		e.must(t, 201, "qatar", "POST", e.talks("/captives"), nc)
	}
	release := func(ref, since string) talks.NewCaptiveStatus {
		return talks.NewCaptiveStatus{Status: parley.CaptiveReleased, Confidence: parley.Confirmed, Source: "ICRC handover", Date: parley.Date(since), Since: parley.Date(since), Obligation: hamasRelease.ID}
	}
	e.must(t, 400, "qatar", "POST", e.talks("/captives/K-4/status"), release("K-4", "2023-11-24")) // not a child
	e.must(t, 400, "qatar", "POST", e.talks("/captives/K-1/status"), release("K-1", "2023-11-23")) // before the phase
	wrong := release("K-1", "2023-11-24")
	wrong.Obligation = a.Phases[0].Obligations[1].ID
	e.must(t, 400, "qatar", "POST", e.talks("/captives/K-1/status"), wrong) // prisoners, not captives
	e.must(t, 200, "qatar", "POST", e.talks("/captives/K-1/status"), release("K-1", "2023-11-24"))
	e.must(t, 200, "qatar", "POST", e.talks("/captives/K-2/status"), release("K-2", "2023-11-25"))
	e.must(t, 200, "qatar", "POST", e.talks("/captives/K-3/status"), release("K-3", "2023-11-26"))
	extra := newCaptive("K-5", "IL")
	extra.Categories = []string{"child"}
	extra.Status.Date = "2023-10-20"
	e.must(t, 201, "qatar", "POST", e.talks("/captives"), extra)
	e.must(t, 409, "qatar", "POST", e.talks("/captives/K-5/status"), release("K-5", "2023-11-26")) // all three linked already

	// Verifications.
	prisoners, trucks, ext := a.Phases[0].Obligations[1], a.Phases[0].Obligations[2], a.Phases[1].Obligations[0]
	verify := func(status int, user string, nv talks.NewVerification) {
		t.Helper()
		e.must(t, status, user, "POST", e.talks("/agreements/"+a.ID+"/verifications"), nv)
	}
	verify(403, "israel", talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.Delivered, ObservedOn: "2023-11-27", Evidence: "x"})
	verify(201, "qatar", talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.PartlyDelivered, Quantity: 39, ObservedOn: "2023-11-24", Evidence: "first group released", Verifier: "ICRC"})
	verify(201, "qatar", talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.Delivered, ObservedOn: "2023-11-27", Evidence: "all 150 released", Verifier: "ICRC"})
	verify(201, "envoy", talks.NewVerification{Obligation: trucks.ID, Outcome: parley.Violated, ObservedOn: "2023-11-25", Evidence: "fewer trucks reached the north", AttributedBy: "Hamas", AttributedTo: "israel"})
	verify(400, "qatar", talks.NewVerification{Obligation: trucks.ID, Outcome: parley.Violated, ObservedOn: "2023-11-25", Evidence: "unattributed"})
	verify(400, "qatar", talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.PartlyDelivered, ObservedOn: "2023-11-25", Evidence: "no quantity"})
	verify(400, "qatar", talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.Delivered, ObservedOn: "2023-11-20", Evidence: "before the phase"})
	verify(400, "qatar", talks.NewVerification{Obligation: "o_nope", Outcome: parley.Delivered, ObservedOn: "2023-11-27", Evidence: "x"})
	verify(400, "qatar", talks.NewVerification{Obligation: prisoners.ID, Outcome: "maybe", ObservedOn: "2023-11-27", Evidence: "x"})

	// A phase that has not started cannot be verified.
	var future talks.AgreementView
	decodeJSON(t, e.must(t, 201, "qatar", "POST", e.talks("/agreements"), talks.NewAgreement{Title: "Next ceasefire", Stage: parley.StageFramework,
		AgreedAt: articleDay.AddDate(0, 0, -1), Phases: []talks.NewPhase{{Title: "Phase 1", StartsOn: "2025-01-19", Days: 42, Obligations: []talks.NewObligation{
			{Delegation: "hamas", Kind: parley.ReleaseCaptives, Description: "Release 33", Quantity: 33}}}}}), &future)
	e.must(t, 409, "qatar", "POST", e.talks("/agreements/"+future.ID+"/verifications"), talks.NewVerification{Obligation: future.Phases[0].Obligations[0].ID, Outcome: parley.Delivered, ObservedOn: "2024-12-05", Evidence: "x"})
	// An obligation of another agreement is not this one's.
	e.must(t, 400, "qatar", "POST", e.talks("/agreements/"+future.ID+"/verifications"), talks.NewVerification{Obligation: prisoners.ID, Outcome: parley.Delivered, ObservedOn: "2023-11-27", Evidence: "x"})
	// Phases and obligations are added later too.
	var p2 talks.PhaseView
	decodeJSON(t, e.must(t, 201, "qatar", "POST", e.talks("/agreements/"+future.ID+"/phases"), talks.NewPhase{Title: "Phase 2", StartsOn: "2025-03-02", Days: 42}), &p2)
	if p2.Number != 2 || p2.EndsOn != "2025-04-12" {
		t.Errorf("phase 2: %+v", p2)
	}
	e.must(t, 409, "qatar", "POST", e.talks("/agreements/"+future.ID+"/phases"), talks.NewPhase{Number: 2, Title: "Again", StartsOn: "2025-03-02"})
	e.must(t, 201, "qatar", "POST", e.talks("/agreements/"+future.ID+"/obligations"), talks.NewObligation{Phase: 2, Delegation: "israel", Kind: parley.Withdrawal, Description: "Withdraw from the corridor"})
	e.must(t, 400, "qatar", "POST", e.talks("/agreements/"+future.ID+"/obligations"), talks.NewObligation{Phase: 3, Delegation: "israel", Kind: parley.Withdrawal, Description: "x"})
	e.must(t, 403, "israel", "POST", e.talks("/agreements/"+future.ID+"/obligations"), talks.NewObligation{Phase: 2, Delegation: "israel", Kind: parley.Withdrawal, Description: "x"})

	// Compliance per phase and delegation, on several days.
	compliance := func(asOf string) parley.Compliance {
		var c parley.Compliance
		decodeJSON(t, e.must(t, 200, "hamas", "GET", e.talks("/agreements/"+a.ID+"/compliance?as_of="+asOf), nil), &c)
		return c
	}
	ids := map[string]string{"hamas": e.delegationID(t, "hamas"), "israel": e.delegationID(t, "israel")}
	tally := func(c parley.Compliance, phase int, slug string) parley.ComplianceTally {
		for _, t := range c.Phases[phase-1].Delegations {
			if t.Delegation == ids[slug] {
				return t
			}
		}
		return parley.ComplianceTally{}
	}
	c := compliance("2023-11-25")
	if h := tally(c, 1, "hamas"); h.Obligations != 1 || h.Due != 0 || h.Pending != 0 || h.Partly != 1 {
		t.Errorf("Hamas on 25 Nov: %+v", h)
	}
	if i := tally(c, 1, "israel"); i.Obligations != 2 || i.Due != 1 || i.Violated != 1 || i.Partly != 1 {
		t.Errorf("Israel on 25 Nov: %+v", i)
	}
	c = compliance("2023-11-30")
	if h := tally(c, 1, "hamas"); h.Delivered != 1 || h.Late != 0 {
		t.Errorf("Hamas on 30 Nov: %+v", h)
	}
	if h := tally(c, 2, "hamas"); h.Due != 1 || h.Late != 1 || h.Delivered != 0 {
		t.Errorf("Hamas's extension on 30 Nov: %+v", h)
	}
	for _, o := range c.Obligations {
		if o.ID == hamasRelease.ID && (o.Delivered != 3 || o.State != parley.StateDelivered) {
			t.Errorf("the release obligation: %+v", o)
		}
		if o.ID == ext.ID && o.State != parley.StateLate {
			t.Errorf("the extension: %+v", o)
		}
	}
	e.must(t, 400, "hamas", "GET", e.talks("/agreements/"+a.ID+"/compliance?as_of=yesterday"), nil)
	var ov talks.ObligationView
	decodeJSON(t, e.must(t, 200, "israel", "GET", e.talks("/agreements/"+a.ID+"/obligations/"+prisoners.ID), nil), &ov)
	if ov.State != parley.StateDelivered || ov.Delivered != 150 || len(ov.Verifications) != 2 {
		t.Errorf("prisoners: %+v", ov)
	}
	var ol parleyhttp.ObligationList
	decodeJSON(t, e.must(t, 200, "observer", "GET", e.talks("/agreements/"+a.ID+"/obligations"), nil), &ol)
	if ol.AsOf != "2024-12-05" || len(ol.Obligations) != 4 {
		t.Errorf("obligations: %+v", ol)
	}

	// Every member sees the implementation events; nobody else does.
	want := map[string]bool{"qatar": true, "envoy": true, "israel": true, "israel2": true, "hamas": true, "observer": true}
	e.checkReadPaths(t, streams, want, "implementation events", func(kind, room string) bool {
		return strings.HasPrefix(kind, "agreement.")
	})
}
