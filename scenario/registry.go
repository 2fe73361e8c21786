package scenario

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parley"
	"parley/talks"
)

// The steps of people and promises: the captives registry, agreements made
// through the channel with their phases and obligations, verifications,
// meetings, sourced reports and deadlines. A scenario lists them under
// registry_steps; they are replayed merged by time with the other steps.

// CaptiveGroup is a group of captives alike but for their references:
// refs "H-001..H-003" stand for H-001, H-002 and H-003. Groups are
// imported through the registry's CSV import.
type CaptiveGroup struct {
	Refs          string   `yaml:"refs"`
	Holder        string   `yaml:"holder"`
	Nationalities []string `yaml:"nationalities"`
	CapturedOn    string   `yaml:"captured_on"`
	Precision     string   `yaml:"precision"`
	Place         string   `yaml:"place"`
	Categories    []string `yaml:"categories"`
	Status        string   `yaml:"status"`
	Confidence    string   `yaml:"confidence"`
	Source        string   `yaml:"source"`
	Date          string   `yaml:"date"`
	Since         string   `yaml:"since"`
}

// StatusStep records a status for each captive of refs; a release may
// name the obligation (by label) that required it.
type StatusStep struct {
	Refs       string `yaml:"refs"`
	Status     string `yaml:"status"`
	Confidence string `yaml:"confidence"`
	Source     string `yaml:"source"`
	Date       string `yaml:"date"`
	Since      string `yaml:"since"`
	Obligation string `yaml:"obligation"`
}

// AgreementStep records an agreement made through the channel.
type AgreementStep struct {
	Title    string      `yaml:"title"`
	Stage    string      `yaml:"stage"`
	Summary  string      `yaml:"summary"`
	AgreedAt time.Time   `yaml:"agreed_at"`
	Phases   []PhaseStep `yaml:"phases"`
}

// PhaseStep is a phase of an agreement.
type PhaseStep struct {
	Title       string           `yaml:"title"`
	StartsOn    string           `yaml:"starts_on"`
	Days        int              `yaml:"days"`
	Obligations []ObligationStep `yaml:"obligations"`
}

// ObligationStep is an obligation of a phase; Label names it for releases
// and verifications.
type ObligationStep struct {
	Label       string `yaml:"label"`
	Delegation  string `yaml:"delegation"`
	Kind        string `yaml:"kind"`
	Description string `yaml:"description"`
	Quantity    int    `yaml:"quantity"`
	PerDay      bool   `yaml:"per_day"`
	Category    string `yaml:"category"`
	DueOn       string `yaml:"due_on"`
}

// VerifyStep records a verification of the obligation labelled Obligation.
type VerifyStep struct {
	Obligation   string `yaml:"obligation"`
	Outcome      string `yaml:"outcome"`
	Quantity     int    `yaml:"quantity"`
	ObservedOn   string `yaml:"observed_on"`
	Evidence     string `yaml:"evidence"`
	Verifier     string `yaml:"verifier"`
	AttributedBy string `yaml:"attributed_by"`
	AttributedTo string `yaml:"attributed_to"`
}

// MeetingStep records a meeting.
type MeetingStep struct {
	Kind         string            `yaml:"kind"`
	Title        string            `yaml:"title"`
	Place        string            `yaml:"place"`
	HeldOn       string            `yaml:"held_on"`
	Precision    string            `yaml:"precision"`
	Participants []ParticipantStep `yaml:"participants"`
	Summary      string            `yaml:"summary"`
	Outcome      string            `yaml:"outcome"`
	Audience     []string          `yaml:"audience"`
}

// ParticipantStep is a member (User) or an outside person (Name, Title).
type ParticipantStep struct {
	User  string `yaml:"user"`
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
}

// ReportStep records a sourced claim; Label names it for Contradicts.
type ReportStep struct {
	Label       string   `yaml:"label"`
	Subject     string   `yaml:"subject"`
	Claim       string   `yaml:"claim"`
	Source      string   `yaml:"source"`
	Outlet      string   `yaml:"outlet"`
	PublishedOn string   `yaml:"published_on"`
	Grade       string   `yaml:"grade"`
	Contradicts []string `yaml:"contradicts"`
}

