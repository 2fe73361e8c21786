package parley

import "time"

// AgreementStage is where an agreement stands, in the stages the PA-X
// peace agreements database uses.
type AgreementStage string

// Agreement stages.
const (
	StagePreNegotiation AgreementStage = "pre-negotiation"
	StageCeasefire      AgreementStage = "ceasefire"
	StageFramework      AgreementStage = "framework"
	StageImplementation AgreementStage = "implementation"
	StageRenewal        AgreementStage = "renewal"
)

// Valid reports whether s is a known stage.
func (s AgreementStage) Valid() bool {
	switch s {
	case StagePreNegotiation, StageCeasefire, StageFramework, StageImplementation, StageRenewal:
		return true
	}
	return false
}

// Agreement is what the parties agreed in the talks: a version of the
// single negotiating text declared agreed, or an agreement recorded as
// made through the channel before. Every member of the talks sees it.
type Agreement struct {
	ID      string         `json:"id"`
	TalksID string         `json:"talks_id"`
	Title   string         `json:"title"`
	Stage   AgreementStage `json:"stage"`
	// TextVersion is the version of the single negotiating text agreed, 0
	// for an agreement recorded without one.
	TextVersion int `json:"text_version,omitempty"`
	// Summary says in a few words what was agreed.
	Summary  string    `json:"summary,omitempty"`
	AgreedAt time.Time `json:"agreed_at"`
	// RecordedBy is the user who recorded it.
	RecordedBy string `json:"recorded_by"`
	// EventSeq is the ledger event that recorded it.
	EventSeq int64 `json:"event_seq"`
}

// Validate checks the agreement's title, stage and summary.
func (a *Agreement) Validate() error {
	if err := CheckText("title", a.Title, MaxTitleBytes); err != nil {
		return err
	}
	if !a.Stage.Valid() {
		return Errorf(EINVALID, "stage must be pre-negotiation, ceasefire, framework, implementation or renewal, not %q", a.Stage)
	}
	if err := CheckTime("agreed_at", a.AgreedAt); err != nil {
		return err
	}
	if a.TextVersion < 0 {
		return Errorf(EINVALID, "text_version must not be negative")
	}
	return CheckOptional("summary", a.Summary, MaxReasonBytes)
}
