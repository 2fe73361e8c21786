package talks

import (
	"context"
	"slices"
	"time"

	"parley"
	"parley/settle"
)

// Reflection roles, as ReflectionView.Role reports them.
const (
	RoleRequester = "requester"
	RoleResponder = "responder"
)

// NewReflection asks the engine to reflect a proposal onto the frontier.
type NewReflection struct {
	Proposal string `json:"proposal"`
}

// ReflectionAnswer is another party's answer to a reflection.
type ReflectionAnswer struct {
	Accept *bool `json:"accept"`
}

// ReflectionView is a reflection as one involved party sees it; what each
// side learns at each step is in docs/settle.md ("Reflection").
type ReflectionView struct {
	ID        string                 `json:"id"`
	Role      string                 `json:"role"`
	State     parley.ReflectionState `json:"state"`
	CreatedAt time.Time              `json:"created_at"`
	UpdatedAt time.Time              `json:"updated_at"`
	// Proposal and Package are the reflected proposal: the requester's.
	Proposal string            `json:"proposal,omitempty"`
	Package  map[string]string `json:"package,omitempty"`
	// Offered is the package shown to a responder, at least as good for it
	// as the reflected proposal; Unavailable is set for a responder whose
	// party had no profile when the reflection was asked for.
	Offered     map[string]string `json:"offered,omitempty"`
	Unavailable bool              `json:"unavailable,omitempty"`
	// Answer is the responder's own answer: accepted, declined or "".
	Answer string `json:"answer,omitempty"`
	// Optimal is the package revealed to every involved party once all
	// accepted.
	Optimal map[string]string `json:"optimal,omitempty"`
	// Score is the reader's own utility (by its own profile) of the
	// package it was shown (Package or Offered), OptimalScore of Optimal.
	Score        *float64 `json:"score,omitempty"`
	OptimalScore *float64 `json:"optimal_score,omitempty"`
}

// involved reports the reader's role in r, "" for none.
func involved(sc *scope, r *parley.Reflection) string {
	switch {
	case sc.kind() != parley.KindParty:
		return ""
	case r.Requester == sc.mine.ID:
		return RoleRequester
	}
	return RoleResponder
}

// reflectionView shows r as the reader's party may see it.
func reflectionView(r *parley.Reflection, role string, sc *scope, d *settle.Domain, own *partyProfile) ReflectionView {
	v := ReflectionView{ID: r.ID, Role: role, State: r.State, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	score := func(bid map[string]string) *float64 {
		if own == nil || d == nil || bid == nil {
			return nil
		}
		pkg, err := d.Package(bid)
		if err != nil {
			return nil
		}
		u := own.score(pkg)
		return &u
	}
	if role == RoleRequester {
		v.Proposal, v.Package, v.Score = r.Proposal, r.Package, score(r.Package)
	} else {
		v.Offered, v.Unavailable, v.Score = r.Offered, r.Offered == nil, score(r.Offered)
		for _, a := range r.Answers {
			if a.Delegation == sc.mine.ID {
				v.Answer = map[bool]string{true: "accepted", false: "declined"}[a.Accept]
			}
		}
	}
	if r.State == parley.ReflectionRevealed {
		v.Optimal, v.OptimalScore = r.Optimal, score(r.Optimal)
	}
	return v
}

// reflectionsOf returns the reflections the reader's party is involved in.
func reflectionsOf(ctx context.Context, tx parley.Tx, sc *scope) ([]parley.Reflection, error) {
	if sc.kind() != parley.KindParty {
		return nil, parley.Errorf(parley.ENOTFOUND, "reflections not found")
	}
	all, err := tx.Reflections(ctx, sc.talks.ID)
	if err != nil {
		return nil, err
	}
	// Every other party answers a reflection; so a party is involved in
	// every reflection of its talks.
	return all, nil
}

// Reflections lists the reflections the actor's party is involved in,
// newest first.
func (s *Service) Reflections(ctx context.Context, actor *parley.User, talksID string) ([]ReflectionView, error) {
	out := []ReflectionView{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		rs, err := reflectionsOf(ctx, tx, sc)
		if err != nil {
			return err
		}
		d, own, err := reflectionScoring(ctx, tx, sc)
		if err != nil {
			return err
		}
		for i := range rs {
			out = append(out, reflectionView(&rs[i], involved(sc, &rs[i]), sc, d, own))
		}
		return nil
	})
	return out, err
}

// Reflection returns one reflection the actor's party is involved in.
func (s *Service) Reflection(ctx context.Context, actor *parley.User, talksID, id string) (*ReflectionView, error) {
	var v *ReflectionView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		r, err := findReflection(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		d, own, err := reflectionScoring(ctx, tx, sc)
		if err != nil {
			return err
		}
		rv := reflectionView(r, involved(sc, r), sc, d, own)
		v = &rv
		return nil
	})
	return v, err
}

// findReflection returns reflection id if the reader's party is in it.
func findReflection(ctx context.Context, tx parley.Tx, sc *scope, id string) (*parley.Reflection, error) {
	rs, err := reflectionsOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i], nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "reflection not found")
}

