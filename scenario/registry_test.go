package scenario_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/scenario"
)

// demo loads the seed scenario with the demo's clock fixed as serve --demo
// fixes it, and returns a function finding its users.
func demo(t *testing.T) (*fixture.Env, string, func(string) *parley.User) {
	t.Helper()
	env := fixture.Open(t)
	ctx := context.Background()
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Load(ctx, env.Talks, f, fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	today, ok, err := scenario.Today(ctx, env.Talks)
	if err != nil || !ok || !today.Equal(time.Date(2024, 12, 5, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("the demo's today: %v %v %v", today, ok, err)
	}
	env.Talks.Now = func() time.Time { return today }
	return env, res.TalksID, func(name string) *parley.User {
		var u *parley.User
		env.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			u, err = tx.UserByName(ctx, name)
			return err
		})
		if u == nil {
			t.Fatalf("no user %s", name)
		}
		return u
	}
}

// TestSeedArticleFacts: the demo reproduces the article's checkable facts
// through the models, not only as message text.
func TestSeedArticleFacts(t *testing.T) {
	env, id, user := demo(t)
	ctx := context.Background()
	ts := env.Talks
	v, err := ts.Get(ctx, user("al-thani"), id)
	if err != nil {
		t.Fatal(err)
	}
	slug := map[string]string{}
	for _, d := range v.Delegations {
		slug[d.ID] = d.Slug
	}

	t.Run("Captives", func(t *testing.T) {
		// 100 hostages, seven American, three of those believed alive,
		// after 425 days — as every member sees it.
		for _, u := range []string{"transition", "hamas-office", "barnea", "witkoff"} {
			a, err := ts.CaptiveAggregates(ctx, user(u), id, "")
			if err != nil {
				t.Fatal(err)
			}
			var us parley.CaptiveGroup
			for _, g := range a.ByNationality {
				if g.Key == "US" {
					us = g
				}
			}
			if a.AsOf != "2024-12-05" || a.All.Held != 100 || a.All.MaxDays != 425 || us.Held != 7 || us.Alive.Believed != 3 || us.Alive.Total != 3 {
				t.Errorf("%s: held %d, max days %d, US %+v", u, a.All.Held, a.All.MaxDays, us)
			}
			if want := u == "barnea" || u == "witkoff"; a.Records != want {
				t.Errorf("%s reads records: %v", u, a.Records)
			}
		}
		// Before the exchange of November 2023, 170 were held.
		a, _ := ts.CaptiveAggregates(ctx, user("transition"), id, "2023-11-23")
		if a.All.Held != 170 || a.All.Released != 0 {
			t.Errorf("on 23 Nov 2023: %+v", a.All)
		}
		// The holder sees figures, not records; Israel was allowed them.
		if _, err := ts.Captives(ctx, user("hamas-office"), id); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("Hamas reads the records: %v", err)
		}
		c, err := ts.Captive(ctx, user("barnea"), id, "H-001")
		if err != nil || *c.DaysInCaptivity != 425 || c.Name != "" {
			t.Errorf("H-001: %+v %v", c, err)
		}
	})

	t.Run("Agreements", func(t *testing.T) {
		as, err := ts.Agreements(ctx, user("hamas-office"), id)
		if err != nil || len(as) != 2 {
			t.Fatalf("agreements: %+v %v", as, err)
		}
		if !strings.Contains(as[0].Title, "November 2023") || as[0].AgreedAt.Year() != 2023 || !strings.Contains(as[1].Title, "January 2024") || as[1].AgreedAt.Month() != time.January {
			t.Errorf("agreements: %+v", as)
		}
		c, err := ts.Compliance(ctx, user("transition"), id, as[0].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		delivered := map[string]int{}
		for _, o := range c.Obligations {
			if o.Kind == parley.ReleaseCaptives {
				delivered[slug[o.Delegation]] += o.Delivered
				if o.State != parley.StateDelivered || o.Late {
					t.Errorf("release obligation: %+v", o)
				}
			}
		}
		if delivered["hamas"] != 70 {
			t.Errorf("captives released under the exchange: %d, want 70 (50 and 20)", delivered["hamas"])
		}
		for _, p := range c.Phases {
			for _, tl := range p.Delegations {
				if p.Phase.Number == 1 && slug[tl.Delegation] == "israel" && (tl.Delivered != 1 || tl.Violated != 1) {
					t.Errorf("Israel in phase 1: %+v", tl)
				}
			}
		}
		c, _ = ts.Compliance(ctx, user("transition"), id, as[1].ID, "")
		late := 0
		for _, o := range c.Obligations {
			if o.Late {
				late++
				if slug[o.Delegation] != "hamas" {
					t.Errorf("late: %+v", o)
				}
			}
		}
		if late != 1 {
			t.Errorf("January 2024: %d late obligations, want Hamas's unconfirmed delivery", late)
		}
	})

	t.Run("Meetings", func(t *testing.T) {
		ms, err := ts.Meetings(ctx, user("al-thani"), id)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range ms {
			got[m.Title] = string(m.HeldOn) + " " + string(m.HeldPrecision) + " " + m.Place
		}
		for title, want := range map[string]string{
			"Witkoff and Netanyahu": "2024-11-23 day Israel",
			"Barnea and Al Thani":   "2024-11-24 day Vienna",
			"Witkoff and Al Thani":  "2024-11-01 month ",
		} {
			if got[title] != want {
				t.Errorf("%s: %q, want %q", title, got[title], want)
			}
		}
		// The Vienna meeting is Israel's and Qatar's only.
		for u, n := range map[string]int{"barnea": 2, "hamas-office": 0, "witkoff": 2, "transition": 1} {
			ms, _ := ts.Meetings(ctx, user(u), id)
			if len(ms) != n {
				t.Errorf("%s sees %d meetings, want %d", u, len(ms), n)
			}
		}
		p, _ := ts.Messages(ctx, user("transition"), id, "briefing", 0, 200)
		if len(p.Messages) != 2 || !strings.Contains(p.Messages[0].Text, "Netanyahu in Israel") || !p.Messages[0].CreatedAt.Equal(time.Date(2024, 11, 23, 18, 0, 0, 0, time.UTC)) {
			t.Errorf("briefing: %+v", p.Messages)
		}
	})

	t.Run("Reports", func(t *testing.T) {
		gs, err := ts.Reports(ctx, user("transition"), id, "progress")
		if err != nil || len(gs) != 1 || len(gs[0].Conflicts) != 1 {
			t.Fatalf("progress: %+v %v", gs, err)
		}
		cf := gs[0].Conflicts[0]
		if cf.A.Source != "a source briefed on the talks" || cf.B.Source != "a U.S. official" || cf.B.Outlet != "Reuters" || cf.A.Grade() != "C3" || cf.B.Grade() != "B3" {
			t.Errorf("the two claims on progress: %+v", cf)
		}
		all, _ := ts.Reports(ctx, user("transition"), id, "")
		n, pm := 0, 0
		for _, g := range all {
			for _, r := range g.Reports {
				n++
				if strings.Contains(r.Source, "Prime Minister of Qatar") {
					pm++
				}
			}
		}
		if n != 10 || pm != 4 {
			t.Errorf("%d reports, %d of the Qatari Prime Minister's statements", n, pm)
		}
	})

	t.Run("Deadline", func(t *testing.T) {
		ds, err := ts.Deadlines(ctx, user("hamas-office"), id)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deadlines: %+v %v", ds, err)
		}
		if d := ds[0]; !d.DueAt.Equal(time.Date(2025, 1, 20, 17, 0, 0, 0, time.UTC)) || d.DaysLeft != 46 || d.SetBy != "President-elect Donald Trump" || len(d.Alerts) != 0 {
			t.Errorf("the inauguration: %+v", d)
		}
		if fired, err := ts.FireAlerts(ctx); err != nil || len(fired) != 0 {
			t.Errorf("alerts on the demo's today: %+v %v", fired, err)
		}
	})

	t.Run("Timeline", func(t *testing.T) {
		tl, err := ts.Timeline(ctx, user("transition"), id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range tl {
			got = append(got, e.Time.Format("2006-01-02")+" "+slug[e.Delegation]+" "+e.Action)
		}
		want := []string{"2024-10-14  open", "2024-11-09 qatar suspend", "2024-11-15 hamas withdraw", "2024-11-26 qatar resume"}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("timeline: %q, want %q", got, want)
		}
		if !strings.Contains(tl[1].Reason, "good faith") || !strings.Contains(tl[2].Reason, "appearances") {
			t.Errorf("reasons: %+v", tl)
		}
	})

	if _, err := ts.CheckLedger(ctx); err != nil {
		t.Errorf("ledger: %v", err)
	}
}
