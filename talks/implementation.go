package talks

import (
	"context"
	"strings"
	"time"

	"parley"
)

// NewObligation is an obligation to add to a phase.
type NewObligation struct {
	// Phase is the phase's number; inside a NewPhase it may be omitted.
	Phase int `json:"phase"`
	// Delegation is the slug or id of the delegation that delivers.
	Delegation  string                `json:"delegation"`
	Kind        parley.ObligationKind `json:"kind"`
	Description string                `json:"description"`
	Quantity    int                   `json:"quantity"`
	PerDay      bool                  `json:"per_day"`
	Category    string                `json:"category"`
	// DueOn is the day it is due; the phase's last day when omitted.
	DueOn parley.Date `json:"due_on"`
}

// NewPhase is a phase to add to an agreement, with its obligations.
type NewPhase struct {
	// Number is the phase's number; the next one when omitted.
	Number      int             `json:"number"`
	Title       string          `json:"title"`
	StartsOn    parley.Date     `json:"starts_on"`
	Days        int             `json:"days"`
	Obligations []NewObligation `json:"obligations"`
}

// NewAgreement is an agreement a mediator records as made through the
// channel, with its phases.
type NewAgreement struct {
	Title    string                `json:"title"`
	Stage    parley.AgreementStage `json:"stage"`
	Summary  string                `json:"summary"`
	AgreedAt time.Time             `json:"agreed_at"`
	Phases   []NewPhase            `json:"phases"`
}

// NewVerification is what a mediator records of an obligation's delivery.
type NewVerification struct {
	Obligation string                     `json:"obligation"`
	Outcome    parley.VerificationOutcome `json:"outcome"`
	Quantity   int                        `json:"quantity"`
	ObservedOn parley.Date                `json:"observed_on"`
	Evidence   string                     `json:"evidence"`
	// Verifier names who verified (e.g. ICRC); the mediator's delegation
	// when omitted.
	Verifier     string `json:"verifier"`
	AttributedBy string `json:"attributed_by"`
	// AttributedTo is the slug or id of the delegation a violation is
	// attributed to.
	AttributedTo string `json:"attributed_to"`
}

// PhaseView is a phase with its obligations.
type PhaseView struct {
	parley.Phase
	Obligations []parley.Obligation `json:"obligations"`
}

// AgreementView is an agreement with its phases, as recording it answers.
type AgreementView struct {
	parley.Agreement
	Phases []PhaseView `json:"phases"`
}

// ObligationView is an obligation where it stands today, with its
// verifications.
type ObligationView struct {
	parley.ObligationStatus
	Verifications []parley.Verification `json:"verifications"`
}

// checkImplementer is the rule for agreements and their implementation:
// engaged mediators record them, their phases, obligations and what was
// verified.
func (sc *scope) checkImplementer(verb string) error { return sc.checkMediator(verb) }

