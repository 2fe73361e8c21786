// Package scenario loads a talks scenario file: users, delegations and a
// timeline of actions replayed through the talks service, each at its own
// recorded time, so that the ledger holds them like any other action.
package scenario

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"parley"
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
	// Negotiation holds the steps of the single negotiating text, the
	// domain, proposals and profiles, merged into Steps by time.
	Negotiation []Step `yaml:"negotiation"`

	// People and promises (registry.go): the steps of the registry,
	// agreements, meetings, reports and deadlines, replayed merged by time
	// with Steps; and the fixed "now" of the demo.
	RegistrySteps []Step    `yaml:"registry_steps"`
	Today         time.Time `yaml:"today"`
}

// User is an account to create.
type User struct {
	Name    string `yaml:"name"`
	Display string `yaml:"display"`
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
	// TextStep holds the actions of the text, domain, proposals and
	// profiles (text.go).
	TextStep `yaml:",inline"`

	// People and promises (registry.go).
	Captives      []CaptiveGroup `yaml:"captives"`
	CaptiveStatus *StatusStep    `yaml:"captive_status"`
	Agreement     *AgreementStep `yaml:"agreement"`
	Verify        *VerifyStep    `yaml:"verify"`
	Meeting       *MeetingStep   `yaml:"meeting"`
	Report        *ReportStep    `yaml:"report"`
	Deadline      *DeadlineStep  `yaml:"deadline"`
	RecordAccess  *AccessStep    `yaml:"record_access"`
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
	// Logins lists every account of the scenario, the operator last.
	Logins []Login
	// Loaded is false when the scenario was already in the store.
	Loaded bool
}

// settingScenario names the setting that records which scenario a data
// directory was made from.
const settingScenario = "scenario"

// Load creates the scenario's users (all with password) and replays its
// timeline. A store made from the same scenario is left as it is; a store
// that holds anything else is refused, so that a scenario's accounts and
// their shared password never land among real data.
func Load(ctx context.Context, ts *talks.Service, f *File, password string) (*Result, error) {
	res := &Result{}
	for _, g := range f.Groups {
		for _, m := range g.Members {
			for _, u := range f.Users {
				if u.Name == m.User {
					res.Logins = append(res.Logins, Login{Name: u.Name, Display: u.Display, Delegation: fmt.Sprintf("%s (%s, %s)", g.Name, g.Kind, m.Role)})
				}
			}
		}
	}
	res.Logins = append(res.Logins, Login{Name: f.Operator.Name, Display: f.Operator.Display, Delegation: "administrator (reads no room)"})
	loaded, err := ts.Setting(ctx, settingScenario)
	switch {
	case err == nil && loaded == f.Title:
		return res, findTalks(ctx, ts, f, res)
	case err == nil:
		return nil, fmt.Errorf("scenario: this data holds the scenario %q, not %q", loaded, f.Title)
	case parley.ErrorCode(err) != parley.ENOTFOUND:
		return nil, err
	}
	users, err := ts.Users(ctx, nil)
	if err != nil {
		return nil, err
	}
	if len(users) > 0 {
		return nil, ErrNotEmpty
	}
	if err := load(ctx, ts, f, password, res); err != nil {
		return nil, err
	}
	if err := saveToday(ctx, ts, f); err != nil {
		return nil, err
	}
	return res, ts.PutSetting(ctx, settingScenario, f.Title)
}

// ErrNotEmpty is the error of loading a scenario into a store that holds
// other data.
var ErrNotEmpty = errors.New("scenario: the data already holds accounts that are not this scenario's; load a scenario only into a new, empty data directory")

// findTalks fills in the id of the scenario's talks.
func findTalks(ctx context.Context, ts *talks.Service, f *File, res *Result) error {
	users, err := ts.Users(ctx, nil)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Name != f.Operator.Name {
			continue
		}
		all, err := ts.List(ctx, &u)
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
}

// load creates the accounts and replays the timeline, each step at its time.
func load(ctx context.Context, ts *talks.Service, f *File, password string, res *Result) error {
	clock := f.Created
	oldNow := ts.Now
	ts.Now = func() time.Time { return clock }
	defer func() { ts.Now = oldNow }()

	users := map[string]*parley.User{}
	op, err := ts.CreateUser(ctx, nil, talks.NewUser{Name: f.Operator.Name, DisplayName: f.Operator.Display, Password: password, Admin: true})
	if err != nil {
		return fmt.Errorf("scenario: operator: %w", err)
	}
	for _, u := range f.Users {
		nu, err := ts.CreateUser(ctx, op, talks.NewUser{Name: u.Name, DisplayName: u.Display, Password: password})
		if err != nil {
			return fmt.Errorf("scenario: user %s: %w", u.Name, err)
		}
		users[u.Name] = nu
	}
	t, err := ts.CreateTalks(ctx, op, f.Title)
	if err != nil {
		return fmt.Errorf("scenario: %w", err)
	}
	res.TalksID, res.Loaded = t.ID, true
	// The operator sets the talks up: every delegation, then the first
	// member of the first mediator delegation, its head. That mediator
	// seats the first member of every other delegation; later members are
	// added by their delegation's head, as the membership rule wants.
	for _, g := range f.Groups {
		if _, err := ts.AddDelegation(ctx, op, t.ID, talks.NewDelegation{Name: g.Name, Slug: g.Slug, Kind: g.Kind}); err != nil {
			return fmt.Errorf("scenario: delegation %s: %w", g.Slug, err)
		}
	}
	seat := func(g Delegation, by *parley.User) error {
		for i, m := range g.Members {
			if _, err := ts.AddMember(ctx, by, t.ID, g.Slug, talks.NewMember{User: m.User, Role: m.Role, Title: m.Title}); err != nil {
				return fmt.Errorf("scenario: member %s: %w", m.User, err)
			}
			if i == 0 {
				if m.Role != parley.RoleHead && len(g.Members) > 1 {
					return fmt.Errorf("scenario: delegation %s: its first member must be its head, who adds the others", g.Slug)
				}
				by = users[m.User]
			}
		}
		return nil
	}
	var first *parley.User
	for _, g := range f.Groups {
		if g.Kind == parley.KindMediator && len(g.Members) > 0 {
			if err := seat(g, op); err != nil {
				return err
			}
			first = users[g.Members[0].User]
			break
		}
	}
	for _, g := range f.Groups {
		if first != nil && len(g.Members) > 0 && users[g.Members[0].User] == first {
			continue
		}
		if first == nil {
			return fmt.Errorf("scenario: delegation %s: a mediator delegation with members must come first, to seat the others", g.Slug)
		}
		if err := seat(g, first); err != nil {
			return err
		}
	}
	labels := map[string]string{}
	for i, st := range mergeSteps(mergeSteps(f.Steps, f.Negotiation), f.RegistrySteps) {
		if !st.At.IsZero() {
			clock = st.At
		}
		u := users[st.By]
		if u == nil {
			return fmt.Errorf("scenario: step %d: unknown user %q", i+1, st.By)
		}
		if err := run(ctx, ts, u, t.ID, st, labels); err != nil {
			return fmt.Errorf("scenario: step %d (%s): %w", i+1, st.By, err)
		}
	}
	return nil
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
	case st.TextStep.set():
		return runText(ctx, ts, u, id, &st.TextStep, labels)
	}
	if ok, err := runRegistry(ctx, ts, u, id, st, labels); ok {
		return err
	}
	return fmt.Errorf("step has no action")
}
