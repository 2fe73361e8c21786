package parley

import (
	"sort"
	"time"
)

// Phase is one phase of an agreement's implementation, e.g. phase 1: 42
// days from a start date.
type Phase struct {
	ID          string `json:"id"`
	TalksID     string `json:"talks_id"`
	AgreementID string `json:"agreement_id"`
	// Number orders the agreement's phases from 1.
	Number   int    `json:"number"`
	Title    string `json:"title"`
	StartsOn Date   `json:"starts_on"`
	// Days is how long the phase lasts; 0 for open-ended.
	Days int `json:"days"`
	// EndsOn is the phase's last day, derived from StartsOn and Days.
	EndsOn     Date   `json:"ends_on,omitempty"`
	RecordedBy string `json:"recorded_by"`
	EventSeq   int64  `json:"event_seq"`
}

// Validate checks the phase's fields and derives EndsOn.
func (p *Phase) Validate() error {
	if p.Number < 1 || p.Number > MaxPhases {
		return Errorf(EINVALID, "phase number must be between 1 and %d", MaxPhases)
	}
	if err := CheckText("title", p.Title, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckDate("starts_on", p.StartsOn, true); err != nil {
		return err
	}
	if p.Days < 0 || p.Days > MaxPhaseDays {
		return Errorf(EINVALID, "days must be between 0 (open-ended) and %d", MaxPhaseDays)
	}
	p.Derive()
	return nil
}

// Derive fills in EndsOn.
func (p *Phase) Derive() {
	p.EndsOn = ""
	if p.Days > 0 {
		p.EndsOn = p.StartsOn.AddDays(p.Days - 1)
	}
}

// ObligationKind says what an obligation asks for.
type ObligationKind string

// Obligation kinds.
const (
	ReleaseCaptives  ObligationKind = "release-captives"
	ReleasePrisoners ObligationKind = "release-prisoners"
	AidTrucks        ObligationKind = "aid-trucks"
	Withdrawal       ObligationKind = "withdrawal"
	OtherObligation  ObligationKind = "other"
)

// Valid reports whether k is a known kind.
func (k ObligationKind) Valid() bool {
	switch k {
	case ReleaseCaptives, ReleasePrisoners, AidTrucks, Withdrawal, OtherObligation:
		return true
	}
	return false
}

// Obligation is what one delegation must deliver in a phase, and by when.
type Obligation struct {
	ID          string `json:"id"`
	TalksID     string `json:"talks_id"`
	AgreementID string `json:"agreement_id"`
	PhaseID     string `json:"phase_id"`
	// Phase is the number of the phase.
	Phase int `json:"phase"`
	// Delegation is the id of the delegation that delivers.
	Delegation  string         `json:"delegation"`
	Kind        ObligationKind `json:"kind"`
	Description string         `json:"description"`
	// Quantity is how many (captives, prisoners, trucks), 0 where no number
	// applies; PerDay marks a quantity due every day (aid trucks a day).
	Quantity int  `json:"quantity"`
	PerDay   bool `json:"per_day"`
	// Category narrows a release of captives to one category (e.g. child).
	Category   string `json:"category,omitempty"`
	DueOn      Date   `json:"due_on"`
	RecordedBy string `json:"recorded_by"`
	EventSeq   int64  `json:"event_seq"`
}

// Validate checks the obligation's fields, and its due date against its
// phase: nothing falls due before the phase starts.
func (o *Obligation) Validate(p *Phase) error {
	if !o.Kind.Valid() {
		return Errorf(EINVALID, "kind must be release-captives, release-prisoners, aid-trucks, withdrawal or other, not %q", truncate(string(o.Kind), 40))
	}
	if err := CheckText("description", o.Description, MaxReasonBytes); err != nil {
		return err
	}
	if o.Quantity < 0 || o.Quantity > MaxQuantity {
		return Errorf(EINVALID, "quantity must be between 0 and %d", MaxQuantity)
	}
	if o.PerDay && o.Quantity == 0 {
		return Errorf(EINVALID, "per_day needs a quantity")
	}
	if o.Category != "" {
		if o.Kind != ReleaseCaptives {
			return Errorf(EINVALID, "a category applies only to release-captives")
		}
		c := Captive{Categories: []string{o.Category}}
		if err := c.checkCategories(); err != nil {
			return err
		}
		o.Category = c.Categories[0]
	}
	if err := CheckDate("due_on", o.DueOn, true); err != nil {
		return err
	}
	if o.DueOn < p.StartsOn {
		return Errorf(EINVALID, "no obligation is due before its phase starts: %s is before phase %d starts on %s", o.DueOn, p.Number, p.StartsOn)
	}
	return nil
}

// VerificationOutcome is what a verification found.
type VerificationOutcome string

// Verification outcomes.
const (
	Delivered       VerificationOutcome = "delivered"
	PartlyDelivered VerificationOutcome = "partly-delivered"
	Late            VerificationOutcome = "late"
	Violated        VerificationOutcome = "violated"
)

// Valid reports whether v is a known outcome.
func (v VerificationOutcome) Valid() bool {
	return v == Delivered || v == PartlyDelivered || v == Late || v == Violated
}

// Verification records what a mediator or a named verifier (the ICRC, say)
// found about an obligation.
type Verification struct {
	ID           string              `json:"id"`
	TalksID      string              `json:"talks_id"`
	AgreementID  string              `json:"agreement_id"`
	ObligationID string              `json:"obligation"`
	Outcome      VerificationOutcome `json:"outcome"`
	// Quantity is how much was delivered so far, for partly-delivered (and
	// optionally delivered).
	Quantity   int    `json:"quantity,omitempty"`
	ObservedOn Date   `json:"observed_on"`
	Evidence   string `json:"evidence"`
	// Verifier names who verified: a named verifier, or the recording
	// mediator's delegation.
	Verifier string `json:"verifier"`
	// AttributedBy and AttributedTo say, for a violation, who blamed which
	// delegation (id).
	AttributedBy string    `json:"attributed_by,omitempty"`
	AttributedTo string    `json:"attributed_to,omitempty"`
	RecordedBy   string    `json:"recorded_by"`
	RecordedAt   time.Time `json:"recorded_at"`
	EventSeq     int64     `json:"event_seq"`
}

// Validate checks the verification's fields against its obligation and
// phase: nothing is verified in a phase before it starts, or in the future.
func (v *Verification) Validate(o *Obligation, p *Phase, today Date) error {
	if !v.Outcome.Valid() {
		return Errorf(EINVALID, "outcome must be delivered, partly-delivered, late or violated, not %q", truncate(string(v.Outcome), 40))
	}
	if err := CheckText("evidence", v.Evidence, MaxReasonBytes); err != nil {
		return err
	}
	if err := CheckText("verifier", v.Verifier, MaxNameBytes); err != nil {
		return err
	}
	if err := CheckOptional("attributed_by", v.AttributedBy, MaxNameBytes); err != nil {
		return err
	}
	if (v.AttributedBy != "" || v.AttributedTo != "") && v.Outcome != Violated {
		return Errorf(EINVALID, "attributed_by and attributed_to apply only to a violation")
	}
	if v.Outcome == Violated && (v.AttributedBy == "" || v.AttributedTo == "") {
		return Errorf(EINVALID, "a violation says who attributed it (attributed_by) to whom (attributed_to)")
	}
	if v.Quantity < 0 || v.Quantity > MaxQuantity {
		return Errorf(EINVALID, "quantity must be between 0 and %d", MaxQuantity)
	}
	if v.Outcome == PartlyDelivered && v.Quantity == 0 {
		return Errorf(EINVALID, "partly-delivered needs the quantity delivered so far")
	}
	if v.Quantity > 0 && o.Quantity == 0 {
		return Errorf(EINVALID, "the obligation has no quantity to deliver")
	}
	if v.Outcome == PartlyDelivered && v.Quantity >= o.Quantity {
		return Errorf(EINVALID, "partly-delivered means less than the %d due", o.Quantity)
	}
	if err := CheckDate("observed_on", v.ObservedOn, true); err != nil {
		return err
	}
	if p.StartsOn > today {
		return Errorf(ECONFLICT, "phase %d starts on %s: nothing in it can be verified before then", p.Number, p.StartsOn)
	}
	if v.ObservedOn < p.StartsOn {
		return Errorf(EINVALID, "observed_on %s is before phase %d started on %s", v.ObservedOn, p.Number, p.StartsOn)
	}
	if v.ObservedOn > today {
		return Errorf(EINVALID, "observed_on %s is in the future", v.ObservedOn)
	}
	return nil
}

// ObligationState is where an obligation stands on a day.
type ObligationState string

// Obligation states.
const (
	StatePending   ObligationState = "pending"
	StatePartly    ObligationState = "partly-delivered"
	StateDelivered ObligationState = "delivered"
	StateLate      ObligationState = "late"
	StateViolated  ObligationState = "violated"
)

// ObligationStatus is an obligation with where it stands on a day.
type ObligationStatus struct {
	Obligation
	State ObligationState `json:"state"`
	// Due is set once the due date has come.
	Due bool `json:"due"`
	// Delivered is the quantity delivered: for a release of captives, the
	// releases linked to it in the registry (or a verifier's count, if
	// higher); otherwise the latest verified quantity.
	Delivered int `json:"delivered"`
	// Late is set when it was not delivered by its due date, or a verifier
	// found it late.
	Late     bool `json:"late"`
	Violated bool `json:"violated"`
}

// Assess says where o stands on day d, from its verifications and the
// release dates of the captives linked to it; what happened after d is
// ignored.
func Assess(o *Obligation, vs []Verification, releases []Date, d Date) ObligationStatus {
	st := ObligationStatus{Obligation: *o, Due: o.DueOn <= d}
	full := false
	var deliveredOn Date
	sorted := append([]Verification(nil), vs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ObservedOn < sorted[j].ObservedOn })
	for _, v := range sorted {
		if v.ObligationID != o.ID || v.ObservedOn > d {
			continue
		}
		switch v.Outcome {
		case Violated:
			st.Violated = true
		case Late:
			st.Late = true
		case Delivered:
			full = true
			if deliveredOn == "" {
				deliveredOn = v.ObservedOn
			}
		}
		if v.Quantity > 0 {
			st.Delivered = v.Quantity
			if o.Quantity > 0 && v.Quantity >= o.Quantity && deliveredOn == "" {
				deliveredOn = v.ObservedOn
			}
		}
	}
	if o.Kind == ReleaseCaptives {
		rs := append([]Date(nil), releases...)
		sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
		n := 0
		for _, r := range rs {
			if r <= d {
				n++
				if o.Quantity > 0 && n == o.Quantity && (deliveredOn == "" || r < deliveredOn) {
					deliveredOn = r
				}
			}
		}
		st.Delivered = max(st.Delivered, n)
	}
	if full && o.Quantity > 0 && st.Delivered < o.Quantity {
		st.Delivered = o.Quantity
	}
	if o.Quantity > 0 && st.Delivered >= o.Quantity {
		full = true
	}
	if full && deliveredOn > o.DueOn || !full && st.Due && d > o.DueOn {
		st.Late = true
	}
	switch {
	case st.Violated:
		st.State = StateViolated
	case full:
		st.State = StateDelivered
	case st.Late:
		st.State = StateLate
	case st.Delivered > 0:
		st.State = StatePartly
	default:
		st.State = StatePending
	}
	return st
}

