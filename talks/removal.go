package talks

import (
	"context"
	"encoding/json"
	"strings"

	"parley"
)

// checkWriteGrant refuses any change to an actor whose credential is
// read-only.
func checkWriteGrant(actor *parley.User) error {
	if actor != nil && actor.Grant.ReadOnly() {
		return parley.Errorf(parley.EFORBIDDEN, "this token is read-only")
	}
	return nil
}

// checkUnlimited refuses deployment-wide actions (creating talks or
// accounts, managing accounts) to a credential limited to one talks or to
// reading.
func checkUnlimited(actor *parley.User) error {
	if actor != nil && actor.Grant.Limited() {
		return parley.Errorf(parley.EFORBIDDEN, "this token is limited; use a session or an unlimited token")
	}
	return nil
}

// checkRemoveMember is the rule for taking a member out: the member
// itself (leaving), the head of its delegation, or, for a mediator or
// observer delegation, an engaged mediator. Nobody but a party's own
// people takes a party's member out, so that a mediator cannot empty a
// party's seat to fill it; a mediator removes a whole party with
// RemoveDelegation, which every member sees. An administrator takes
// members out only while the talks are being set up, as it seats them.
func (sc *scope) checkRemoveMember(d *parley.Delegation, userID string) error {
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	switch {
	case sc.user.ID == userID:
		return nil
	case sc.mine != nil && sc.mine.ID == d.ID && sc.role == parley.RoleHead:
		return nil
	case sc.isMediator() && d.Kind != parley.KindParty:
		return sc.mine.CheckEngaged()
	case sc.user.Admin && sc.mine == nil && !sc.hasMediatorMember():
		return nil
	case d.Kind == parley.KindParty:
		return parley.Errorf(parley.EFORBIDDEN, "only the head of %s can take its members out", d.Name)
	default:
		return parley.Errorf(parley.EFORBIDDEN, "only a mediator or the head of %s can take its members out", d.Name)
	}
}

// RemoveMember takes a user out of a delegation. From that moment they
// read no room of the talks; every session and token of theirs ends, and
// so do their open streams.
func (s *Service) RemoveMember(ctx context.Context, actor *parley.User, talksID, delegation, user, reason string) error {
	reason, err := checkReason(reason, false, "")
	if err != nil {
		return err
	}
	var removed string
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		d, err := sc.delegation(delegation)
		if err != nil {
			return err
		}
		var m *parley.Member
		ms := sc.membersOf(d.ID)
		for i := range ms {
			if ms[i].UserID == user || ms[i].UserName == user {
				m = &ms[i]
			}
		}
		if err := sc.checkRemoveMember(d, memberID(m)); err != nil {
			return err
		}
		if m == nil {
			return parley.Errorf(parley.ENOTFOUND, "member %q not found in %s", user, d.Name)
		}
		if err := removeMember(ctx, tx, d, m.UserID); err != nil {
			return err
		}
		removed = m.UserID
		_, err = s.emit(ctx, tx, actor.ID, talksID, "", parley.EventMemberRemoved, parley.MemberRemoved{Delegation: d.ID, User: m.UserID, UserName: m.UserName, Reason: reason})
		return err
	})
	if err != nil {
		return err
	}
	s.Hub.Revoke(removed, "")
	return nil
}

func memberID(m *parley.Member) string {
	if m == nil {
		return ""
	}
	return m.UserID
}

// removeMember takes the user out of d and ends every credential of
// theirs, in tx.
func removeMember(ctx context.Context, tx parley.Tx, d *parley.Delegation, userID string) error {
	if err := tx.RemoveMember(ctx, d.ID, userID); err != nil {
		return err
	}
	return tx.DeleteUserSessions(ctx, userID, "", nil)
}

