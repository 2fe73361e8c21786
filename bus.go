package parley

// EventBus fans committed events out to live subscribers in commit order.
type EventBus interface {
	// Publish delivers events to every subscriber.
	Publish(events []Event)
	// Subscribe returns a channel of events and a function to stop. The
	// channel is closed if the subscriber falls too far behind; it should
	// then catch up from the store.
	Subscribe() (<-chan Event, func())
}
