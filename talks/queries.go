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

// Filter decides which events one user may see, caching each talks' scope
// until an event changes who is in it or where they stand.
type Filter struct {
	s      *Service
	user   *parley.User
	scopes map[string]*scope
}

// NewFilter returns an event filter for user.
func (s *Service) NewFilter(user *parley.User) *Filter {
	return &Filter{s: s, user: user, scopes: map[string]*scope{}}
}

// Visible reports whether the user may see e. Events outside any talks
// (accounts) are shown to nobody.
func (f *Filter) Visible(ctx context.Context, e *parley.Event) (bool, error) {
	if e.Talks == "" {
		return false, nil
	}
	switch e.Kind {
	case parley.EventMemberAdded, parley.EventPresenceChanged, parley.EventDelegationAdded, parley.EventTalksStatus, parley.EventPlenaryChanged:
		delete(f.scopes, e.Talks)
	}
	sc, ok := f.scopes[e.Talks]
	if !ok {
		err := f.s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			sc, err = loadScope(ctx, tx, f.user, e.Talks)
			return err
		})
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			sc = nil
		} else if err != nil {
			return false, err
		}
		f.scopes[e.Talks] = sc
	}
	return sc != nil && sc.visible(e), nil
}

// Events returns up to limit events after seq that the user may see, and
// the sequence number of the last event examined (visible or not).
func (s *Service) Events(ctx context.Context, f *Filter, after int64, limit int) ([]parley.Event, int64, error) {
	var out []parley.Event
	cursor := after
	for len(out) < limit {
		var batch []parley.Event
		err := s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			batch, err = tx.EventsAfter(ctx, cursor, 500)
			return err
		})
		if err != nil {
			return nil, cursor, err
		}
		if len(batch) == 0 {
			break
		}
		for i := range batch {
			ok, err := f.Visible(ctx, &batch[i])
			if err != nil {
				return nil, cursor, err
			}
			cursor = batch[i].Seq
			if ok {
				out = append(out, batch[i])
				if len(out) == limit {
					break
				}
			}
		}
	}
	return out, cursor, nil
}