// reflectionScoring returns the domain and the reader's own profile.
func reflectionScoring(ctx context.Context, tx parley.Tx, sc *scope) (*settle.Domain, *partyProfile, error) {
	d, _, err := loadDomain(ctx, tx, sc)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	own, err := ownProfile(ctx, tx, sc, d)
	return d, own, err
}

// checkReflect is the rule for taking part in reflections: an engaged
// party of live talks.
func (sc *scope) checkReflect() error {
	if sc.kind() != parley.KindParty {
		return parley.Errorf(parley.ENOTFOUND, "reflections not found")
	}
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	if d := sc.mine; d.Presence == parley.PresenceWithdrawn {
		return parley.Errorf(parley.ECONFLICT, "%s has withdrawn from the talks; re-engage first", d.Name)
	}
	return nil
}

// reflect computes the packages of a reflection of pkg requested by the
// first profile: Offered (Q), the improvement over pkg best for the
// requester, which is the one worst for the others (each still at least
// as well off as with pkg), and Optimal (O), the Nash point of the gains
// over pkg among the improvements that leave every other party at least
// as well off as Q. When pkg is already Pareto optimal, both are pkg.
func reflect(ctx context.Context, d *settle.Domain, profiles []*settle.Profile, pkg settle.Package) (offered, optimal settle.Package, err error) {
	sp, err := settle.New(d, profiles...)
	if err != nil {
		return nil, nil, err
	}
	f, err := sp.Pareto(ctx)
	if err != nil {
		return nil, nil, settleErr(err)
	}
	im, err := sp.Improve(f, pkg)
	if err != nil {
		return nil, nil, err
	}
	if im.Optimal() {
		return pkg, pkg, nil
	}
	base := im.Base.Utilities
	sumOthers := func(u []float64) float64 {
		s := 0.0
		for _, x := range u[1:] {
			s += x
		}
		return s
	}
	q := im.Improvements[0]
	for _, o := range im.Improvements[1:] {
		if o.Utilities[0] > q.Utilities[0] || o.Utilities[0] == q.Utilities[0] && sumOthers(o.Utilities) > sumOthers(q.Utilities) {
			q = o
		}
	}
	var best *settle.Outcome
	var bestProd, bestMin float64
	for i := range im.Improvements {
		o := &im.Improvements[i]
		ok := true
		for p := 1; p < len(o.Utilities); p++ {
			ok = ok && o.Utilities[p] >= q.Utilities[p]
		}
		if !ok {
			continue
		}
		prod, mn := 1.0, 2.0
		for p, x := range o.Utilities {
			prod *= x - base[p]
			mn = min(mn, x-base[p])
		}
		if best == nil || prod > bestProd || prod == bestProd && mn > bestMin {
			best, bestProd, bestMin = o, prod, mn
		}
	}
	return q.Package, best.Package, nil
}

// Reflect asks the engine to reflect a proposal the actor's party can see
// and accept (by its own profile, at least its reservation value) onto the
// Pareto frontier. The answer is the same whether or not the other parties
// have profiles: the requester learns nothing of them at this step.
func (s *Service) Reflect(ctx context.Context, actor *parley.User, talksID string, nr NewReflection) (*ReflectionView, error) {
	var v *ReflectionView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkReflect(); err != nil {
			return err
		}
		d, _, err := loadDomain(ctx, tx, sc)
		if err != nil {
			return err
		}
		ms, err := visibleProposals(ctx, tx, sc)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(m parley.Message) bool { return m.ID == nr.Proposal })
		if i < 0 {
			return parley.Errorf(parley.ENOTFOUND, "proposal not found")
		}
		pkg, err := checkPackage(d, ms[i].Proposal.Package)
		if err != nil {
			return err
		}
		own, err := ownProfile(ctx, tx, sc, d)
		if err != nil {
			return err
		}
		if own == nil {
			return parley.Errorf(parley.ECONFLICT, "a reflection needs your own profile, fitting the domain; add it first")
		}
		if u := own.score(pkg); u < own.profile.Reservation {
			return parley.Errorf(parley.ECONFLICT, "by your own profile this proposal is worth %.3f, below your reservation value %.3f: reflect only a proposal you can accept", u, own.profile.Reservation)
		}
		others := slices.DeleteFunc(sc.parties(), func(p parley.Delegation) bool { return p.ID == sc.mine.ID })
		if len(others) == 0 {
			return parley.Errorf(parley.ECONFLICT, "there is no other party to reflect a proposal to")
		}
		now := s.now()
		r := &parley.Reflection{ID: parley.NewID("r_"), TalksID: talksID, Requester: sc.mine.ID, RequestedBy: actor.ID, Proposal: ms[i].ID,
			Package: d.Bid(pkg), State: parley.ReflectionWaiting, CreatedAt: now, UpdatedAt: now, Answers: []parley.ReflectionAnswer{}}
		profiles := []*settle.Profile{own.profile}
		for _, o := range others {
			row, err := tx.Profile(ctx, talksID, o.ID)
			if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				return err
			}
			if p, _ := parseProfile(d, row); p != nil {
				profiles = append(profiles, p)
			}
		}
		if len(profiles) == len(others)+1 {
			q, o, err := reflect(ctx, d, profiles, pkg)
			if err != nil {
				return err
			}
			r.Offered, r.Optimal = d.Bid(q), d.Bid(o)
		}
		if err := tx.InsertReflection(ctx, r); err != nil {
			return err
		}
		if err := s.reflectionStep(ctx, tx, actor, sc.mine, r, "requested", parley.ReflectionStep{Proposal: r.Proposal, Package: r.Package}); err != nil {
			return err
		}
		for i := range others {
			if err := s.reflectionStep(ctx, tx, actor, &others[i], r, "offered", parley.ReflectionStep{Offered: r.Offered}); err != nil {
				return err
			}
		}
		rv := reflectionView(r, RoleRequester, sc, d, own)
		v = &rv
		return nil
	})
	return v, err
}

