package talks

import (
	"sync"

	"parley"
)

// Bus is an in-process parley.EventBus.
type Bus struct {
	mu   sync.Mutex
	subs map[chan parley.Event]struct{}
}

var _ parley.EventBus = (*Bus)(nil)

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{subs: map[chan parley.Event]struct{}{}} }

// subscriberBuffer is how many events a subscriber may lag before it is cut off.
const subscriberBuffer = 256

// Publish delivers events to every subscriber without blocking; a
// subscriber whose buffer is full is closed and must catch up from the store.
func (b *Bus) Publish(events []parley.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		for _, e := range events {
			select {
			case ch <- e:
			default:
				close(ch)
				delete(b.subs, ch)
				goto next
			}
		}
	next:
	}
}

// Subscribe registers a subscriber.
func (b *Bus) Subscribe() (<-chan parley.Event, func()) {
	ch := make(chan parley.Event, subscriberBuffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	}
}
