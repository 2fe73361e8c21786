// Package scenario loads a talks scenario file: users, delegations and a
// timeline of actions replayed through the talks service, each at its own
// recorded time, so that the ledger holds them like any other action.
package scenario

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"parley"
	"parley/auth"
	"parley/talks"
)

// Seed is the scenario of the seed article, shipped with parley.
//
//go:embed seed.yaml
var Seed []byte

// File is a scenario file.
type File struct {
	Title    string       `yaml:"title"`
	Created  time.Time    `yaml:"created"`
	Operator User         `yaml:"operator"`
	Users    []User       `yaml:"users"`
	Groups   []Delegation `yaml:"delegations"`
	Steps    []Step       `yaml:"steps"`
}

// User is an account to create.
type User struct {
	Name    string `yaml:"name"`
	Display string `yaml:"display"`
	// Demo marks the one login shown for its delegation.
	Demo bool `yaml:"demo"`
}

// Delegation is a delegation with its members.
type Delegation struct {
	Slug    string                `yaml:"slug"`
	Name    string                `yaml:"name"`
	Kind    parley.DelegationKind `yaml:"kind"`
	Members []Member              `yaml:"members"`
}

// Member places a user in a delegation.
type Member struct {
	User  string            `yaml:"user"`
	Role  parley.MemberRole `yaml:"role"`
	Title string            `yaml:"title"`
}

// Step is one action of the timeline; exactly one of its action fields is set.
type Step struct {
	At time.Time `yaml:"at"`
	By string    `yaml:"by"`
	// Post posts a message; Label names it for later relays.
	Post *struct {
		Room       string            `yaml:"room"`
		Disclosure parley.Disclosure `yaml:"disclosure"`
		Text       string            `yaml:"text"`
		Label      string            `yaml:"label"`
	} `yaml:"post"`
	Relay *struct {
		From        string             `yaml:"from"`
		Message     string             `yaml:"message"` // a label
		To          string             `yaml:"to"`
		Mode        parley.RelayMode   `yaml:"mode"`
		Attribution parley.Attribution `yaml:"attribution"`
		Text        string             `yaml:"text"`
	} `yaml:"relay"`
	Presence *struct {
		Delegation string               `yaml:"delegation"`
		Action     talks.PresenceAction `yaml:"action"`
		Reason     string               `yaml:"reason"`
	} `yaml:"presence"`
	Status *struct {
		Action talks.StatusAction `yaml:"action"`
		Reason string             `yaml:"reason"`
	} `yaml:"status"`
	Plenary *bool `yaml:"plenary"`
}

// Parse decodes a scenario file strictly.
func Parse(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if f.Title == "" || f.Operator.Name == "" {
		return nil, fmt.Errorf("scenario: title and operator are required")
	}
	return &f, nil
}

// Login is a demo login to show.
type Login struct {
	Name       string
	Display    string
	Delegation string
}

// Result is what loading produced.
type Result struct {
	TalksID string
	Logins  []Login
	// Loaded is false when the scenario was already in the store.
	Loaded bool
}

// Load creates the scenario's users (all with password) and replays its
// timeline. If the operator account already exists the store is taken to
// hold the scenario already and nothing is written.
func Load(ctx context.Context, ts *talks.Service, as *auth.Service, f *File, password string) (*Result, error) {
	res := &Result{}
	for _, g := range f.Groups {
		for _, m := range g.Members {
			for _, u := range f.Users {
				if u.Name == m.User && u.Demo {
					res.Logins = append(res.Logins, Login{Name: u.Name, Display: u.Display, Delegation: g.Name})
				}
			}
		}
	}
	var exists bool
	err := ts.Store.View(ctx, func(tx parley.Tx) error {
		_, err := tx.UserByName(ctx, f.Operator.Name)
		exists = err == nil
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
		if exists {
			all, err := tx.ListTalks(ctx)
			if err != nil {
				return err
			}
			for _, t := range all {
				if t.Title == f.Title {
					res.TalksID = t.ID
				}
			}
		}
		return nil
	})
	if err != nil || exists {
		return res, err
	}
	clock := f.Created
	oldTS, oldAS := ts.Now, as.Now
	ts.Now = func() time.Time { return clock }
	as.Now = ts.Now
	defer func() { ts.Now, as.Now = oldTS, oldAS }()

	users := map[string]*parley.User{}
	op, err := as.CreateUser(ctx, "", auth.NewUser{Name: f.Operator.Name, DisplayName: f.Operator.Display, Password: password, Admin: true})
	if err != nil {
		return nil, fmt.Errorf("scenario: operator: %w", err)
	}
	for _, u := range f.Users {
		nu, err := as.CreateUser(ctx, op.ID, auth.NewUser{Name: u.Name, DisplayName: u.Display, Password: password})
		if err != nil {
			return nil, fmt.Errorf("scenario: user %s: %w", u.Name, err)
		}
		users[u.Name] = nu
	}
	t, err := ts.CreateTalks(ctx, op, f.Title)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	res.TalksID, res.Loaded = t.ID, true
	for _, g := range f.Groups {
		if _, err := ts.AddDelegation(ctx, op, t.ID, talks.NewDelegation{Name: g.Name, Slug: g.Slug, Kind: g.Kind}); err != nil {
			return nil, fmt.Errorf("scenario: delegation %s: %w", g.Slug, err)
		}
		for _, m := range g.Members {
			if _, err := ts.AddMember(ctx, op, t.ID, g.Slug, talks.NewMember{User: m.User, Role: m.Role, Title: m.Title}); err != nil {
				return nil, fmt.Errorf("scenario: member %s: %w", m.User, err)
			}
		}
	}
	labels := map[string]string{}
	for i, st := range f.Steps {
		if !st.At.IsZero() {
			clock = st.At
		}
		u := users[st.By]
		if u == nil {
			return nil, fmt.Errorf("scenario: step %d: unknown user %q", i+1, st.By)
		}
		if err := run(ctx, ts, u, t.ID, st, labels); err != nil {
			return nil, fmt.Errorf("scenario: step %d (%s): %w", i+1, st.By, err)
		}
	}
	return res, nil
}

func run(ctx context.Context, ts *talks.Service, u *parley.User, id string, st Step, labels map[string]string) error {
	switch {
	case st.Post != nil:
		m, err := ts.Post(ctx, u, id, st.Post.Room, talks.NewMessage{Text: st.Post.Text, Disclosure: st.Post.Disclosure})
		if err != nil {
			return err
		}
		if st.Post.Label != "" {
			labels[st.Post.Label] = m.ID
		}
		return nil
	case st.Relay != nil:
		r := st.Relay
		msg, ok := labels[r.Message]
		if !ok {
			return fmt.Errorf("no message labelled %q", r.Message)
		}
		_, err := ts.Relay(ctx, u, id, talks.NewRelay{SourceRoom: r.From, MessageID: msg, TargetRoom: r.To, Mode: r.Mode, Attribution: r.Attribution, Text: r.Text})
		return err
	case st.Presence != nil:
		_, err := ts.ChangePresence(ctx, u, id, st.Presence.Delegation, st.Presence.Action, st.Presence.Reason)
		return err
	case st.Status != nil:
		_, err := ts.SetStatus(ctx, u, id, st.Status.Action, st.Status.Reason)
		return err
	case st.Plenary != nil:
		_, err := ts.SetPlenary(ctx, u, id, *st.Plenary)
		return err
	}
	return fmt.Errorf("step has no action")
}
