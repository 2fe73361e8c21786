package talks

import (
	"context"
	"strconv"

	"parley"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// View is the talks as one user sees them.
type View struct {
	Talks       *parley.Talks       `json:"talks"`
	Delegations []parley.Delegation `json:"delegations"`
	Members     []parley.Member     `json:"members"`
	Rooms       []parley.Room       `json:"rooms"`
	// Mine is the viewer's delegation, absent for an administrator who is
	// not a member.
	Mine *parley.Delegation `json:"mine,omitempty"`
	Role parley.MemberRole  `json:"role,omitempty"`
}

// Get returns the talks as the actor sees them.
func (s *Service) Get(ctx context.Context, actor *parley.User, talksID string) (*View, error) {
	var v *View
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		members, err := tx.Members(ctx, talksID)
		if err != nil {
			return err
		}
		v = &View{Talks: sc.talks, Delegations: sc.delegations, Members: members, Rooms: sc.rooms(), Mine: sc.mine, Role: sc.role}
		if v.Rooms == nil {
			v.Rooms = []parley.Room{}
		}
		return nil
	})
	return v, err
}

// List returns the talks the actor belongs to; administrators see all.
func (s *Service) List(ctx context.Context, actor *parley.User) ([]parley.Talks, error) {
	out := []parley.Talks{}
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
			if actor.Admin || in[t.ID] {
				out = append(out, t)
			}
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