// DeadlineStep sets a deadline.
type DeadlineStep struct {
	Title     string    `yaml:"title"`
	DueAt     time.Time `yaml:"due_at"`
	SetBy     string    `yaml:"set_by"`
	Reason    string    `yaml:"reason"`
	AlertDays []int     `yaml:"alert_days"`
}

// AccessStep lets a delegation read individual captive records, or not.
type AccessStep struct {
	Delegation string `yaml:"delegation"`
	Records    bool   `yaml:"records"`
}

// SettingToday names the setting that fixes a demo's clock: the day of the
// scenario's source, so that derived figures (days in captivity, days
// left) stay as the source gave them. parley serve --demo honours it.
const SettingToday = "demo_today"

// Today returns the fixed "now" of a data directory loaded from a scenario
// that sets one; false when it sets none.
func Today(ctx context.Context, ts *talks.Service) (time.Time, bool, error) {
	v, err := ts.Setting(ctx, SettingToday)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scenario: setting %s: %w", SettingToday, err)
	}
	return t, true, nil
}

// saveToday records the scenario's fixed "now", if it has one.
func saveToday(ctx context.Context, ts *talks.Service, f *File) error {
	if f.Today.IsZero() {
		return nil
	}
	return ts.PutSetting(ctx, SettingToday, f.Today.UTC().Format(time.RFC3339))
}

// expandRefs expands "H-001..H-003" to H-001, H-002, H-003; a single ref
// stands for itself.
func expandRefs(refs string) ([]string, error) {
	from, to, ok := strings.Cut(refs, "..")
	if !ok {
		return []string{strings.TrimSpace(refs)}, nil
	}
	i := strings.LastIndexAny(from, "-_.") + 1
	prefix, a, b := from[:i], from[i:], strings.TrimPrefix(to, from[:i])
	m, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < m || n-m > parley.MaxImportRows {
		return nil, fmt.Errorf("refs %q: write PREFIX-FIRST..PREFIX-LAST", refs)
	}
	var out []string
	for k := m; k <= n; k++ {
		out = append(out, fmt.Sprintf("%s%0*d", prefix, len(a), k))
	}
	return out, nil
}

