package talks

import (
	"context"
	"slices"
	"strings"

	"parley"
)

// NewCaptiveStatus is a status to record for a captive.
type NewCaptiveStatus struct {
	Status     parley.CaptiveStatus `json:"status"`
	Confidence parley.Confidence    `json:"confidence"`
	Source     string               `json:"source"`
	// Date is the date of the information; today when omitted.
	Date parley.Date `json:"date"`
	// Since is the day of release or death.
	Since parley.Date `json:"since"`
	// Obligation links a release to the obligation that required it.
	Obligation string `json:"obligation"`
}

// NewCaptive is a captive to record, with the first status.
type NewCaptive struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
	// Holder is the slug or id of the party holding the person.
	Holder            string               `json:"holder"`
	Nationalities     []string             `json:"nationalities"`
	CapturedOn        parley.Date          `json:"captured_on"`
	CapturedPrecision parley.DatePrecision `json:"captured_precision"`
	CapturedPlace     string               `json:"captured_place"`
	Categories        []string             `json:"categories"`
	Status            NewCaptiveStatus     `json:"status"`
}

// Aggregates are the registry's figures as a member sees them, and whether
// that member may also read the individual records.
type Aggregates struct {
	parley.CaptiveAggregates
	Records bool `json:"records"`
}

// today is the service clock's day.
func (s *Service) today() parley.Date { return parley.DateOf(s.now()) }

// checkRegistrar is the rule for keeping the registry: engaged mediators
// record captives and their status, and set who reads the records.
func (sc *scope) checkRegistrar() error { return sc.checkMediator("keep the captives registry") }

// newCaptive builds and validates a captive from nc, resolving its holder;
// refs already used are checked by the store.
func (s *Service) newCaptive(sc *scope, actor *parley.User, nc NewCaptive) (*parley.Captive, error) {
	c := &parley.Captive{ID: parley.NewID("c_"), TalksID: sc.talks.ID, Ref: strings.TrimSpace(nc.Ref), Name: strings.TrimSpace(nc.Name),
		Nationalities: append([]string{}, nc.Nationalities...), CapturedOn: nc.CapturedOn, CapturedPrecision: nc.CapturedPrecision,
		CapturedPlace: strings.TrimSpace(nc.CapturedPlace), Categories: append([]string{}, nc.Categories...),
		RecordedBy: actor.ID, RecordedAt: s.now(), History: []parley.CaptiveStatusChange{}}
	c.Holder = strings.TrimSpace(nc.Holder)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d, err := sc.delegation(c.Holder)
	if err != nil || d.Kind != parley.KindParty {
		return nil, parley.Errorf(parley.EINVALID, "holder %q is not a party of these talks", c.Holder)
	}
	c.Holder = d.ID
	if nc.Status.Obligation != "" {
		return nil, parley.Errorf(parley.EINVALID, "link a release to an obligation with a status change, not when recording the captive")
	}
	st, err := s.newStatus(c, actor, nc.Status)
	if err != nil {
		return nil, err
	}
	c.History = append(c.History, *st)
	c.Status = *st
	return c, nil
}

// newStatus builds and checks the next status of c.
func (s *Service) newStatus(c *parley.Captive, actor *parley.User, ns NewCaptiveStatus) (*parley.CaptiveStatusChange, error) {
	st := &parley.CaptiveStatusChange{N: len(c.History) + 1, Status: ns.Status, Confidence: ns.Confidence, Source: strings.TrimSpace(ns.Source),
		Date: ns.Date, Since: ns.Since, Obligation: strings.TrimSpace(ns.Obligation), RecordedBy: actor.ID, RecordedAt: s.now()}
	if st.Date == "" {
		st.Date = s.today()
	}
	if err := c.CheckStatus(st, s.today()); err != nil {
		return nil, err
	}
	return st, nil
}

