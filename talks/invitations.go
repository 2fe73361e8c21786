package talks

import (
	"context"
	"strings"
	"time"

	"parley"
	"parley/auth"
)

// Invitation lifetimes.
const (
	// InvitationTTL is how long an invitation link works when no lifetime
	// is asked for.
	InvitationTTL = 72 * time.Hour
	// MaxInvitationTTL is the longest an invitation link may work.
	MaxInvitationTTL = 14 * 24 * time.Hour
)

// NewInvitation describes an invitation into a delegation.
type NewInvitation struct {
	Delegation string            `json:"delegation"`
	Role       parley.MemberRole `json:"role"`
	Title      string            `json:"title"`
	// ExpiresIn is the link's lifetime in seconds (default 72 hours, at
	// most 14 days).
	ExpiresIn int64 `json:"expires_in"`
}

// system stands for the command line (a nil actor): it invites as an
// administrator would, under the same rule.
var system = &parley.User{Admin: true}

func orSystem(actor *parley.User) *parley.User {
	if actor == nil {
		return system
	}
	return actor
}

// Invite asks a person into a delegation with a role, by a single-use link
// that expires. The inviter must be allowed to add that member now
// (checkAddMember), and still at the moment the invitation is accepted.
// It returns the invitation and its secret, shown this once; only the
// secret's SHA-256 is kept.
func (s *Service) Invite(ctx context.Context, actor *parley.User, talksID string, ni NewInvitation) (*parley.Invitation, string, error) {
	actor = orSystem(actor)
	if ni.Role == "" {
		ni.Role = parley.RoleNegotiator
	}
	m := &parley.Member{Role: ni.Role, Title: strings.TrimSpace(ni.Title)}
	if err := m.Validate(); err != nil {
		return nil, "", err
	}
	ttl := time.Duration(ni.ExpiresIn) * time.Second
	switch {
	case ni.ExpiresIn == 0:
		ttl = InvitationTTL
	case ni.ExpiresIn < 60 || ttl > MaxInvitationTTL:
		return nil, "", parley.Errorf(parley.EINVALID, "expires_in must be between 60 seconds and %d days", int(MaxInvitationTTL/(24*time.Hour)))
	}
	secret := auth.NewSecret()
	now := s.now()
	inv := &parley.Invitation{ID: parley.NewID("i_"), TokenHash: auth.HashSecret(secret), TalksID: talksID, Role: m.Role, Title: m.Title,
		InvitedBy: actor.ID, CreatedAt: now, ExpiresAt: now.Add(ttl), State: parley.InvitationPending}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		d, err := sc.delegation(ni.Delegation)
		if err != nil {
			return err
		}
		if err := sc.checkAddMember(d); err != nil {
			return err
		}
		inv.DelegationID = d.ID
		return tx.CreateInvitation(ctx, inv)
	})
	if err != nil {
		return nil, "", err
	}
	return inv, secret, nil
}

// canSeeInvitation says who may list and revoke an invitation: whoever
// made it, any mediator, and the head of the delegation it is for.
func (sc *scope) canSeeInvitation(inv *parley.Invitation) bool {
	return inv.InvitedBy == sc.user.ID || sc.isMediator() || (sc.mine != nil && sc.mine.ID == inv.DelegationID && sc.role == parley.RoleHead)
}

// Invitations lists the talks' invitations the actor may see, newest
// first, with their states (an expired pending one says expired).
func (s *Service) Invitations(ctx context.Context, actor *parley.User, talksID string) ([]parley.Invitation, error) {
	out := []parley.Invitation{}
	err := s.query(ctx, orSystem(actor), talksID, func(tx parley.Tx, sc *scope) error {
		all, err := tx.Invitations(ctx, talksID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, inv := range all {
			if sc.canSeeInvitation(&inv) {
				if inv.State == parley.InvitationPending && !now.Before(inv.ExpiresAt) {
					inv.State = InvitationExpired
				}
				out = append(out, inv)
			}
		}
		return nil
	})
	return out, err
}

// InvitationExpired is the state shown for a pending invitation past its
// time; it is never stored.
const InvitationExpired parley.InvitationState = "expired"

// RevokeInvitation ends a pending invitation: its link works no more.
func (s *Service) RevokeInvitation(ctx context.Context, actor *parley.User, talksID, id string) error {
	return s.command(ctx, orSystem(actor), talksID, func(tx parley.Tx, sc *scope) error {
		all, err := tx.Invitations(ctx, talksID)
		if err != nil {
			return err
		}
		for _, inv := range all {
			if inv.ID != id || !sc.canSeeInvitation(&inv) {
				continue
			}
			if inv.State != parley.InvitationPending {
				return parley.Errorf(parley.ECONFLICT, "the invitation is %s already", inv.State)
			}
			inv.State, inv.EndedAt = parley.InvitationRevoked, s.now()
			return tx.UpdateInvitation(ctx, &inv)
		}
		return parley.Errorf(parley.ENOTFOUND, "invitation not found")
	})
}

// InvitationView is what the holder of an invitation link may see before
// accepting it.
type InvitationView struct {
	Talks      string            `json:"talks"`
	TalksTitle string            `json:"talks_title"`
	Delegation string            `json:"delegation"`
	Role       parley.MemberRole `json:"role"`
	Title      string            `json:"title"`
	ExpiresAt  time.Time         `json:"expires_at"`
}

// errBadInvitation is the one answer to a wrong, used, revoked or expired
// link: none of them says which, or whether it ever existed.
func errBadInvitation() error {
	return parley.Errorf(parley.ENOTFOUND, "this invitation link is not valid: it was used, revoked or has expired, or never existed")
}

// pendingInvitation finds the pending, unexpired invitation of a secret.
func (s *Service) pendingInvitation(ctx context.Context, tx parley.Tx, secret string) (*parley.Invitation, error) {
	if secret == "" || len(secret) > 200 {
		return nil, errBadInvitation()
	}
	inv, err := tx.InvitationByHash(ctx, auth.HashSecret(secret))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errBadInvitation()
	}
	if err != nil {
		return nil, err
	}
	if inv.State != parley.InvitationPending || !s.now().Before(inv.ExpiresAt) {
		return nil, errBadInvitation()
	}
	return inv, nil
}