// ComplianceTally counts one delegation's obligations in one phase by
// where they stand.
type ComplianceTally struct {
	Delegation  string `json:"delegation"`
	Obligations int    `json:"obligations"`
	Due         int    `json:"due"`
	Delivered   int    `json:"delivered"`
	Partly      int    `json:"partly_delivered"`
	Late        int    `json:"late"`
	Violated    int    `json:"violated"`
	Pending     int    `json:"pending"`
}

func (t *ComplianceTally) add(s *ObligationStatus) {
	t.Obligations++
	if s.Due {
		t.Due++
	}
	if s.Late {
		t.Late++
	}
	switch s.State {
	case StateDelivered:
		t.Delivered++
	case StatePartly:
		t.Partly++
	case StateViolated:
		t.Violated++
	case StatePending:
		t.Pending++
	}
}

// PhaseCompliance is a phase with its tallies per delegation.
type PhaseCompliance struct {
	Phase       Phase             `json:"phase"`
	Delegations []ComplianceTally `json:"delegations"`
}

// Compliance is an agreement's implementation on a day: per phase and per
// delegation what is due, delivered, late and violated, and each
// obligation's state.
type Compliance struct {
	AgreementID string             `json:"agreement_id"`
	AsOf        Date               `json:"as_of"`
	Phases      []PhaseCompliance  `json:"phases"`
	Obligations []ObligationStatus `json:"obligations"`
}

