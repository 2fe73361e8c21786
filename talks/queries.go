package talks

import (
	"context"
	"strconv"

	"parley"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// View is the talks as one user sees them: the one shape of a talks,
// whether listed, fetched or returned by a change.
type View struct {
	parley.Talks
	Delegations []parley.Delegation `json:"delegations"`
	Members     []parley.Member     `json:"members"`
	// Rooms are the rooms the viewer may read.
	Rooms []parley.Room `json:"rooms"`
	// Mine is the viewer's delegation, absent for an administrator who is
	// not a member.
	Mine *parley.Delegation `json:"mine,omitempty"`
	Role parley.MemberRole  `json:"role,omitempty"`
}

func (sc *scope) view() *View {
	v := &View{Talks: *sc.talks, Delegations: sc.delegations, Members: sc.members, Rooms: sc.rooms(), Role: sc.role}
	if sc.mine != nil {
		mine := *sc.mine
		v.Mine = &mine
	}
	if v.Members == nil {
		v.Members = []parley.Member{}
	}
	return v
}

// Get returns the talks as the actor sees them.
func (s *Service) Get(ctx context.Context, actor *parley.User, talksID string) (*View, error) {
	var v *View
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		v = sc.view()
		return nil
	})
	return v, err
}

// List returns the talks the actor belongs to, oldest first;
// administrators see all.
func (s *Service) List(ctx context.Context, actor *parley.User) ([]View, error) {
	out := []View{}
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		all, err := tx.ListTalks(ctx)
		if err != nil {
			return err
		}
		ms, err := tx.Memberships(ctx, actor.ID)
		if err != nil {
			return err
		}
		in := map[string]bool{}
		for _, m := range ms {
			in[m.TalksID] = true
		}
		for _, t := range all {
			if (!actor.Admin && !in[t.ID]) || !actor.Grant.AllowsTalks(t.ID) {
				continue
			}
			sc, err := loadScope(ctx, tx, actor, t.ID)
			if err != nil {
				return err
			}
			out = append(out, *sc.view())
		}
		return nil
	})
	return out, err
}

// Rooms lists the rooms the actor may read in the talks.
func (s *Service) Rooms(ctx context.Context, actor *parley.User, talksID string) ([]parley.Room, error) {
	v, err := s.Get(ctx, actor, talksID)
	if err != nil {
		return nil, err
	}
	return v.Rooms, nil
}

// Delegation returns one delegation of the talks with its members.
func (s *Service) Delegation(ctx context.Context, actor *parley.User, talksID, ref string) (*parley.Delegation, []parley.Member, error) {
	var d *parley.Delegation
	var ms []parley.Member
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var err error
		if d, err = sc.delegation(ref); err != nil {
			return err
		}
		ms = sc.membersOf(d.ID)
		if ms == nil {
			ms = []parley.Member{}
		}
		return nil
	})
	return d, ms, err
}
