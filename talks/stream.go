package talks

import (
	"context"
	"iter"
	"sync"
	"time"

	"parley"
)

// StreamOptions says where a stream starts and what it carries.
type StreamOptions struct {
	// After is the seq of the last event the client has seen; the stream
	// carries what follows it. FromNow starts at the present.
	After int64
	// Talks narrows the stream to one talks ("" for all).
	Talks string
	// Idle is the period of the heartbeat (a Delivery with Seq 0) the
	// stream yields, shared by every stream with the same period, so that
	// proxies keep it open and the consumer can check its credentials; 0
	// means none.
	Idle time.Duration
}

// ErrRevoked ends a stream whose credential was revoked, or whose user
// was removed or disabled.
var ErrRevoked = parley.Errorf(parley.EUNAUTHORIZED, "access revoked")

// FromNow, as StreamOptions.After, starts a stream at the present: it
// carries only what is committed after it begins.
const FromNow = -1

// streamBatch is how many stored events a stream reads at a time.
const streamBatch = 500

// catchUpReads bounds the store reads that streams catching up make at
// once, so that many clients replaying history together hold at most this
// many database connections and leave the rest to writers and live reads.
const catchUpReads = 2

// live is what the streams of a service share: the catch-up read slots and
// the heartbeats. Its zero value is ready to use.
type live struct {
	once  sync.Once
	reads chan struct{}
	mu    sync.Mutex
	beats map[time.Duration]*heartbeat
}

func (l *live) init() {
	l.once.Do(func() {
		l.reads = make(chan struct{}, catchUpReads)
		l.beats = map[time.Duration]*heartbeat{}
	})
}

// heartbeat closes its channel every period, for every stream at once: one
// ticker however many streams there are.
type heartbeat struct {
	mu   sync.Mutex
	ch   chan struct{}
	refs int
	stop chan struct{}
}

// wait returns a channel closed at the next beat.
func (h *heartbeat) wait() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ch
}

// beat joins the heartbeat of period every (starting it for the first
// stream) and returns it with the function that leaves it (stopping it
// with the last). A zero period has no beat: nil.
func (l *live) beat(every time.Duration) (*heartbeat, func()) {
	if every <= 0 {
		return nil, func() {}
	}
	l.init()
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.beats[every]
	if h == nil {
		h = &heartbeat{ch: make(chan struct{}), stop: make(chan struct{})}
		l.beats[every] = h
		go func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-h.stop:
					return
				case <-t.C:
					h.mu.Lock()
					close(h.ch)
					h.ch = make(chan struct{})
					h.mu.Unlock()
				}
			}
		}()
	}
	h.refs++
	return h, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if h.refs--; h.refs == 0 {
			close(h.stop)
			delete(l.beats, every)
		}
	}
}

// Stream yields, in order, every event user may see after opts.After: the
// stored ones first, then live ones as they are committed, with what a
// re-engagement of the user's party releases. It ends when ctx is done or
// the consumer stops; an error ends it after being yielded.
//
// Live events come from the bus, which holds them once for every stream;
// a stream that falls behind what the bus holds reads from the store, so
// it misses nothing, and nobody waits for it. A stream that waits costs a
// goroutine (its consumer's) and its filter, no buffer and no timer.
// Deliveries come in groups of what is ready at once, the last of each
// marked Flush.
func (s *Service) Stream(ctx context.Context, user *parley.User, opts StreamOptions) iter.Seq2[Delivery, error] {
	return func(yield func(Delivery, error) bool) {
		// A stream ends the moment its credential is revoked or its user
		// removed or disabled: on this node through the hub, on every node
		// through the events of the log.
		var revoked <-chan struct{}
		if s.Hub != nil {
			var unwatch func()
			revoked, unwatch = s.Hub.Watch(user.ID, user.Grant.Credential)
			defer unwatch()
		}
		f := s.NewFilter(user)
		f.stream = true
		cursor := opts.After
		if cursor < 0 {
			// Events committed after this read are > cursor, on the bus
			// or in the store.
			n, err := s.LastSeq(ctx)
			if err != nil {
				yield(Delivery{}, err)
				return
			}
			cursor = n
		}
		// send yields ds, marking the last one to flush.
		send := func(ds []Delivery) bool {
			if opts.Talks != "" {
				kept := ds[:0]
				for _, d := range ds {
					if d.Talks == opts.Talks {
						kept = append(kept, d)
					}
				}
				ds = kept
			}
			for i := range ds {
				ds[i].Flush = i == len(ds)-1
				if !yield(ds[i], nil) {
					return false
				}
			}
			return true
		}
		// ended reports, without waiting, whether the stream must end now:
		// its context is done, or its credential was revoked (then said).
		ended := func() bool {
			select {
			case <-ctx.Done():
				return true
			case <-revoked:
				yield(Delivery{}, ErrRevoked)
				return true
			default:
				return false
			}
		}
		// catchUp sends every visible stored event after cursor.
		catchUp := func() bool {
			for {
				if ended() {
					return false
				}
				ds, cur, err := s.scan(ctx, f, cursor, streamBatch, true)
				if err != nil {
					yield(Delivery{}, err)
					return false
				}
				cursor = cur
				if !send(ds) {
					return false
				}
				if len(ds) < streamBatch {
					return true
				}
			}
		}
		if opts.After >= 0 && !catchUp() {
			return
		}
		hb, leave := s.live.beat(opts.Idle)
		defer leave()
		for {
			// Revocation and cancellation are checked at every turn, not
			// only while the bus is quiet: under a steady flow of events
			// the wait below is never reached.
			if ended() {
				return
			}
			changed := s.Bus.Changed()
			var beat <-chan struct{}
			if hb != nil {
				beat = hb.wait()
			}
			evs, complete := s.Bus.Since(cursor)
			if !complete {
				// Behind what the bus holds, or an event never reached it.
				if !catchUp() {
					return
				}
				continue
			}
			if len(evs) > 0 {
				var out []Delivery
				for _, e := range evs {
					if cuts(e, user.ID) {
						send(out)
						yield(Delivery{}, ErrRevoked)
						return
					}
					ds, err := s.deliver(ctx, f, e)
					if err != nil {
						yield(Delivery{}, err)
						return
					}
					cursor = e.Seq
					out = append(out, ds...)
				}
				if len(out) > 0 && !send(out) {
					return
				}
				// The heartbeat is due under a steady flow too: the consumer
				// checks its credentials at each (a session ended on another
				// node reaches this one only so).
				select {
				case <-beat:
					if !yield(Delivery{Flush: true}, nil) {
						return
					}
				default:
				}
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-revoked:
				yield(Delivery{}, ErrRevoked)
				return
			case <-changed:
			case <-beat:
				if !yield(Delivery{Flush: true}, nil) {
					return
				}
			}
		}
	}
}

// readSlot waits for a catch-up read slot; the returned function frees it.
func (s *Service) readSlot(ctx context.Context) (func(), error) {
	s.live.init()
	select {
	case s.live.reads <- struct{}{}:
		return func() { <-s.live.reads }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