// RemoveDelegation takes a whole delegation out of the talks: an engaged
// mediator may (an administrator only during set-up). Its members are
// taken out as by RemoveMember; the delegation stays, removed, so that
// its history keeps its name, and takes no new members.
func (s *Service) RemoveDelegation(ctx context.Context, actor *parley.User, talksID, delegation, reason string) (*parley.Delegation, error) {
	reason, err := checkReason(reason, true, "remove a delegation")
	if err != nil {
		return nil, err
	}
	var d *parley.Delegation
	var members []string
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkAddDelegation(); err != nil {
			return err
		}
		if d, err = sc.delegation(delegation); err != nil {
			return err
		}
		if d.Presence == parley.PresenceRemoved {
			return parley.Errorf(parley.ECONFLICT, "%s was removed already", d.Name)
		}
		if sc.mine != nil && sc.mine.ID == d.ID {
			return parley.Errorf(parley.EFORBIDDEN, "a delegation cannot remove itself; its members may leave")
		}
		members = []string{}
		for _, m := range sc.membersOf(d.ID) {
			if err := removeMember(ctx, tx, d, m.UserID); err != nil {
				return err
			}
			members = append(members, m.UserID)
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventDelegationRemoved, parley.DelegationRemoved{Delegation: d.ID, Members: members, Reason: reason})
		if err != nil {
			return err
		}
		d.Presence, d.PresenceReason, d.PresenceBy, d.PresenceAt, d.PresenceSeq = parley.PresenceRemoved, reason, actor.ID, e.Time, e.Seq
		return tx.UpdateDelegation(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	for _, u := range members {
		s.Hub.Revoke(u, "")
	}
	return d, nil
}

// SetDisabled disables (or enables again) an account: an administrator
// may, for any account but its own. Disabling ends every session, token
// and open stream of the account at once; it is recorded in the log as an
// account event, shown to nobody.
func (s *Service) SetDisabled(ctx context.Context, actor *parley.User, ref string, disabled bool) (*parley.User, error) {
	if actor != nil && !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can disable accounts")
	}
	if err := checkUnlimited(actor); err != nil {
		return nil, err
	}
	var u *parley.User
	err := s.update(ctx, func(tx parley.Tx) error {
		var err error
		if u, err = userByRef(ctx, tx, strings.TrimSpace(ref)); err != nil {
			return err
		}
		if actor != nil && u.ID == actor.ID {
			return parley.Errorf(parley.EFORBIDDEN, "an administrator cannot disable its own account")
		}
		if u.Disabled == disabled {
			return nil
		}
		u.Disabled = disabled
		if err := tx.SetUserDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		if disabled {
			if err := tx.DeleteUserSessions(ctx, u.ID, "", nil); err != nil {
				return err
			}
		}
		_, err = s.emit(ctx, tx, actorID(actor), "", "", parley.EventUserDisabled, parley.UserDisabled{ID: u.ID, Disabled: disabled})
		return err
	})
	if err != nil {
		return nil, err
	}
	if disabled {
		s.Hub.Revoke(u.ID, "")
	}
	return u, nil
}

// userByRef finds a user by login name or id.
func userByRef(ctx context.Context, tx parley.Tx, ref string) (*parley.User, error) {
	u, err := tx.UserByName(ctx, ref)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		u, err = tx.UserByID(ctx, ref)
	}
	return u, err
}

// cuts reports whether e takes away user's access: their removal from a
// delegation, their delegation's removal, or their account disabled.
func cuts(e *parley.Event, userID string) bool {
	switch e.Kind {
	case parley.EventMemberRemoved:
		var p parley.MemberRemoved
		return decodePayload(e, &p) && p.User == userID
	case parley.EventDelegationRemoved:
		var p parley.DelegationRemoved
		if !decodePayload(e, &p) {
			return false
		}
		for _, m := range p.Members {
			if m == userID {
				return true
			}
		}
	case parley.EventUserDisabled:
		var p parley.UserDisabled
		return decodePayload(e, &p) && p.ID == userID && p.Disabled
	}
	return false
}

// decodePayload decodes an event's payload into v.
func decodePayload(e *parley.Event, v any) bool { return json.Unmarshal(e.Data, v) == nil }
