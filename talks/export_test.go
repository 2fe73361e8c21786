package talks

// NewSmallBus returns a bus that holds only size events, so that tests can
// make streams fall behind it.
func NewSmallBus(size int) *Bus { return newBus(size) }

// GapWait is how long the bus waits for a missing event.
const GapWait = gapWait