// RecordAgreement records an agreement made through the channel (a past
// one, such as an exchange of 2023), with its phases and obligations, in
// one command.
func (s *Service) RecordAgreement(ctx context.Context, actor *parley.User, talksID string, na NewAgreement) (*AgreementView, error) {
	a := &parley.Agreement{ID: parley.NewID("a_"), TalksID: talksID, Title: strings.TrimSpace(na.Title), Stage: na.Stage, Summary: strings.TrimSpace(na.Summary), AgreedAt: na.AgreedAt.UTC()}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if len(na.Phases) > parley.MaxPhases {
		return nil, parley.Errorf(parley.EINVALID, "at most %d phases", parley.MaxPhases)
	}
	v := &AgreementView{Phases: []PhaseView{}}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkImplementer("record agreements"); err != nil {
			return err
		}
		if a.AgreedAt.After(s.now()) {
			return parley.Errorf(parley.EINVALID, "agreed_at is in the future")
		}
		if err := s.recordAgreement(ctx, tx, actor, a); err != nil {
			return err
		}
		for _, np := range na.Phases {
			pv, err := s.addPhase(ctx, tx, sc, actor, a, np)
			if err != nil {
				return err
			}
			v.Phases = append(v.Phases, *pv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.Agreement = *a
	return v, nil
}

// addPhase adds a phase and its obligations to agreement a, in tx.
func (s *Service) addPhase(ctx context.Context, tx parley.Tx, sc *scope, actor *parley.User, a *parley.Agreement, np NewPhase) (*PhaseView, error) {
	phases, err := tx.Phases(ctx, a.TalksID, a.ID)
	if err != nil {
		return nil, err
	}
	if np.Number == 0 {
		np.Number = len(phases) + 1
		if n := len(phases); n > 0 {
			np.Number = phases[n-1].Number + 1
		}
	}
	p := &parley.Phase{ID: parley.NewID("p_"), TalksID: a.TalksID, AgreementID: a.ID, Number: np.Number, Title: strings.TrimSpace(np.Title),
		StartsOn: np.StartsOn, Days: np.Days, RecordedBy: actor.ID}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.StartsOn < parley.DateOf(a.AgreedAt) {
		return nil, parley.Errorf(parley.EINVALID, "phase %d cannot start (%s) before the agreement was made (%s)", p.Number, p.StartsOn, parley.DateOf(a.AgreedAt))
	}
	if len(np.Obligations) > parley.MaxPageSize {
		return nil, parley.Errorf(parley.EINVALID, "at most %d obligations per phase at a time", parley.MaxPageSize)
	}
	e, err := s.emit(ctx, tx, actor.ID, a.TalksID, "", parley.EventPhaseAdded, p)
	if err != nil {
		return nil, err
	}
	p.EventSeq = e.Seq
	if err := tx.CreatePhase(ctx, p); err != nil {
		return nil, err
	}
	pv := &PhaseView{Phase: *p, Obligations: []parley.Obligation{}}
	for _, no := range np.Obligations {
		if no.Phase != 0 && no.Phase != p.Number {
			return nil, parley.Errorf(parley.EINVALID, "an obligation of phase %d names phase %d", p.Number, no.Phase)
		}
		o, err := s.addObligation(ctx, tx, sc, actor, p, no)
		if err != nil {
			return nil, err
		}
		pv.Obligations = append(pv.Obligations, *o)
	}
	return pv, nil
}

// addObligation adds an obligation to phase p, in tx.
func (s *Service) addObligation(ctx context.Context, tx parley.Tx, sc *scope, actor *parley.User, p *parley.Phase, no NewObligation) (*parley.Obligation, error) {
	d, err := sc.delegation(strings.TrimSpace(no.Delegation))
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "delegation %q is not a delegation of these talks", no.Delegation)
	}
	o := &parley.Obligation{ID: parley.NewID("o_"), TalksID: p.TalksID, AgreementID: p.AgreementID, PhaseID: p.ID, Phase: p.Number, Delegation: d.ID,
		Kind: no.Kind, Description: strings.TrimSpace(no.Description), Quantity: no.Quantity, PerDay: no.PerDay, Category: strings.TrimSpace(no.Category),
		DueOn: no.DueOn, RecordedBy: actor.ID}
	if o.DueOn == "" {
		o.DueOn = p.EndsOn
	}
	if err := o.Validate(p); err != nil {
		return nil, err
	}
	e, err := s.emit(ctx, tx, actor.ID, p.TalksID, "", parley.EventObligationAdded, o)
	if err != nil {
		return nil, err
	}
	o.EventSeq = e.Seq
	return o, tx.CreateObligation(ctx, o)
}

// AddPhase adds a phase, with its obligations, to an agreement.
func (s *Service) AddPhase(ctx context.Context, actor *parley.User, talksID, agreementID string, np NewPhase) (*PhaseView, error) {
	var pv *PhaseView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("agreement"); err != nil {
			return err
		}
		a, err := tx.Agreement(ctx, talksID, agreementID)
		if err != nil {
			return err
		}
		if err := sc.checkImplementer("add phases"); err != nil {
			return err
		}
		pv, err = s.addPhase(ctx, tx, sc, actor, a, np)
		return err
	})
	return pv, err
}

// phaseOf finds phase number n among phases.
func phaseOf(phases []parley.Phase, n int) (*parley.Phase, error) {
	for i := range phases {
		if phases[i].Number == n {
			return &phases[i], nil
		}
	}
	return nil, parley.Errorf(parley.EINVALID, "the agreement has no phase %d", n)
}

// AddObligation adds an obligation to a phase of an agreement.
func (s *Service) AddObligation(ctx context.Context, actor *parley.User, talksID, agreementID string, no NewObligation) (*parley.Obligation, error) {
	var o *parley.Obligation
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("agreement"); err != nil {
			return err
		}
		if _, err := tx.Agreement(ctx, talksID, agreementID); err != nil {
			return err
		}
		if err := sc.checkImplementer("add obligations"); err != nil {
			return err
		}
		phases, err := tx.Phases(ctx, talksID, agreementID)
		if err != nil {
			return err
		}
		p, err := phaseOf(phases, no.Phase)
		if err != nil {
			return err
		}
		o, err = s.addObligation(ctx, tx, sc, actor, p, no)
		return err
	})
	return o, err
}