// Comply computes an agreement's compliance on day d. releases maps an
// obligation id to the release dates of the captives linked to it.
func Comply(agreementID string, phases []Phase, obs []Obligation, vs []Verification, releases map[string][]Date, d Date) Compliance {
	c := Compliance{AgreementID: agreementID, AsOf: d, Phases: []PhaseCompliance{}, Obligations: []ObligationStatus{}}
	byPhase := map[string]map[string]*ComplianceTally{}
	for i := range obs {
		s := Assess(&obs[i], vs, releases[obs[i].ID], d)
		c.Obligations = append(c.Obligations, s)
		m := byPhase[s.PhaseID]
		if m == nil {
			m = map[string]*ComplianceTally{}
			byPhase[s.PhaseID] = m
		}
		if m[s.Delegation] == nil {
			m[s.Delegation] = &ComplianceTally{Delegation: s.Delegation}
		}
		m[s.Delegation].add(&s)
	}
	for _, p := range phases {
		pc := PhaseCompliance{Phase: p, Delegations: []ComplianceTally{}}
		for _, t := range byPhase[p.ID] {
			pc.Delegations = append(pc.Delegations, *t)
		}
		sort.Slice(pc.Delegations, func(i, j int) bool { return pc.Delegations[i].Delegation < pc.Delegations[j].Delegation })
		c.Phases = append(c.Phases, pc)
	}
	return c
}
