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
