package parley

// EventBus fans committed events out to live subscribers in commit order.
//
// A bus holds the newest events it was handed, in one copy shared by every
// subscriber, and keeps no state per subscriber: a subscriber remembers the
// seq of the last event it took, asks for what follows (Since), and waits
// for more (Changed). One that falls behind what the bus holds is told so
// and reads the rest from the store; nobody ever waits for a slow
// subscriber.
type EventBus interface {
	// Publish hands over committed events. Several committers may publish
	// at once, in any order: the bus hands events out in seq order.
	Publish(events []Event)
	// Changed returns a channel that is closed when events are next
	// handed out. Take it before calling Since, so as to miss nothing.
	Changed() <-chan struct{}
	// Since returns the events with Seq > after that the bus holds, in
	// order. complete is false when one of them is missing (it was
	// dropped to make room, or never reached this bus): the subscriber
	// must then read from the store what follows after.
	Since(after int64) (events []*Event, complete bool)
}
