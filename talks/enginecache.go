package talks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"parley/settle"
)

// maxCached bounds each of the engine caches; a full cache is emptied.
const maxCached = 64

// engineCache keeps what the settlement engine derives from stored
// domains and profiles — parsed domains, parsed profiles, Pareto
// frontiers — keyed by the SHA-256 of the sources they come from, so that
// views that read the same domain and profiles do not parse and compute
// them again. Keys are digests of content, so entries are right for any
// talks and any store; the values are never changed once made.
var engineCache = struct {
	sync.Mutex
	domains map[string]*settle.Domain
	// keys maps a cached domain to its key; holding the domain, it keeps
	// its address from being reused while it is here.
	keys      map[*settle.Domain]string
	profiles  map[string]*settle.Profile
	frontiers map[string]*settle.Frontier
}{domains: map[string]*settle.Domain{}, keys: map[*settle.Domain]string{}, profiles: map[string]*settle.Profile{}, frontiers: map[string]*settle.Frontier{}}

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		sum := sha256.Sum256([]byte(p))
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// put stores v in m under key, emptying m first when it is full.
func put[V any](m map[string]V, key string, v V) {
	if len(m) >= maxCached {
		clear(m)
	}
	m[key] = v
}

// cachedDomain parses a stored domain source.
func cachedDomain(source string) (*settle.Domain, error) {
	key := digest(source)
	engineCache.Lock()
	d, ok := engineCache.domains[key]
	engineCache.Unlock()
	if ok {
		return d, nil
	}
	d, err := settle.ReadDomain("stored domain", []byte(source))
	if err != nil {
		return nil, err
	}
	engineCache.Lock()
	if len(engineCache.domains) >= maxCached {
		clear(engineCache.keys)
	}
	put(engineCache.domains, key, d)
	engineCache.keys[d] = key
	engineCache.Unlock()
	return d, nil
}

// cachedProfile parses a stored profile source against a domain and
// returns a copy of its own, since the engine may set a profile's
// reservation value from its reservation bid. Profiles of a domain that
// did not come from cachedDomain are parsed every time.
func cachedProfile(d *settle.Domain, source string) (*settle.Profile, error) {
	engineCache.Lock()
	domainKey, known := engineCache.keys[d]
	key := digest(domainKey, source)
	p, ok := engineCache.profiles[key]
	engineCache.Unlock()
	if !known {
		return settle.ReadProfile("profile", []byte(source), d)
	}
	if !ok {
		var err error
		if p, err = settle.ReadProfile("profile", []byte(source), d); err != nil {
			return nil, err
		}
		engineCache.Lock()
		put(engineCache.profiles, key, p)
		engineCache.Unlock()
	}
	cp := *p
	return &cp, nil
}

// cachedFrontier returns the Pareto frontier of a space whose domain and
// profiles come from the given sources.
func cachedFrontier(ctx context.Context, sp *settle.Space, sources []string) (*settle.Frontier, error) {
	key := digest(sources...)
	engineCache.Lock()
	f, ok := engineCache.frontiers[key]
	engineCache.Unlock()
	if ok {
		return f, nil
	}
	f, err := sp.Pareto(ctx)
	if err != nil {
		return nil, err
	}
	engineCache.Lock()
	put(engineCache.frontiers, key, f)
	engineCache.Unlock()
	return f, nil
}
