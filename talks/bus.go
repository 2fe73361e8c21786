package talks

import (
	"sync"
	"time"

	"parley"
)

// Bus is the in-process parley.EventBus: a ring of the newest events,
// slotted by seq, that every stream of the process reads, so that an event
// is held once however many streams wait for it, and a stream costs the
// bus nothing.
//
// Committers publish as their commits return, so events of one group
// commit may arrive out of order; the bus hands them out in seq order. An
// event that never arrives (appended by another process) is given up after
// gapWait: streams then read it from the store.
type Bus struct {
	mu   sync.RWMutex
	ring []*parley.Event
	// frontier is the seq up to which events are handed out: each is in
	// the ring, or was given up and is read from the store. -1 until the
	// first publication.
	frontier int64
	// top is the highest seq published.
	top int64
	// changed is closed, and replaced, whenever the frontier moves.
	changed chan struct{}
	// waiting is set while a timer will give up on a missing event.
	waiting bool
	gapWait time.Duration
}

var _ parley.EventBus = (*Bus)(nil)

// busEvents is how many of the newest events the bus holds: a stream may
// lag that far behind before it has to read from the store.
const busEvents = 8192

// gapWait is how long later events wait for a missing one.
const gapWait = 100 * time.Millisecond

// NewBus returns an empty bus.
func NewBus() *Bus { return newBus(busEvents) }

func newBus(size int) *Bus {
	return &Bus{ring: make([]*parley.Event, size), frontier: -1, changed: make(chan struct{}), gapWait: gapWait}
}

// Publish takes committed events, in seq order within the call, and hands
// out every event that now follows the frontier without a gap. It never
// waits for a subscriber.
func (b *Bus) Publish(events []parley.Event) {
	if len(events) == 0 {
		return
	}
	evs := make([]parley.Event, len(events)) // the one copy subscribers share
	copy(evs, events)
	n := int64(len(b.ring))
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.frontier < 0 {
		b.frontier = evs[0].Seq - 1
	}
	for i := range evs {
		e := &evs[i]
		if e.Seq <= b.frontier {
			continue // handed out already, or given up and read from the store
		}
		if e.Seq-b.frontier >= n {
			// Too far ahead to wait for what comes between.
			b.frontier = e.Seq - 1
		}
		b.ring[e.Seq%n] = e
		b.top = max(b.top, e.Seq)
	}
	b.advance()
}

// advance moves the frontier over the events in the ring, wakes the
// streams if it moved, and arms the timer that gives up on a missing
// event. b.mu is held.
func (b *Bus) advance() {
	n := int64(len(b.ring))
	old := b.frontier
	for b.frontier < b.top {
		e := b.ring[(b.frontier+1)%n]
		if e == nil || e.Seq != b.frontier+1 {
			break
		}
		b.frontier++
	}
	if b.frontier != old {
		close(b.changed)
		b.changed = make(chan struct{})
	}
	if b.frontier < b.top && !b.waiting {
		b.waiting = true
		stuck := b.frontier
		time.AfterFunc(b.gapWait, func() { b.giveUp(stuck) })
	}
}

// giveUp hands out what waits behind a missing event, if the frontier is
// still stuck where it was: streams read the missing one from the store.
func (b *Bus) giveUp(stuck int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waiting = false
	if b.frontier == stuck && b.frontier < b.top {
		b.frontier = b.top
		close(b.changed)
		b.changed = make(chan struct{})
		return
	}
	b.advance()
}

// Changed returns a channel closed when more events are handed out.
func (b *Bus) Changed() <-chan struct{} {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.changed
}

// Since returns the handed-out events after seq after, in order; complete
// is false when one of them is not in the ring.
func (b *Bus) Since(after int64) ([]*parley.Event, bool) {
	n := int64(len(b.ring))
	b.mu.RLock()
	defer b.mu.RUnlock()
	if after >= b.frontier {
		return nil, true
	}
	if b.frontier-after > n {
		return nil, false
	}
	out := make([]*parley.Event, 0, b.frontier-after)
	for seq := after + 1; seq <= b.frontier; seq++ {
		e := b.ring[seq%n]
		if e == nil || e.Seq != seq {
			return nil, false
		}
		out = append(out, e)
	}
	return out, true
}