// LookupInvitation shows the holder of a link what it invites to.
func (s *Service) LookupInvitation(ctx context.Context, secret string) (*InvitationView, error) {
	var v *InvitationView
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		inv, err := s.pendingInvitation(ctx, tx, secret)
		if err != nil {
			return err
		}
		t, err := tx.Talks(ctx, inv.TalksID)
		if err != nil {
			return err
		}
		dels, err := tx.Delegations(ctx, inv.TalksID)
		if err != nil {
			return err
		}
		v = &InvitationView{Talks: t.ID, TalksTitle: t.Title, Role: inv.Role, Title: inv.Title, ExpiresAt: inv.ExpiresAt}
		for _, d := range dels {
			if d.ID == inv.DelegationID {
				v.Delegation = d.Name
			}
		}
		return nil
	})
	return v, err
}

// NewAccount is the account an invited person chooses.
type NewAccount struct {
	// ID is the account's id, fixed when its passkey's registration
	// began (the passkey's user handle).
	ID          string `json:"-"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// CheckAccount validates an account name and display name before the
// passkey ceremony, and says whether the name is free.
func (s *Service) CheckAccount(ctx context.Context, secret string, na NewAccount) error {
	u := &parley.User{Name: strings.TrimSpace(na.Name), DisplayName: strings.TrimSpace(na.DisplayName)}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	if err := u.Validate(); err != nil {
		return err
	}
	return s.Store.View(ctx, func(tx parley.Tx) error {
		if _, err := s.pendingInvitation(ctx, tx, secret); err != nil {
			return err
		}
		_, err := tx.UserByName(ctx, u.Name)
		switch parley.ErrorCode(err) {
		case parley.ENOTFOUND:
			return nil
		case "":
			return parley.Errorf(parley.ECONFLICT, "user name %q is taken", u.Name)
		}
		return err
	})
}

// AcceptInvitation creates the invited person's account with its first
// passkey and seats it in the delegation, in one transaction: the
// invitation is used up, the account and membership are recorded as
// events. The inviter must still be allowed to add the member.
func (s *Service) AcceptInvitation(ctx context.Context, secret string, na NewAccount, pk *parley.Passkey) (*parley.User, error) {
	u := &parley.User{ID: na.ID, Name: strings.TrimSpace(na.Name), DisplayName: strings.TrimSpace(na.DisplayName)}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if u.ID == "" || pk == nil {
		return nil, parley.Errorf(parley.EINVALID, "a passkey is required to accept an invitation")
	}
	err := s.update(ctx, func(tx parley.Tx) error {
		inv, err := s.pendingInvitation(ctx, tx, secret)
		if err != nil {
			return err
		}
		inviter := system
		if inv.InvitedBy != "" {
			if inviter, err = tx.UserByID(ctx, inv.InvitedBy); err != nil {
				return err
			}
		}
		sc, err := loadScope(ctx, tx, inviter, inv.TalksID)
		if err != nil {
			return parley.Errorf(parley.EFORBIDDEN, "whoever invited you may no longer add members to these talks")
		}
		d, err := sc.delegation(inv.DelegationID)
		if err != nil {
			return err
		}
		if err := sc.checkAddMember(d); err != nil {
			return parley.Errorf(parley.EFORBIDDEN, "this invitation can no longer be used: %s", parley.ErrorMessage(err))
		}
		u.CreatedAt = s.now()
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if _, err := s.emit(ctx, tx, inviter.ID, "", "", parley.EventUserCreated, parley.UserCreated{ID: u.ID, Name: u.Name}); err != nil {
			return err
		}
		m := &parley.Member{DelegationID: d.ID, UserID: u.ID, UserName: u.Name, DisplayName: u.DisplayName, Role: inv.Role, Title: inv.Title}
		if err := tx.AddMember(ctx, m); err != nil {
			return err
		}
		if _, err := s.emit(ctx, tx, inviter.ID, inv.TalksID, "", parley.EventMemberAdded, m); err != nil {
			return err
		}
		pk.UserID = u.ID
		if err := tx.CreatePasskey(ctx, pk); err != nil {
			return err
		}
		inv.State, inv.UsedBy, inv.EndedAt = parley.InvitationAccepted, u.ID, s.now()
		return tx.UpdateInvitation(ctx, inv)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