// createCaptive appends c's event in the registry pseudo-room and stores it.
func (s *Service) createCaptive(ctx context.Context, tx parley.Tx, actor *parley.User, c *parley.Captive) error {
	e, err := s.emit(ctx, tx, actor.ID, c.TalksID, parley.RoomRegistry, parley.EventCaptiveRecorded, c)
	if err != nil {
		return err
	}
	c.EventSeq = e.Seq
	for i := range c.History {
		c.History[i].EventSeq = e.Seq
	}
	c.Status = c.History[len(c.History)-1]
	return tx.CreateCaptive(ctx, c)
}

// RecordCaptive adds a person held to the registry.
func (s *Service) RecordCaptive(ctx context.Context, actor *parley.User, talksID string, nc NewCaptive) (*parley.Captive, error) {
	var c *parley.Captive
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRegistrar(); err != nil {
			return err
		}
		var err error
		if c, err = s.newCaptive(sc, actor, nc); err != nil {
			return err
		}
		return s.createCaptive(ctx, tx, actor, c)
	})
	if err != nil {
		return nil, err
	}
	s.derive(c)
	return c, nil
}

// checkReleaseLink checks that a release may count towards the obligation
// it names: a release of captives by the holder, of the category asked,
// in or after the obligation's phase, and not beyond the quantity due.
func checkReleaseLink(ctx context.Context, tx parley.Tx, c *parley.Captive, st *parley.CaptiveStatusChange) error {
	o, err := tx.Obligation(ctx, c.TalksID, st.Obligation)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.Errorf(parley.EINVALID, "obligation %q is not an obligation of these talks", st.Obligation)
	}
	if err != nil {
		return err
	}
	switch {
	case o.Kind != parley.ReleaseCaptives:
		return parley.Errorf(parley.EINVALID, "the obligation is a %s, not a release of captives", o.Kind)
	case o.Delegation != c.Holder:
		return parley.Errorf(parley.EINVALID, "the obligation binds another delegation than the holder of %s", c.Ref)
	case o.Category != "" && !slices.Contains(c.Categories, o.Category):
		return parley.Errorf(parley.EINVALID, "the obligation is to release captives of category %s, which %s is not", o.Category, c.Ref)
	}
	phases, err := tx.Phases(ctx, c.TalksID, o.AgreementID)
	if err != nil {
		return err
	}
	for _, p := range phases {
		if p.ID == o.PhaseID && st.Since < p.StartsOn {
			return parley.Errorf(parley.EINVALID, "the release on %s is before phase %d started on %s", st.Since, p.Number, p.StartsOn)
		}
	}
	if o.Quantity > 0 {
		rs, err := tx.ReleasesFor(ctx, c.TalksID)
		if err != nil {
			return err
		}
		if len(rs[o.ID]) >= o.Quantity {
			return parley.Errorf(parley.ECONFLICT, "the obligation's %d releases are all linked already", o.Quantity)
		}
	}
	return nil
}

// ChangeCaptiveStatus records a new status of a captive, optionally linking
// a release to the obligation that required it.
func (s *Service) ChangeCaptiveStatus(ctx context.Context, actor *parley.User, talksID, ref string, ns NewCaptiveStatus) (*parley.Captive, error) {
	var c *parley.Captive
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRegistrar(); err != nil {
			return err
		}
		var err error
		if c, err = tx.Captive(ctx, talksID, ref); err != nil {
			return err
		}
		st, err := s.newStatus(c, actor, ns)
		if err != nil {
			return err
		}
		if st.Obligation != "" {
			if err := checkReleaseLink(ctx, tx, c, st); err != nil {
				return err
			}
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, parley.RoomRegistry, parley.EventCaptiveStatus, parley.CaptiveStatusChanged{Captive: c.ID, Ref: c.Ref, CaptiveStatusChange: *st})
		if err != nil {
			return err
		}
		st.EventSeq = e.Seq
		if err := tx.AddCaptiveStatus(ctx, c.ID, st); err != nil {
			return err
		}
		c.History = append(c.History, *st)
		c.Status = *c.Latest()
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.derive(c)
	return c, nil
}

