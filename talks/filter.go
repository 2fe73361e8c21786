package talks

import (
	"context"
	"encoding/json"

	"parley"
)

// Filter decides which events one user may see, caching each talks' scope
// until an event changes who is in it or where they stand.
//
// A filter for a live stream (see Stream) also keeps what the log says of
// the user's own party: the windows during which it was withdrawn. What
// reached its caucus inside a window is delivered once, at the
// re-engagement that closes it, whenever the stream started; never in
// place. So a client that resumes anywhere gets each event exactly once.
type Filter struct {
	s      *Service
	user   *parley.User
	scopes map[string]*scope
	// stream marks a filter used by a live stream.
	stream bool
	// windows maps a talks id to the withdrawal windows of the user's party
	// in it, for a stream.
	windows map[string][]window
	// release is set when the last event examined re-engaged the user's own
	// party: the held events to deliver before it.
	release *release
}

// window is a withdrawal of the user's party: from the withdrawal's seq to
// the re-engagement's, 0 while it lasts.
type window struct{ from, to int64 }

// contains reports whether seq falls inside the window.
func (w window) contains(seq int64) bool { return seq > w.from && (w.to == 0 || seq < w.to) }

// release names the caucus events a re-engagement makes visible: those of
// room with a sequence number in (after, before).
type release struct {
	talks, room   string
	after, before int64
}

// NewFilter returns an event filter for user.
func (s *Service) NewFilter(user *parley.User) *Filter {
	return &Filter{s: s, user: user, scopes: map[string]*scope{}, windows: map[string][]window{}}
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
		parley.EventRecordAccess, parley.EventMeetingRecorded,
		parley.EventMemberRemoved, parley.EventDelegationRemoved:
		delete(f.scopes, e.Talks)
	}
	sc, ok := f.scopes[e.Talks]
	if !ok {
		err := f.s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			if sc, err = loadScope(ctx, tx, f.user, e.Talks); err != nil {
				return err
			}
			if f.stream {
				f.windows[e.Talks], err = withdrawals(ctx, tx, sc)
			}
			return err
		})
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			sc = nil
		} else if err != nil {
			return false, err
		}
		f.scopes[e.Talks] = sc
	}
	if sc == nil || !sc.visible(e) {
		return false, nil
	}
	if !f.stream || sc.mine.Kind != parley.KindParty || e.Room != parley.CaucusRoom(sc.mine.Slug) {
		if f.stream && e.Kind == parley.EventPresenceChanged {
			f.noteRelease(sc, e)
		}
		return true, nil
	}
	for _, w := range f.windows[e.Talks] {
		if w.contains(e.Seq) {
			return false, nil // delivered at the re-engagement
		}
	}
	return true, nil
}

// withdrawals reads from the log the windows during which the user's party
// was withdrawn from the talks.
func withdrawals(ctx context.Context, tx parley.Tx, sc *scope) ([]window, error) {
	if sc.mine == nil || sc.mine.Kind != parley.KindParty {
		return nil, nil
	}
	evs, err := tx.EventsOfKind(ctx, sc.talks.ID, parley.EventPresenceChanged)
	if err != nil {
		return nil, err
	}
	var out []window
	for _, e := range evs {
		var data parley.PresenceChanged
		if json.Unmarshal(e.Data, &data) != nil || data.Delegation != sc.mine.ID {
			continue
		}
		switch data.Presence {
		case parley.PresenceWithdrawn:
			out = append(out, window{from: e.Seq})
		case parley.PresenceEngaged:
			if n := len(out); n > 0 && out[n-1].to == 0 {
				out[n-1].to = e.Seq
			}
		}
	}
	return out, nil
}

// noteRelease records a release when e re-engages the user's own party.
func (f *Filter) noteRelease(sc *scope, e *parley.Event) {
	var data parley.PresenceChanged
	if json.Unmarshal(e.Data, &data) != nil || data.Presence != parley.PresenceEngaged || data.Previous == 0 {
		return
	}
	if d := sc.mine; d != nil && d.ID == data.Delegation && d.Kind == parley.KindParty {
		f.release = &release{talks: e.Talks, room: parley.CaucusRoom(d.Slug), after: data.Previous, before: e.Seq}
	}
}

// Delivery is an event to show a user. Released marks an event that was
// held back from a withdrawn party and is shown now that it re-engaged,
// after the events that followed it. Flush marks the last of the
// deliveries a stream has ready at once: a consumer that buffers its
// output flushes after it (see Stream).
type Delivery struct {
	parley.Event
	Released bool
	Flush    bool
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
// re-engagement releases, as a live stream needs. A stream's reads take a
// catch-up slot each (see catchUpReads).
func (s *Service) scan(ctx context.Context, f *Filter, after int64, limit int, withReleased bool) ([]Delivery, int64, error) {
	var out []Delivery
	cursor := after
	for len(out) < limit {
		var batch []parley.Event
		release := func() {}
		if withReleased {
			var err error
			if release, err = s.readSlot(ctx); err != nil {
				return nil, cursor, err
			}
		}
		err := s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			batch, err = tx.EventsAfter(ctx, cursor, 500)
			return err
		})
		release()
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
	for cursor := r.after; cursor < r.before; {
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
			if e.Seq >= r.before {
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
