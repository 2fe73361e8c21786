package talks

import (
	"context"
	"strings"

	"parley"
)

// CreateTalks opens a new negotiation track. Only operators (admin users)
// create talks; they then add delegations and seed their first members.
func (s *Service) CreateTalks(ctx context.Context, actor *parley.User, title string) (*View, error) {
	if !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can create talks")
	}
	if err := checkUnlimited(actor); err != nil {
		return nil, err
	}
	now := s.now()
	t := &parley.Talks{ID: parley.NewID("t_"), Title: strings.TrimSpace(title), Status: parley.TalksActive, StatusAt: now, StatusBy: actor.ID, CreatedAt: now, CreatedBy: actor.ID}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateTalks(ctx, t); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actor.ID, t.ID, "", parley.EventTalksCreated, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, actor, t.ID)
}

// NewDelegation describes a delegation to add.
type NewDelegation struct {
	Name string                `json:"name"`
	Slug string                `json:"slug"`
	Kind parley.DelegationKind `json:"kind"`
}

// checkAddDelegation is the rule for adding delegations: engaged mediators
// may, and administrators only while the talks are being set up, that is
// until a mediator delegation has a member. From then on the operator of the
// channel cannot change who takes part without a mediator.
func (sc *scope) checkAddDelegation() error {
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	if sc.isMediator() {
		return sc.mine.CheckEngaged()
	}
	if sc.user.Admin && sc.mine == nil {
		if sc.hasMediatorMember() {
			return parley.Errorf(parley.EFORBIDDEN, "the talks have mediators now; only a mediator can add a delegation")
		}
		return nil
	}
	return parley.Errorf(parley.EFORBIDDEN, "only a mediator can add a delegation")
}

// AddDelegation adds a party, mediator or observer to the talks.
func (s *Service) AddDelegation(ctx context.Context, actor *parley.User, talksID string, nd NewDelegation) (*parley.Delegation, error) {
	nd.Name = strings.TrimSpace(nd.Name)
	if nd.Slug == "" {
		nd.Slug = parley.Slugify(nd.Name)
	}
	d := &parley.Delegation{ID: parley.NewID("d_"), TalksID: talksID, Slug: nd.Slug, Name: nd.Name, Kind: nd.Kind, Presence: parley.PresenceEngaged, PresenceBy: actor.ID}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkAddDelegation(); err != nil {
			return err
		}
		d.PresenceAt = s.now()
		if err := tx.CreateDelegation(ctx, d); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventDelegationAdded, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// NewMember describes a user to place in a delegation.
type NewMember struct {
	User  string            `json:"user"` // login name or id
	Role  parley.MemberRole `json:"role"`
	Title string            `json:"title"`
}

// checkAddMember is the membership rule. An administrator only seeds the
// first member of an empty delegation, and only while the talks are being
// set up (no mediator delegation has a member yet): after that the
// operator of the channel cannot seat an account of its own in it. Engaged
// mediators add members to mediator delegations, and the first member of an
// empty party or observer delegation; later members of a party or observer
// delegation are added by its own head, so that nobody else can speak in a
// party's name. Every change is an event all members see. (Nobody adds
// themselves: see AddMember.)
func (sc *scope) checkAddMember(d *parley.Delegation) error {
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	if d.Presence == parley.PresenceRemoved {
		return parley.Errorf(parley.ECONFLICT, "%s was removed from the talks", d.Name)
	}
	empty := len(sc.membersOf(d.ID)) == 0
	switch {
	case sc.mine != nil && sc.mine.ID == d.ID && sc.role == parley.RoleHead:
		return sc.mine.CheckEngaged()
	case sc.isMediator() && (d.Kind == parley.KindMediator || empty):
		return sc.mine.CheckEngaged()
	case sc.user.Admin && sc.mine == nil && empty && !sc.hasMediatorMember():
		return nil
	case sc.user.Admin && sc.mine == nil && empty:
		return parley.Errorf(parley.EFORBIDDEN, "the talks have mediators now; a mediator seats the first member of %s", d.Name)
	case sc.user.Admin && sc.mine == nil:
		return parley.Errorf(parley.EFORBIDDEN, "an administrator only seeds the first member of an empty delegation; %s has members, who add their own", d.Name)
	case d.Kind == parley.KindMediator:
		return parley.Errorf(parley.EFORBIDDEN, "only a mediator can add members to %s", d.Name)
	default:
		return parley.Errorf(parley.EFORBIDDEN, "only the head of %s can add its members", d.Name)
	}
}

// AddMember places an existing user in a delegation. A user belongs to at
// most one delegation per talks.
func (s *Service) AddMember(ctx context.Context, actor *parley.User, talksID, delegation string, nm NewMember) (*parley.Member, error) {
	if nm.Role == "" {
		nm.Role = parley.RoleNegotiator
	}
	m := &parley.Member{Role: nm.Role, Title: strings.TrimSpace(nm.Title)}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nm.User) == "" {
		return nil, parley.Errorf(parley.EINVALID, "user is required")
	}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		d, err := sc.delegation(delegation)
		if err != nil {
			return err
		}
		// The right to add comes first, so that nobody without it learns
		// which login names exist.
		if err := sc.checkAddMember(d); err != nil {
			return err
		}
		u, err := tx.UserByName(ctx, nm.User)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			u, err = tx.UserByID(ctx, nm.User)
		}
		if err != nil {
			return err
		}
		if u.ID == actor.ID {
			return parley.Errorf(parley.EFORBIDDEN, "nobody can add themselves to a delegation")
		}
		for _, x := range sc.members {
			if x.UserID == u.ID {
				return parley.Errorf(parley.ECONFLICT, "%s is already in a delegation of these talks", u.Name)
			}
		}
		m.DelegationID, m.UserID, m.UserName, m.DisplayName = d.ID, u.ID, u.Name, u.DisplayName
		if err := tx.AddMember(ctx, m); err != nil {
			return err
		}
		_, err = s.emit(ctx, tx, actor.ID, talksID, "", parley.EventMemberAdded, m)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// StatusAction names a change to the talks' status.