// Verify records what a mediator, or a verifier it names, found of an
// obligation: delivered, partly delivered, late or violated.
func (s *Service) Verify(ctx context.Context, actor *parley.User, talksID, agreementID string, nv NewVerification) (*parley.Verification, error) {
	var v *parley.Verification
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("agreement"); err != nil {
			return err
		}
		if _, err := tx.Agreement(ctx, talksID, agreementID); err != nil {
			return err
		}
		if err := sc.checkImplementer("verify obligations"); err != nil {
			return err
		}
		o, err := tx.Obligation(ctx, talksID, strings.TrimSpace(nv.Obligation))
		if err == nil && o.AgreementID != agreementID {
			err = parley.Errorf(parley.ENOTFOUND, "obligation not found")
		}
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.Errorf(parley.EINVALID, "obligation %q is not an obligation of this agreement", nv.Obligation)
		}
		if err != nil {
			return err
		}
		phases, err := tx.Phases(ctx, talksID, agreementID)
		if err != nil {
			return err
		}
		p, err := phaseOf(phases, o.Phase)
		if err != nil {
			return err
		}
		v = &parley.Verification{ID: parley.NewID("v_"), TalksID: talksID, AgreementID: agreementID, ObligationID: o.ID, Outcome: nv.Outcome,
			Quantity: nv.Quantity, ObservedOn: nv.ObservedOn, Evidence: strings.TrimSpace(nv.Evidence), Verifier: strings.TrimSpace(nv.Verifier),
			AttributedBy: strings.TrimSpace(nv.AttributedBy), RecordedBy: actor.ID, RecordedAt: s.now()}
		if v.Verifier == "" {
			v.Verifier = sc.mine.Name
		}
		if v.ObservedOn == "" {
			v.ObservedOn = s.today()
		}
		if to := strings.TrimSpace(nv.AttributedTo); to != "" {
			d, err := sc.delegation(to)
			if err != nil {
				return parley.Errorf(parley.EINVALID, "attributed_to %q is not a delegation of these talks", to)
			}
			v.AttributedTo = d.ID
		}
		if err := v.Validate(o, p, s.today()); err != nil {
			return err
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventVerification, v)
		if err != nil {
			return err
		}
		v.EventSeq = e.Seq
		return tx.CreateVerification(ctx, v)
	})
	return v, err
}

// implementation is what the reads of an agreement's implementation load.
type implementation struct {
	phases   []parley.Phase
	obs      []parley.Obligation
	vs       []parley.Verification
	releases map[string][]parley.Date
}

// loadImplementation reads an agreement's implementation for a member.
func (s *Service) loadImplementation(ctx context.Context, actor *parley.User, talksID, agreementID string) (*implementation, error) {
	im := &implementation{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("agreement"); err != nil {
			return err
		}
		if _, err := tx.Agreement(ctx, talksID, agreementID); err != nil {
			return err
		}
		var err error
		if im.phases, err = tx.Phases(ctx, talksID, agreementID); err != nil {
			return err
		}
		if im.obs, err = tx.Obligations(ctx, talksID, agreementID); err != nil {
			return err
		}
		if im.vs, err = tx.Verifications(ctx, talksID, agreementID); err != nil {
			return err
		}
		im.releases, err = tx.ReleasesFor(ctx, talksID)
		return err
	})
	return im, err
}

// Phases lists an agreement's phases with their obligations; every member
// of the talks sees them.
func (s *Service) Phases(ctx context.Context, actor *parley.User, talksID, agreementID string) ([]PhaseView, error) {
	im, err := s.loadImplementation(ctx, actor, talksID, agreementID)
	if err != nil {
		return nil, err
	}
	out := []PhaseView{}
	for _, p := range im.phases {
		pv := PhaseView{Phase: p, Obligations: []parley.Obligation{}}
		for _, o := range im.obs {
			if o.PhaseID == p.ID {
				pv.Obligations = append(pv.Obligations, o)
			}
		}
		out = append(out, pv)
	}
	return out, nil
}

// Obligations lists an agreement's obligations where they stand on a day
// ("" for today).
func (s *Service) Obligations(ctx context.Context, actor *parley.User, talksID, agreementID string, asOf parley.Date) ([]parley.ObligationStatus, error) {
	c, err := s.Compliance(ctx, actor, talksID, agreementID, asOf)
	if err != nil {
		return nil, err
	}
	return c.Obligations, nil
}

// Obligation returns one obligation where it stands today, with its
// verifications.
func (s *Service) Obligation(ctx context.Context, actor *parley.User, talksID, agreementID, id string) (*ObligationView, error) {
	im, err := s.loadImplementation(ctx, actor, talksID, agreementID)
	if err != nil {
		return nil, err
	}
	for i := range im.obs {
		if o := &im.obs[i]; o.ID == id {
			v := &ObligationView{ObligationStatus: parley.Assess(o, im.vs, im.releases[o.ID], s.today()), Verifications: []parley.Verification{}}
			for _, x := range im.vs {
				if x.ObligationID == id {
					v.Verifications = append(v.Verifications, x)
				}
			}
			return v, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "obligation not found")
}

// Verifications lists an agreement's verifications, oldest first.
func (s *Service) Verifications(ctx context.Context, actor *parley.User, talksID, agreementID string) ([]parley.Verification, error) {
	im, err := s.loadImplementation(ctx, actor, talksID, agreementID)
	if err != nil {
		return nil, err
	}
	return im.vs, nil
}

// Compliance shows, per phase and delegation, what of an agreement is
// due, delivered, late and violated on a day ("" for today).
func (s *Service) Compliance(ctx context.Context, actor *parley.User, talksID, agreementID string, asOf parley.Date) (*parley.Compliance, error) {
	if err := parley.CheckDate("as_of", asOf, false); err != nil {
		return nil, err
	}
	if asOf == "" {
		asOf = s.today()
	}
	im, err := s.loadImplementation(ctx, actor, talksID, agreementID)
	if err != nil {
		return nil, err
	}
	c := parley.Comply(agreementID, im.phases, im.obs, im.vs, im.releases, asOf)
	return &c, nil
}
