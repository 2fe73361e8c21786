package talks

import (
	"context"
	"strings"

	"parley"
)

// maxReason bounds reasons and titles.
const maxReason = 2000

// CreateTalks opens a new negotiation track. Only operators (admin users)
// create talks; they then add delegations and members.
func (s *Service) CreateTalks(ctx context.Context, actor *parley.User, title string) (*parley.Talks, error) {
	if !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can create talks")
	}
	title = strings.TrimSpace(title)
	if err := parley.CheckText("title", title, 200); err != nil {
		return nil, err
	}
	now := s.now()
	t := &parley.Talks{ID: parley.NewID("t_"), Title: title, Status: parley.TalksActive, StatusAt: now, StatusBy: actor.ID, CreatedAt: now, CreatedBy: actor.ID}
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
	return t, nil
}

// checkManage allows administrators and engaged mediators to change who
// takes part in the talks.
func (sc *scope) checkManage() error {
	if sc.talks.Terminal() {
		return parley.Errorf(parley.ECONFLICT, "the talks are %s", sc.talks.Status)
	}
	if sc.isMediator() && sc.mine.Presence != parley.PresenceEngaged && !sc.user.Admin {
		return parley.Errorf(parley.ECONFLICT, "%s has suspended its mediation; resume it first", sc.mine.Name)
	}
	if sc.user.Admin || sc.isMediator() {
		return nil
	}
	return parley.Errorf(parley.EFORBIDDEN, "only a mediator or an administrator can change who takes part")
}

// NewDelegation describes a delegation to add.
type NewDelegation struct {
	Name string                `json:"name"`
	Slug string                `json:"slug"`
	Kind parley.DelegationKind `json:"kind"`
}

// AddDelegation adds a party, mediator or observer to the talks.
func (s *Service) AddDelegation(ctx context.Context, actor *parley.User, talksID string, nd NewDelegation) (*parley.Delegation, error) {
	nd.Name = strings.TrimSpace(nd.Name)
	if err := parley.CheckText("name", nd.Name, 200); err != nil {
		return nil, err
	}
	if !nd.Kind.Valid() {
		return nil, parley.Errorf(parley.EINVALID, "kind must be party, mediator or observer, not %q", nd.Kind)
	}
	if nd.Slug == "" {
		nd.Slug = parley.Slugify(nd.Name)
	}
	if !parley.ValidSlug(nd.Slug) {
		return nil, parley.Errorf(parley.EINVALID, "slug %q must be 1-40 lowercase letters, digits or dashes", nd.Slug)
	}
	var d *parley.Delegation
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkManage(); err != nil {
			return err
		}
		now := s.now()
		d = &parley.Delegation{ID: parley.NewID("d_"), TalksID: talksID, Slug: nd.Slug, Name: nd.Name, Kind: nd.Kind, Presence: parley.PresenceEngaged, PresenceAt: now, PresenceBy: actor.ID}
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

// AddMember places an existing user in a delegation. A user belongs to at
// most one delegation per talks.
func (s *Service) AddMember(ctx context.Context, actor *parley.User, talksID, delegation string, nm NewMember) (*parley.Member, error) {
	if nm.Role == "" {
		nm.Role = parley.RoleNegotiator
	}
	if !nm.Role.Valid() {
		return nil, parley.Errorf(parley.EINVALID, "role must be head, negotiator or staff, not %q", nm.Role)
	}
	if len(nm.Title) > 200 {
		return nil, parley.Errorf(parley.ETOOLARGE, "title is over 200 bytes")
	}
	if strings.TrimSpace(nm.User) == "" {
		return nil, parley.Errorf(parley.EINVALID, "user is required")
	}
	var m *parley.Member
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkManage(); err != nil {
			return err
		}
		d, err := sc.delegation(delegation)
		if err != nil {
			return err
		}
		u, err := tx.UserByName(ctx, nm.User)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			u, err = tx.UserByID(ctx, nm.User)
		}
		if err != nil {
			return err
		}
		ms, err := tx.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, x := range ms {
			if x.TalksID == talksID {
				return parley.Errorf(parley.ECONFLICT, "%s is already in a delegation of these talks", u.Name)
			}
		}
		m = &parley.Member{DelegationID: d.ID, UserID: u.ID, UserName: u.Name, DisplayName: u.DisplayName, Role: nm.Role, Title: nm.Title}
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

// SetStatus changes the talks' status; only an engaged mediator may.
func (s *Service) SetStatus(ctx context.Context, actor *parley.User, talksID string, action StatusAction, reason string) (*parley.Talks, error) {
	tr, ok := statusTransitions[action]
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "action must be suspend, resume, conclude or collapse, not %q", action)
	}
	reason = strings.TrimSpace(reason)
	if tr.why && reason == "" {
		return nil, parley.Errorf(parley.EINVALID, "a reason is required to %s the talks", action)
	}
	if len(reason) > maxReason {
		return nil, parley.Errorf(parley.ETOOLARGE, "reason is over %d bytes", maxReason)
	}
	var t *parley.Talks
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if !sc.isMediator() {
			return parley.Errorf(parley.EFORBIDDEN, "only a mediator can %s the talks", action)
		}
		if sc.mine.Presence != parley.PresenceEngaged {
			return parley.Errorf(parley.ECONFLICT, "%s has suspended its mediation; resume it first", sc.mine.Name)
		}
		t = sc.talks
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
		_, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventTalksStatus, map[string]any{"status": t.Status, "action": action, "reason": reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
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
	reason = strings.TrimSpace(reason)
	if tr.why && reason == "" {
		return nil, parley.Errorf(parley.EINVALID, "a reason is required to %s", tr.verb)
	}
	if len(reason) > maxReason {
		return nil, parley.Errorf(parley.ETOOLARGE, "reason is over %d bytes", maxReason)
	}
	var d *parley.Delegation
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if sc.talks.Terminal() {
			return parley.Errorf(parley.ECONFLICT, "the talks are %s", sc.talks.Status)
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
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventPresenceChanged, map[string]any{"delegation": d.ID, "presence": tr.to, "action": action, "reason": reason})
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
func (s *Service) SetPlenary(ctx context.Context, actor *parley.User, talksID string, open bool) (*parley.Talks, error) {
	var t *parley.Talks
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if !sc.isMediator() {
			if sc.mine == nil || !sc.canRead(parley.RoomPlenary) {
				return parley.Errorf(parley.ENOTFOUND, "room not found")
			}
			return parley.Errorf(parley.EFORBIDDEN, "only a mediator can open or close the plenary")
		}
		if sc.talks.Terminal() {
			return parley.Errorf(parley.ECONFLICT, "the talks are %s", sc.talks.Status)
		}
		if sc.mine.Presence != parley.PresenceEngaged {
			return parley.Errorf(parley.ECONFLICT, "%s has suspended its mediation; resume it first", sc.mine.Name)
		}
		t = sc.talks
		if t.PlenaryOpen == open {
			state := map[bool]string{true: "open", false: "closed"}[open]
			return parley.Errorf(parley.ECONFLICT, "the plenary is already %s", state)
		}
		t.PlenaryOpen = open
		if err := tx.UpdateTalks(ctx, t); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actor.ID, talksID, parley.RoomPlenary, parley.EventPlenaryChanged, map[string]bool{"open": open})
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
