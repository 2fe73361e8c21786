package scenario_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/scenario"
	"parley/talks"
)

func TestSeedScenario(t *testing.T) {
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
	// Every account of the scenario is a login shown, the operator too.
	if !res.Loaded || len(res.Logins) != len(f.Users)+1 {
		t.Fatalf("result: %+v", res)
	}
	shown := map[string]bool{}
	for _, l := range res.Logins {
		shown[l.Name] = true
	}
	for _, u := range append(f.Users, f.Operator) {
		if !shown[u.Name] {
			t.Errorf("login %s is not shown", u.Name)
		}
	}
	user := func(name string) *parley.User {
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

	v, err := env.Talks.Get(ctx, user("al-thani"), res.TalksID)
	if err != nil {
		t.Fatal(err)
	}
	byslug := map[string]parley.Delegation{}
	for _, d := range v.Delegations {
		byslug[d.Slug] = d
	}
	if q := byslug["qatar"]; q.Presence != parley.PresenceEngaged || !q.PresenceAt.Equal(time.Date(2024, 11, 26, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Qatar should have resumed on 26 Nov 2024: %+v", q)
	}
	if h := byslug["hamas"]; h.Presence != parley.PresenceWithdrawn || !strings.Contains(h.PresenceReason, "appearances") {
		t.Errorf("Hamas should be withdrawn with its reason: %+v", h)
	}
	if v.Talks.Status != parley.TalksActive {
		t.Errorf("talks status %s", v.Talks.Status)
	}

	// Hamas's office is open: messages wait for it.
	p, err := env.Talks.Messages(ctx, user("hamas-office"), res.TalksID, "caucus:hamas", 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	if p.Held != 2 {
		t.Errorf("held for Hamas: %d, want 2 (the envoy's note and Qatar's relay)", p.Held)
	}
	// The relay into Israel's caucus is attributed to Hamas, without its source.
	p, _ = env.Talks.Messages(ctx, user("barnea"), res.TalksID, "caucus:israel", 0, 200)
	var relayed int
	for _, m := range p.Messages {
		if m.Relay != nil {
			relayed++
			if m.Relay.FromName != "Hamas" || m.Relay.SourceRoom != "" {
				t.Errorf("relay seen by Israel: %+v", m.Relay)
			}
		}
	}
	if relayed != 1 {
		t.Errorf("relays in Israel's caucus: %d", relayed)
	}
	// The observer is briefed, and sees nothing else.
	p, _ = env.Talks.Messages(ctx, user("transition"), res.TalksID, "briefing", 0, 200)
	if len(p.Messages) != 2 || !strings.Contains(p.Messages[1].Text, "425 days") {
		t.Errorf("briefing: %+v", p.Messages)
	}

	// Loading again changes nothing.
	again, err := scenario.Load(ctx, env.Talks, f, fixture.Password)
	if err != nil || again.Loaded || again.TalksID != res.TalksID {
		t.Fatalf("second load: %+v %v", again, err)
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for name, src := range map[string]string{
		"UnknownField": "title: x\noperator: {name: op}\ncolour: red\n",
		"NoTitle":      "operator: {name: op}\n",
		"NotYAML":      "title: [unclosed\n",
		"WrongType":    "title: x\noperator: {name: op}\nsteps: 3\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := scenario.Parse([]byte(src)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestLoadReportsFailingStep(t *testing.T) {
	env := fixture.Open(t)
	f, err := scenario.Parse([]byte(`
title: Bad
created: 2024-01-01T00:00:00Z
operator: {name: op, display: Operator}
users: [{name: med, display: Mediator}]
delegations:
  - {slug: m, name: M, kind: mediator, members: [{user: med, role: head}]}
steps:
  - {by: med, post: {room: caucus:nobody, text: hello}}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = scenario.Load(context.Background(), env.Talks, f, fixture.Password)
	if err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("error %v should name step 1", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(scenario.Seed)
	f.Add([]byte("title: x\noperator: {name: op}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scenario.Parse(data) // must not panic
	})
}

// TestLoadRefusesOtherData: a scenario, whose password is public, never
// lands in a data directory that holds anything else.
func TestLoadRefusesOtherData(t *testing.T) {
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("RealAccounts", func(t *testing.T) {
		env := fixture.Open(t)
		if _, err := env.Talks.CreateUser(context.Background(), nil, talks.NewUser{Name: "chief", Password: "a real secret password", Admin: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := scenario.Load(context.Background(), env.Talks, f, fixture.Password); !errors.Is(err, scenario.ErrNotEmpty) {
			t.Fatalf("loaded the demo among real accounts: %v", err)
		}
		users, _ := env.Talks.Users(context.Background(), nil)
		if len(users) != 1 {
			t.Fatalf("%d accounts after a refused load, want 1", len(users))
		}
	})
	t.Run("AnotherScenario", func(t *testing.T) {
		env := fixture.Open(t)
		other, err := scenario.Parse([]byte("title: Other\ncreated: 2024-01-01T00:00:00Z\noperator: {name: op, display: Operator}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scenario.Load(context.Background(), env.Talks, other, fixture.Password); err != nil {
			t.Fatal(err)
		}
		if _, err := scenario.Load(context.Background(), env.Talks, f, fixture.Password); err == nil {
			t.Fatal("loaded the seed over another scenario")
		}
	})
}