// captivesCSV writes the groups as a CSV the registry imports.
func captivesCSV(groups []CaptiveGroup) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(talks.CaptiveColumns)
	for _, g := range groups {
		refs, err := expandRefs(g.Refs)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			w.Write([]string{ref, "", g.Holder, strings.Join(g.Nationalities, ";"), g.CapturedOn, g.Precision, g.Place, strings.Join(g.Categories, ";"),
				g.Status, g.Confidence, g.Source, g.Date, g.Since})
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// runRegistry runs a step of people and promises; false when st is none.
func runRegistry(ctx context.Context, ts *talks.Service, u *parley.User, id string, st Step, labels map[string]string) (bool, error) {
	switch {
	case st.Captives != nil:
		data, err := captivesCSV(st.Captives)
		if err != nil {
			return true, err
		}
		rep, err := ts.ImportCaptives(ctx, u, id, bytes.NewReader(data), false)
		if err != nil && rep != nil && len(rep.Refused) > 0 {
			r := rep.Refused[0]
			return true, fmt.Errorf("%w (line %d, %s: %s)", err, r.Line, r.Ref, r.Reason)
		}
		return true, err
	case st.CaptiveStatus != nil:
		return true, runStatus(ctx, ts, u, id, st.CaptiveStatus, labels)
	case st.Agreement != nil:
		return true, runAgreement(ctx, ts, u, id, st.Agreement, labels)
	case st.Verify != nil:
		v := st.Verify
		oid, ok := labels["obligation:"+v.Obligation]
		if !ok {
			return true, fmt.Errorf("no obligation labelled %q", v.Obligation)
		}
		_, err := ts.Verify(ctx, u, id, labels["agreement-of:"+v.Obligation], talks.NewVerification{Obligation: oid, Outcome: parley.VerificationOutcome(v.Outcome),
			Quantity: v.Quantity, ObservedOn: parley.Date(v.ObservedOn), Evidence: v.Evidence, Verifier: v.Verifier, AttributedBy: v.AttributedBy, AttributedTo: v.AttributedTo})
		return true, err
	case st.Meeting != nil:
		m := st.Meeting
		nm := talks.NewMeeting{Kind: parley.MeetingKind(m.Kind), Title: m.Title, Place: m.Place, HeldOn: parley.Date(m.HeldOn), HeldPrecision: parley.DatePrecision(m.Precision),
			Summary: m.Summary, Outcome: m.Outcome, Audience: m.Audience}
		for _, p := range m.Participants {
			nm.Participants = append(nm.Participants, talks.NewParticipant{User: p.User, Name: p.Name, Title: p.Title})
		}
		_, err := ts.RecordMeeting(ctx, u, id, nm)
		return true, err
	case st.Report != nil:
		r := st.Report
		if len(r.Grade) != 2 {
			return true, fmt.Errorf("report %s: grade must be a letter and a digit, e.g. B2", r.Label)
		}
		nr := talks.NewReport{Subject: r.Subject, Claim: r.Claim, Source: r.Source, Outlet: r.Outlet, PublishedOn: parley.Date(r.PublishedOn),
			Reliability: r.Grade[:1], Credibility: int(r.Grade[1] - '0')}
		for _, c := range r.Contradicts {
			rid, ok := labels["report:"+c]
			if !ok {
				return true, fmt.Errorf("no report labelled %q", c)
			}
			nr.Contradicts = append(nr.Contradicts, rid)
		}
		rep, err := ts.RecordReport(ctx, u, id, nr)
		if err == nil && r.Label != "" {
			labels["report:"+r.Label] = rep.ID
		}
		return true, err
	case st.Deadline != nil:
		d := st.Deadline
		_, err := ts.SetDeadline(ctx, u, id, talks.NewDeadline{Title: d.Title, DueAt: d.DueAt, SetBy: d.SetBy, Reason: d.Reason, AlertDays: d.AlertDays})
		return true, err
	case st.RecordAccess != nil:
		_, err := ts.SetRecordAccess(ctx, u, id, st.RecordAccess.Delegation, st.RecordAccess.Records)
		return true, err
	}
	return false, nil
}

// runStatus records a status for each captive of a range.
func runStatus(ctx context.Context, ts *talks.Service, u *parley.User, id string, s *StatusStep, labels map[string]string) error {
	refs, err := expandRefs(s.Refs)
	if err != nil {
		return err
	}
	ns := talks.NewCaptiveStatus{Status: parley.CaptiveStatus(s.Status), Confidence: parley.Confidence(s.Confidence), Source: s.Source,
		Date: parley.Date(s.Date), Since: parley.Date(s.Since)}
	if s.Obligation != "" {
		var ok bool
		if ns.Obligation, ok = labels["obligation:"+s.Obligation]; !ok {
			return fmt.Errorf("no obligation labelled %q", s.Obligation)
		}
	}
	for _, ref := range refs {
		if _, err := ts.ChangeCaptiveStatus(ctx, u, id, ref, ns); err != nil {
			return fmt.Errorf("%s: %w", ref, err)
		}
	}
	return nil
}

// runAgreement records an agreement, labelling its obligations.
func runAgreement(ctx context.Context, ts *talks.Service, u *parley.User, id string, a *AgreementStep, labels map[string]string) error {
	na := talks.NewAgreement{Title: a.Title, Stage: parley.AgreementStage(a.Stage), Summary: a.Summary, AgreedAt: a.AgreedAt}
	for _, p := range a.Phases {
		np := talks.NewPhase{Title: p.Title, StartsOn: parley.Date(p.StartsOn), Days: p.Days}
		for _, o := range p.Obligations {
			np.Obligations = append(np.Obligations, talks.NewObligation{Delegation: o.Delegation, Kind: parley.ObligationKind(o.Kind), Description: o.Description,
				Quantity: o.Quantity, PerDay: o.PerDay, Category: o.Category, DueOn: parley.Date(o.DueOn)})
		}
		na.Phases = append(na.Phases, np)
	}
	v, err := ts.RecordAgreement(ctx, u, id, na)
	if err != nil {
		return err
	}
	for i, p := range a.Phases {
		for j, o := range p.Obligations {
			if o.Label != "" {
				labels["obligation:"+o.Label] = v.Phases[i].Obligations[j].ID
				labels["agreement-of:"+o.Label] = v.ID
			}
		}
	}
	return nil
}
