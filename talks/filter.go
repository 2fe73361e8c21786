package talks

import (
	"context"
	"encoding/json"

	"parley"
)

// Filter decides which events one user may see, caching each talks' scope
// until an event changes who is in it or where they stand.
type Filter struct {
	s      *Service
	user   *parley.User
	scopes map[string]*scope
	// release is set when the last event examined re-engaged the user's own
	// party while this filter had been hiding its caucus.
	release *release
}

// release names the caucus events a re-engagement makes visible: those of
// room with a sequence number in (after, before).
type release struct {
	talks, room   string
	after, before int64
}

// NewFilter returns an event filter for user.
func (s *Service) NewFilter(user *parley.User) *Filter {
	return &Filter{s: s, user: user, scopes: map[string]*scope{}}
}

// Visible reports whether the user may see e. Events outside any talks
// (accounts) are shown to nobody. Events must be given in sequence order.
func (f *Filter) Visible(ctx context.Context, e *parley.Event) (bool, error) {
	if e.Talks == "" {
		return false, nil
	}
	switch e.Kind {
	case parley.EventPresenceChanged:
		f.noteRelease(e)
		delete(f.scopes, e.Talks)
	case parley.EventMemberAdded, parley.EventDelegationAdded, parley.EventTalksStatus, parley.EventPlenaryChanged:
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

// noteRelease records a release when e re-engages the user's own party
// whose caucus this filter has been holding back.
func (f *Filter) noteRelease(e *parley.Event) {
	old := f.scopes[e.Talks]
	if old == nil || old.mine == nil || old.mine.Presence != parley.PresenceWithdrawn || old.mine.PresenceSeq >= e.Seq {
		return
	}
	var data struct {
		Delegation string          `json:"delegation"`
		Presence   parley.Presence `json:"presence"`
	}
	if json.Unmarshal(e.Data, &data) != nil || data.Delegation != old.mine.ID || data.Presence != parley.PresenceEngaged {
		return
	}
	f.release = &release{talks: e.Talks, room: parley.CaucusRoom(old.mine.Slug), after: old.mine.PresenceSeq, before: e.Seq}
}

// Delivery is an event to show a user. Released marks an event that was
// held back from a withdrawn party and is shown now that it re-engaged,
// after the events that followed it.
type Delivery struct {
	parley.Event
	Released bool
}

// Events returns up to limit events after seq that the user may see, in
// sequence order, and the sequence number of the last event examined
// (visible or not).
func (s *Service) Events(ctx context.Context, f *Filter, after int64, limit int) ([]parley.Event, int64, error) {
	ds, cursor, err := s.scan(ctx, f, after, limit, false)
	out := make([]parley.Event, len(ds))
	for i := range ds {
		out[i] = ds[i].Event
	}
	return out, cursor, err
}

// Deliveries is Events for a live stream: when an event re-engages the
// user's party, the caucus events held back from it since it withdrew
// (which a stream filtered by the same Filter skipped) are delivered just
// before it, marked Released.
func (s *Service) Deliveries(ctx context.Context, f *Filter, after int64, limit int) ([]Delivery, int64, error) {
	return s.scan(ctx, f, after, limit, true)
}

// Deliver filters one live event, returning what to send for it: nothing,
// the event, or the events it releases followed by the event.
func (s *Service) Deliver(ctx context.Context, f *Filter, e *parley.Event) ([]Delivery, error) {
	ok, err := f.Visible(ctx, e)
	if err != nil || !ok {
		f.release = nil
		return nil, err
	}
	out, err := f.released(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, Delivery{Event: *e}), nil
}

func (s *Service) scan(ctx context.Context, f *Filter, after int64, limit int, withReleased bool) ([]Delivery, int64, error) {
	var out []Delivery
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
			var ds []Delivery
			if withReleased {
				ds, err = s.Deliver(ctx, f, &batch[i])
			} else {
				var ok bool
				ok, err = f.Visible(ctx, &batch[i])
				f.release = nil
				if ok {
					ds = []Delivery{{Event: batch[i]}}
				}
			}
			if err != nil {
				return nil, cursor, err
			}
			cursor = batch[i].Seq
			out = append(out, ds...)
			if len(out) >= limit {
				return out, cursor, nil
			}
		}
	}
	return out, cursor, nil
}

// released fetches the events of a pending release, now visible.
func (f *Filter) released(ctx context.Context) ([]Delivery, error) {
	r := f.release
	f.release = nil
	if r == nil {
		return nil, nil
	}
	var out []Delivery
	for cursor := r.after; ; {
		var batch []parley.Event
		err := f.s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			batch, err = tx.EventsAfter(ctx, cursor, 500)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, e := range batch {
			if e.Seq >= r.before {
				return out, nil
			}
			if e.Talks == r.talks && e.Room == r.room {
				out = append(out, Delivery{Event: e, Released: true})
			}
			cursor = e.Seq
		}
		if len(batch) == 0 {
			return out, nil
		}
	}
}
