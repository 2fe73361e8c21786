package talks

// ClearEngineCache empties the settlement engine's caches, so that a
// benchmark can measure a view computed from scratch.
func ClearEngineCache() {
	engineCache.Lock()
	defer engineCache.Unlock()
	clear(engineCache.domains)
	clear(engineCache.keys)
	clear(engineCache.profiles)
	clear(engineCache.frontiers)
}

// NewSmallBus returns a bus that holds only size events, so that tests can
// make streams fall behind it.
func NewSmallBus(size int) *Bus { return newBus(size) }

// GapWait is how long the bus waits for a missing event.
const GapWait = gapWait