// reflectionStep records a step of r in party's private room.
func (s *Service) reflectionStep(ctx context.Context, tx parley.Tx, actor *parley.User, party *parley.Delegation, r *parley.Reflection, step string, data parley.ReflectionStep) error {
	data.Reflection, data.Step, data.State = r.ID, step, r.State
	_, err := s.emit(ctx, tx, actor.ID, r.TalksID, parley.PrivateRoom(party.Slug), parley.EventReflection, data)
	return err
}

// AnswerReflection records the actor's party's answer to a reflection it
// was shown. When every other party has accepted, the optimal package is
// revealed to all involved; one refusal declines it.
func (s *Service) AnswerReflection(ctx context.Context, actor *parley.User, talksID, id string, ra ReflectionAnswer) (*ReflectionView, error) {
	if ra.Accept == nil {
		return nil, parley.Errorf(parley.EINVALID, "accept (true or false) is required")
	}
	var v *ReflectionView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkReflect(); err != nil {
			return err
		}
		r, err := findReflection(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if involved(sc, r) != RoleResponder {
			return parley.Errorf(parley.EFORBIDDEN, "the other side answers a reflection, not the party that asked for it")
		}
		if r.State != parley.ReflectionWaiting {
			return parley.Errorf(parley.ECONFLICT, "the reflection is %s", r.State)
		}
		for _, a := range r.Answers {
			if a.Delegation == sc.mine.ID {
				return parley.Errorf(parley.ECONFLICT, "your delegation has answered already")
			}
		}
		if *ra.Accept && r.Offered == nil {
			return parley.Errorf(parley.ECONFLICT, "there is no package to accept: your delegation had no profile when the reflection was asked for; decline it and ask for a new one")
		}
		now := s.now()
		r.Answers = append(r.Answers, parley.ReflectionAnswer{Delegation: sc.mine.ID, Accept: *ra.Accept, AnsweredBy: actor.ID, AnsweredAt: now})
		r.UpdatedAt = now
		accepted := 0
		for _, a := range r.Answers {
			if a.Accept {
				accepted++
			}
		}
		parties := sc.parties()
		switch {
		case !*ra.Accept:
			r.State = parley.ReflectionDeclined
		case accepted == len(parties)-1:
			r.State = parley.ReflectionRevealed
		}
		if err := tx.UpdateReflection(ctx, r); err != nil {
			return err
		}
		if err := s.reflectionStep(ctx, tx, actor, sc.mine, r, "answered", parley.ReflectionStep{Accept: ra.Accept}); err != nil {
			return err
		}
		if r.State != parley.ReflectionWaiting {
			for i := range parties {
				data := parley.ReflectionStep{}
				if r.State == parley.ReflectionRevealed {
					data.Optimal = r.Optimal
				}
				if err := s.reflectionStep(ctx, tx, actor, &parties[i], r, string(r.State), data); err != nil {
					return err
				}
			}
		}
		d, own, err := reflectionScoring(ctx, tx, sc)
		if err != nil {
			return err
		}
		rv := reflectionView(r, RoleResponder, sc, d, own)
		v = &rv
		return nil
	})
	return v, err
}

// WithdrawReflection lets the requesting party withdraw a reflection no
// other party has answered yet.
func (s *Service) WithdrawReflection(ctx context.Context, actor *parley.User, talksID, id string) error {
	return s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if sc.kind() != parley.KindParty {
			return parley.Errorf(parley.ENOTFOUND, "reflections not found")
		}
		r, err := findReflection(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if involved(sc, r) != RoleRequester {
			return parley.Errorf(parley.EFORBIDDEN, "only the party that asked for a reflection withdraws it")
		}
		if r.State != parley.ReflectionWaiting {
			return parley.Errorf(parley.ECONFLICT, "the reflection is %s", r.State)
		}
		r.State, r.UpdatedAt = parley.ReflectionWithdrawn, s.now()
		if err := tx.UpdateReflection(ctx, r); err != nil {
			return err
		}
		parties := sc.parties()
		for i := range parties {
			if err := s.reflectionStep(ctx, tx, actor, &parties[i], r, "withdrawn", parley.ReflectionStep{}); err != nil {
				return err
			}
		}
		return nil
	})
}