type StatusAction string

// Status actions and the transitions they make.
const (
	ActionSuspend  StatusAction = "suspend"  // active → suspended
	ActionResume   StatusAction = "resume"   // suspended → active
	ActionConclude StatusAction = "conclude" // active → concluded
	ActionCollapse StatusAction = "collapse" // active|suspended → collapsed
)

var statusTransitions = map[StatusAction]struct {
	from []parley.TalksStatus
	to   parley.TalksStatus
	why  bool // reason required
}{
	ActionSuspend:  {[]parley.TalksStatus{parley.TalksActive}, parley.TalksSuspended, true},
	ActionResume:   {[]parley.TalksStatus{parley.TalksSuspended}, parley.TalksActive, false},
	ActionConclude: {[]parley.TalksStatus{parley.TalksActive}, parley.TalksConcluded, false},
	ActionCollapse: {[]parley.TalksStatus{parley.TalksActive, parley.TalksSuspended}, parley.TalksCollapsed, true},
}

// checkReason trims and validates a reason, required when why is set.
func checkReason(reason string, why bool, verb string) (string, error) {
	reason = strings.TrimSpace(reason)
	if why && reason == "" {
		return "", parley.Errorf(parley.EINVALID, "a reason is required to %s", verb)
	}
	return reason, parley.CheckOptional("reason", reason, parley.MaxReasonBytes)
}

// SetStatus changes the talks' status; only an engaged mediator may.
func (s *Service) SetStatus(ctx context.Context, actor *parley.User, talksID string, action StatusAction, reason string) (*View, error) {
	tr, ok := statusTransitions[action]
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "action must be suspend, resume, conclude or collapse, not %q", action)
	}
	reason, err := checkReason(reason, tr.why, string(action)+" the talks")
	if err != nil {
		return nil, err
	}
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMediator(string(action) + " the talks"); err != nil {
			return err
		}
		t := sc.talks
		allowed := false
		for _, f := range tr.from {
			allowed = allowed || t.Status == f
		}
		if !allowed {
			return parley.Errorf(parley.ECONFLICT, "cannot %s talks that are %s", action, t.Status)
		}
		t.Status, t.StatusReason, t.StatusBy, t.StatusAt = tr.to, reason, actor.ID, s.now()
		if t.Terminal() {
			t.PlenaryOpen = false
		}
		if err := tx.UpdateTalks(ctx, t); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventTalksStatus, parley.StatusChanged{Status: t.Status, Action: string(action), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, actor, talksID)
}

