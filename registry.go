package parley

import (
	"context"
	"time"
)

// RoomRegistry is the pseudo-room of individual captive records: its events
// are read by mediators and by delegations granted record access. It holds
// no messages.
const RoomRegistry = "registry"

// RegistryTx is the part of a transaction that keeps people and promises:
// captives, agreement phases, obligations and verifications, meetings,
// reports, deadlines and their alerts. It is embedded in Tx.
type RegistryTx interface {
	// CreateCaptive stores a captive and its first status; a ref taken in
	// the talks is ECONFLICT.
	CreateCaptive(ctx context.Context, c *Captive) error
	// AddCaptiveStatus appends a status to a captive's history.
	AddCaptiveStatus(ctx context.Context, captiveID string, s *CaptiveStatusChange) error
	// Captive returns one captive of the talks by ref, with its history.
	Captive(ctx context.Context, talksID, ref string) (*Captive, error)
	// Captives lists the talks' captives by ref, each with its history.
	Captives(ctx context.Context, talksID string) ([]Captive, error)
	// ReleasesFor maps obligation ids of the talks to the release dates of
	// the captives linked to them.
	ReleasesFor(ctx context.Context, talksID string) (map[string][]Date, error)
	// PutRecordAccess sets a delegation's record access.
	PutRecordAccess(ctx context.Context, a *RecordAccess) error
	// RecordAccess lists the talks' record access settings.
	RecordAccess(ctx context.Context, talksID string) ([]RecordAccess, error)

	// CreatePhase stores a phase; a number taken in the agreement is ECONFLICT.
	CreatePhase(ctx context.Context, p *Phase) error
	// Phases lists an agreement's phases by number ("" for every agreement
	// of the talks).
	Phases(ctx context.Context, talksID, agreementID string) ([]Phase, error)
	// CreateObligation stores an obligation.
	CreateObligation(ctx context.Context, o *Obligation) error
	// Obligation returns one obligation of the talks.
	Obligation(ctx context.Context, talksID, id string) (*Obligation, error)
	// Obligations lists an agreement's obligations by phase and due date
	// ("" for every agreement of the talks).
	Obligations(ctx context.Context, talksID, agreementID string) ([]Obligation, error)
	// CreateVerification stores a verification.
	CreateVerification(ctx context.Context, v *Verification) error
	// Verifications lists an agreement's verifications, oldest first.
	Verifications(ctx context.Context, talksID, agreementID string) ([]Verification, error)

	// CreateMeeting stores a meeting with its participants and audience.
	CreateMeeting(ctx context.Context, m *Meeting) error
	// Meetings lists the talks' meetings by date.
	Meetings(ctx context.Context, talksID string) ([]Meeting, error)
	// MeetingAudiences maps each meeting id of the talks to the ids of the
	// delegations in its audience.
	MeetingAudiences(ctx context.Context, talksID string) (map[string][]string, error)

	// CreateReport stores a report.
	CreateReport(ctx context.Context, r *Report) error
	// Reports lists the talks' reports by publication date.
	Reports(ctx context.Context, talksID string) ([]Report, error)

	// CreateDeadline stores a deadline.
	CreateDeadline(ctx context.Context, d *Deadline) error
	// Deadlines lists the talks' deadlines by due time ("" for all talks).
	Deadlines(ctx context.Context, talksID string) ([]Deadline, error)
	// InsertDeadlineAlert records that an alert fired; one that is recorded
	// already is ECONFLICT, so that it fires once however many nodes try.
	InsertDeadlineAlert(ctx context.Context, a *DeadlineAlert) error
	// DeadlineAlerts lists the recorded alerts of the talks' deadlines
	// ("" for all talks).
	DeadlineAlerts(ctx context.Context, talksID string) ([]DeadlineAlert, error)

	// TalksEvents returns the talks' events of the given kinds, in order.
	TalksEvents(ctx context.Context, talksID string, kinds []string) ([]Event, error)
}

// TimelineEntry is one change of the talks' status or of a delegation's
// presence, as the talks' history shows it.
type TimelineEntry struct {
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	Kind string    `json:"kind"`
	// Action is what was done: suspend, resume, withdraw, re-engage, …
	Action string `json:"action"`
	// State is the talks status or the delegation's presence after it.
	State string `json:"state"`
	// Delegation is the delegation whose presence changed ("" for status).
	Delegation     string `json:"delegation,omitempty"`
	DelegationName string `json:"delegation_name,omitempty"`
	Reason         string `json:"reason,omitempty"`
	By             string `json:"by"`
	ByName         string `json:"by_name"`
}
