package talks

import (
	"context"
	"iter"
	"time"

	"parley"
)

// StreamOptions says where a stream starts and what it carries.
type StreamOptions struct {
	// After is the seq of the last event the client has seen; the stream
	// carries what follows it.
	After int64
	// Talks narrows the stream to one talks ("" for all).
	Talks string
	// Idle is how long the stream waits without an event before it yields
	// a heartbeat (a Delivery with Seq 0); 0 means never.
	Idle time.Duration
}

// ErrRevoked ends a stream whose credential was revoked, or whose user
// was removed or disabled.
var ErrRevoked = parley.Errorf(parley.EUNAUTHORIZED, "access revoked")

// streamBatch is how many stored events a stream reads at a time.
const streamBatch = 500

// Stream yields, in order, every event user may see after opts.After: the
// stored ones first, then live ones as they are committed, with what a
// re-engagement of the user's party releases. It ends when ctx is done or
// the consumer stops; an error ends it after being yielded. A consumer that
// falls behind is caught up from the store, so it misses nothing.
func (s *Service) Stream(ctx context.Context, user *parley.User, opts StreamOptions) iter.Seq2[Delivery, error] {
	return func(yield func(Delivery, error) bool) {
		sub, stop := s.Bus.Subscribe()
		defer func() { stop() }()
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
		send := func(ds []Delivery) bool {
			for _, d := range ds {
				if opts.Talks != "" && d.Talks != opts.Talks {
					continue
				}
				if !yield(d, nil) {
					return false
				}
			}
			return true
		}
		// catchUp sends every visible stored event after cursor.
		catchUp := func() bool {
			for {
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
		if !catchUp() {
			return
		}
		var tick <-chan time.Time
		if opts.Idle > 0 {
			t := time.NewTicker(opts.Idle)
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-revoked:
				yield(Delivery{}, ErrRevoked)
				return
			case <-tick:
				if !yield(Delivery{}, nil) {
					return
				}
			case e, ok := <-sub:
				switch {
				case !ok:
					// Cut off for lagging: subscribe again and catch up.
					sub, stop = s.Bus.Subscribe()
					if !catchUp() {
						return
					}
				case cuts(&e, user.ID):
					yield(Delivery{}, ErrRevoked)
					return
				case e.Seq <= cursor:
				case e.Seq > cursor+1:
					if !catchUp() {
						return
					}
				default:
					ds, err := s.deliver(ctx, f, &e)
					if err != nil {
						yield(Delivery{}, err)
						return
					}
					cursor = e.Seq
					if !send(ds) {
						return
					}
				}
			}
		}
	}
}