// PresenceAction names a change to a delegation's presence.
type PresenceAction string

// Presence actions: parties withdraw and re-engage; mediators suspend and
// resume their mediation.
const (
	ActionWithdraw  PresenceAction = "withdraw"
	ActionReengage  PresenceAction = "re-engage"
	ActionSuspendMe PresenceAction = "suspend"
	ActionResumeMe  PresenceAction = "resume"
)

var presenceTransitions = map[PresenceAction]struct {
	kind     parley.DelegationKind
	from, to parley.Presence
	why      bool
	verb     string
}{
	ActionWithdraw:  {parley.KindParty, parley.PresenceEngaged, parley.PresenceWithdrawn, true, "withdraw from the talks"},
	ActionReengage:  {parley.KindParty, parley.PresenceWithdrawn, parley.PresenceEngaged, false, "re-engage in the talks"},
	ActionSuspendMe: {parley.KindMediator, parley.PresenceEngaged, parley.PresenceSuspended, true, "suspend mediation"},
	ActionResumeMe:  {parley.KindMediator, parley.PresenceSuspended, parley.PresenceEngaged, false, "resume mediation"},
}

// ChangePresence withdraws or re-engages a party, or suspends or resumes a
// mediator. A delegation changes only its own presence.
func (s *Service) ChangePresence(ctx context.Context, actor *parley.User, talksID, delegation string, action PresenceAction, reason string) (*parley.Delegation, error) {
	tr, ok := presenceTransitions[action]
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "action must be withdraw, re-engage, suspend or resume, not %q", action)
	}
	reason, err := checkReason(reason, tr.why, tr.verb)
	if err != nil {
		return nil, err
	}
	var d *parley.Delegation
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.talks.CheckTerminal(); err != nil {
			return err
		}
		var err error
		if d, err = sc.delegation(delegation); err != nil {
			return err
		}
		if sc.kind() != tr.kind {
			return parley.Errorf(parley.ECONFLICT, "only a %s can %s", tr.kind, tr.verb)
		}
		if d.Kind != tr.kind {
			return parley.Errorf(parley.ECONFLICT, "%s is a %s and cannot %s", d.Name, d.Kind, tr.verb)
		}
		if sc.mine.ID != d.ID {
			return parley.Errorf(parley.EFORBIDDEN, "only members of %s can %s for it", d.Name, tr.verb)
		}
		if d.Presence != tr.from {
			return parley.Errorf(parley.ECONFLICT, "%s is %s; cannot %s", d.Name, d.Presence, tr.verb)
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventPresenceChanged, parley.PresenceChanged{
			Delegation: d.ID, Presence: tr.to, Action: string(action), Reason: reason, Previous: d.PresenceSeq})
		if err != nil {
			return err
		}
		d.Presence, d.PresenceReason, d.PresenceBy, d.PresenceAt, d.PresenceSeq = tr.to, reason, actor.ID, e.Time, e.Seq
		return tx.UpdateDelegation(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// SetPlenary opens or closes the plenary room; only an engaged mediator may.
func (s *Service) SetPlenary(ctx context.Context, actor *parley.User, talksID string, open bool) (*View, error) {
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if !sc.isMediator() {
			if err := sc.checkRead(parley.RoomPlenary); err != nil {
				return err
			}
		}
		if err := sc.checkMediator("open or close the plenary"); err != nil {
			return err
		}
		t := sc.talks
		if t.PlenaryOpen == open {
			state := map[bool]string{true: "open", false: "closed"}[open]
			return parley.Errorf(parley.ECONFLICT, "the plenary is already %s", state)
		}
		t.PlenaryOpen = open
		if err := tx.UpdateTalks(ctx, t); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actor.ID, talksID, parley.RoomPlenary, parley.EventPlenaryChanged, parley.PlenaryChanged{Open: open})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, actor, talksID)
}