// derive fills in what is derived from a captive's record for today.
func (s *Service) derive(c *parley.Captive) {
	c.DaysInCaptivity = nil
	if days, ok := c.DaysOn(s.today()); ok {
		c.DaysInCaptivity = &days
	}
}

// Captives lists the registry's individual records, to those who may read
// them; to anyone else they do not exist.
func (s *Service) Captives(ctx context.Context, actor *parley.User, talksID string) ([]parley.Captive, error) {
	var out []parley.Captive
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRecords(); err != nil {
			return err
		}
		var err error
		out, err = tx.Captives(ctx, talksID)
		return err
	})
	for i := range out {
		s.derive(&out[i])
	}
	return out, err
}

// Captive returns one captive's record with its history.
func (s *Service) Captive(ctx context.Context, actor *parley.User, talksID, ref string) (*parley.Captive, error) {
	var c *parley.Captive
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRecords(); err != nil {
			return err
		}
		var err error
		c, err = tx.Captive(ctx, talksID, ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.derive(c)
	return c, nil
}

// CaptiveAggregates computes the registry's figures on a day ("" for
// today); every member of the talks sees them.
func (s *Service) CaptiveAggregates(ctx context.Context, actor *parley.User, talksID string, asOf parley.Date) (*Aggregates, error) {
	if err := parley.CheckDate("as_of", asOf, false); err != nil {
		return nil, err
	}
	if asOf == "" {
		asOf = s.today()
	}
	var a *Aggregates
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("talks"); err != nil {
			return err
		}
		cs, err := tx.Captives(ctx, talksID)
		if err != nil {
			return err
		}
		a = &Aggregates{CaptiveAggregates: parley.TallyCaptives(cs, asOf), Records: sc.canReadRecords()}
		return nil
	})
	return a, err
}

// AccessView is one delegation's record access as members see it.
type AccessView struct {
	Delegation string                `json:"delegation"`
	Slug       string                `json:"slug"`
	Kind       parley.DelegationKind `json:"kind"`
	// Records says whether the delegation reads individual records;
	// otherwise it sees the aggregates only.
	Records bool `json:"records"`
}

// accessViews lists every delegation's record access.
func (sc *scope) accessViews() []AccessView {
	out := []AccessView{}
	for i := range sc.delegations {
		d := &sc.delegations[i]
		out = append(out, AccessView{Delegation: d.ID, Slug: d.Slug, Kind: d.Kind, Records: sc.readsRecords(d)})
	}
	return out
}

// RecordAccess lists which delegations read individual captive records;
// every member may know it.
func (s *Service) RecordAccess(ctx context.Context, actor *parley.User, talksID string) ([]AccessView, error) {
	var out []AccessView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("talks"); err != nil {
			return err
		}
		out = sc.accessViews()
		return nil
	})
	return out, err
}

// SetRecordAccess lets a party or observer delegation read individual
// captive records, or takes that away; only engaged mediators may, and
// mediators always read them.
func (s *Service) SetRecordAccess(ctx context.Context, actor *parley.User, talksID, delegation string, records bool) ([]AccessView, error) {
	var out []AccessView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRegistrar(); err != nil {
			return err
		}
		d, err := sc.delegation(delegation)
		if err != nil {
			return err
		}
		if d.Kind == parley.KindMediator {
			return parley.Errorf(parley.EINVALID, "mediators always read the captive records")
		}
		if sc.reg.records[d.ID] == records {
			state := map[bool]string{true: "reads", false: "does not read"}[records]
			return parley.Errorf(parley.ECONFLICT, "%s already %s the individual records", d.Name, state)
		}
		a := &parley.RecordAccess{TalksID: talksID, Delegation: d.ID, Records: records, SetBy: actor.ID, SetAt: s.now()}
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventRecordAccess, a)
		if err != nil {
			return err
		}
		a.EventSeq = e.Seq
		if err := tx.PutRecordAccess(ctx, a); err != nil {
			return err
		}
		sc.reg.records[d.ID] = records
		out = sc.accessViews()
		return nil
	})
	return out, err
}
