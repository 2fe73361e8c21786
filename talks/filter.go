package talks

import (
	"context"
	"encoding/json"

	"parley"
)

// Filter decides which events one user may see, caching each talks' scope
// until an event changes who is in it or where they stand. It also notices
// when the user's own party re-engages, so that a stream can deliver what
// was held for it.
type Filter struct {
	s      *Service
	user   *parley.User
	scopes map[string]*scope
	// start is the seq after which the stream using this filter began: the
	// client saw nothing of a held caucus at or before it.
	start int64
	// lastHidden maps "talks room" to the last event this filter hid there
	// because it was held for the user's withdrawn party.
	lastHidden map[string]int64
	// release is set when the last event examined re-engaged the user's own
	// party: the held events to deliver before it.
	release *release
}

// release names the caucus events a re-engagement makes visible: those of
// room with a sequence number in (after, upto], all before the
// re-engagement.
type release struct {
	talks, room string
	after, upto int64
}

// NewFilter returns an event filter for user.
func (s *Service) NewFilter(user *parley.User) *Filter {
	return &Filter{s: s, user: user, scopes: map[string]*scope{}, lastHidden: map[string]int64{}}
}

// Visible reports whether the user may see e. Events outside any talks
// (accounts) are shown to nobody. Events must be given in sequence order.
func (f *Filter) Visible(ctx context.Context, e *parley.Event) (bool, error) {
	f.release = nil
	if e.Talks == "" {
		return false, nil
	}
	switch e.Kind {
	case parley.EventPresenceChanged, parley.EventMemberAdded, parley.EventDelegationAdded, parley.EventTalksStatus, parley.EventPlenaryChanged,
		parley.EventRecordAccess, parley.EventMeetingRecorded:
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
	if sc == nil {
		return false, nil
	}
	if e.Kind == parley.EventPresenceChanged {
		f.noteRelease(sc, e)
	}
	if sc.visible(e) {
		return true, nil
	}
	if sc.canRead(e.Room) && sc.heldBack(e.Room) > 0 {
		f.lastHidden[e.Talks+" "+e.Room] = e.Seq
	}
	return false, nil
}

// noteRelease records a release when e re-engages the user's own party.
// What reached its caucus after it withdrew was hidden from this client:
// up to where this stream began, and then as long as this filter hid it.
func (f *Filter) noteRelease(sc *scope, e *parley.Event) {
	var data parley.PresenceChanged
	if json.Unmarshal(e.Data, &data) != nil || data.Presence != parley.PresenceEngaged || data.Previous == 0 {
		return
	}
	d := sc.mine
	if d == nil || d.ID != data.Delegation || d.Kind != parley.KindParty {
		return
	}
	room := parley.CaucusRoom(d.Slug)
	upto := max(min(f.start, e.Seq-1), f.lastHidden[e.Talks+" "+room])
	if upto > data.Previous {
		f.release = &release{talks: e.Talks, room: room, after: data.Previous, upto: upto}
	}
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

// deliver filters one event, returning what to send for it: nothing, the
// event, or the events it releases followed by the event.
func (s *Service) deliver(ctx context.Context, f *Filter, e *parley.Event) ([]Delivery, error) {
	ok, err := f.Visible(ctx, e)
	if err != nil || !ok {
		return nil, err
	}
	out, err := f.released(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, Delivery{Event: *e}), nil
}

// scan filters stored events after a seq; withReleased adds what a
// re-engagement releases, as a live stream needs.
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
				ds, err = s.deliver(ctx, f, &batch[i])
			} else {
				var ok bool
				ok, err = f.Visible(ctx, &batch[i])
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
	for cursor := r.after; cursor < r.upto; {
		var batch []parley.Event
		err := f.s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			batch, err = tx.EventsAfter(ctx, cursor, 500)
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			if e.Seq > r.upto {
				return out, nil
			}
			if e.Talks == r.talks && e.Room == r.room {
				out = append(out, Delivery{Event: e, Released: true})
			}
			cursor = e.Seq
		}
	}
	return out, nil
}
