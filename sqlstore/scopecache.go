package sqlstore

import (
	"context"
	"regexp"
	"slices"
	"sync"

	"parley"
)

// The scope cache. Every command and every read first loads what its actor
// is in the talks: the talks row, its delegations and its members (package
// talks, loadScope). Those rows change rarely (setting talks up, a status
// or presence change) and are read on every request, so the store keeps
// them in memory, per talks, and answers Talks, Delegations and Members
// from there when it can prove they are current.
//
// The proof is the ledger's size. Every change to these rows appends an
// event in the same transaction (the architecture's one path), so rows
// read while the log had N events are current for as long as it still has
// N events, unless this process wrote them. The cache records the size
// `at` up to which its entries are current:
//
//   - A write transaction (a group-commit batch) holds the log's write
//     lock. It reads the size once, when it first needs the cache; if
//     another process or node appended meanwhile (size ≠ at), everything
//     is dropped and at moves to the size. At commit, at moves to the new
//     size, and everything is dropped if the batch wrote any of the cached
//     tables (recognised from the statement, whatever store method ran
//     it). From the first such write on, the rest of the batch reads the
//     tables themselves: what it wrote is not committed yet.
//   - A read transaction uses the cache only when its snapshot's size is
//     at, and adds to it only then: what it reads is then current too. A
//     snapshot newer than at (a read after another node's commit, or
//     after a commit that dropped everything) starts the cache afresh at
//     its size; an older one leaves the cache alone.
//
// So a cached row is never older than the newest committed event seen by
// the transaction that reads it, on any number of processes or nodes. The
// entries handed out are copies: callers may change them freely.
type scopeCache struct {
	mu sync.Mutex
	// at is the log size up to which entries are current; -1: unknown.
	at int64
	m  map[string]*scopeEntry
}

// scopeEntry holds what is known of one talks.
type scopeEntry struct {
	talks   *parley.Talks
	dels    []parley.Delegation
	members []parley.Member
	// hasDels and hasMembers tell an empty list from an unread one.
	hasDels, hasMembers bool
}

// maxScopes bounds the talks kept; past it the cache starts afresh.
const maxScopes = 4096

func newScopeCache() *scopeCache { return &scopeCache{at: -1, m: map[string]*scopeEntry{}} }

// scopeWrite matches a statement that changes a cached table. users is
// there because Members carries the users' names.
var scopeWrite = regexp.MustCompile(`(?i)^\s*(insert\s+into|update|delete\s+from)\s+"?(talks|delegations|members|users)\b`)

// txBatch is what the commands of one write transaction share.
type txBatch struct {
	// size is the log size, once read (sized).
	size  int64
	sized bool
	// checked is set once the cache was made current for this batch; the
	// cache may then be used unless dirty.
	checked bool
	// dirty is set once the batch wrote a cached table.
	dirty bool
}

// cacheable reports whether this transaction may read and fill the scope
// cache now, making the cache current first for a write transaction.
func (t *Tx) cacheable(ctx context.Context) bool {
	c := t.scopes
	if c == nil {
		return false
	}
	if b := t.batch; b != nil {
		if b.dirty {
			return false
		}
		if !b.checked {
			size, err := t.LedgerSize(ctx)
			if err != nil {
				return false
			}
			c.mu.Lock()
			if c.at != size {
				clear(c.m)
				c.at = size
			}
			c.mu.Unlock()
			b.checked = true
		}
		return true
	}
	if !t.viewSized {
		size, err := t.LedgerSize(ctx)
		if err != nil {
			return false
		}
		t.viewSize, t.viewSized = size, true
	}
	return true
}

// current reports, under c.mu, whether entries are current for t. A read
// transaction whose snapshot is newer than the cache starts it afresh at
// its own size: a snapshot never holds more than what is committed, so
// at never passes the log. One older than the cache does without it.
func (t *Tx) current() bool {
	c := t.scopes
	if t.batch != nil {
		return true // made current in cacheable; at moves only at commit
	}
	if t.viewSize > c.at {
		clear(c.m)
		c.at = t.viewSize
	}
	return c.at == t.viewSize
}

// withEntry runs fn, under the cache's lock, with the entry for talksID
// (made if missing), or with nil when the cache is not current for t.
func (t *Tx) withEntry(talksID string, fn func(e *scopeEntry)) {
	c := t.scopes
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.current() {
		fn(nil)
		return
	}
	e := c.m[talksID]
	if e == nil {
		if len(c.m) >= maxScopes {
			clear(c.m)
		}
		e = &scopeEntry{}
		c.m[talksID] = e
	}
	fn(e)
}

// cachedTalks returns the talks from the cache, or loads and keeps them.
func (t *Tx) cachedTalks(ctx context.Context, id string, load func() (*parley.Talks, error)) (*parley.Talks, error) {
	if !t.cacheable(ctx) {
		return load()
	}
	var hit *parley.Talks
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil && e.talks != nil {
			c := *e.talks
			hit = &c
		}
	})
	if hit != nil {
		return hit, nil
	}
	k, err := load()
	if err != nil {
		return nil, err
	}
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil {
			c := *k
			e.talks = &c
		}
	})
	return k, nil
}

// cachedDelegations returns the talks' delegations from the cache, or
// loads and keeps them.
func (t *Tx) cachedDelegations(ctx context.Context, id string, load func() ([]parley.Delegation, error)) ([]parley.Delegation, error) {
	if !t.cacheable(ctx) {
		return load()
	}
	var hit []parley.Delegation
	ok := false
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil && e.hasDels {
			hit, ok = slices.Clone(e.dels), true
		}
	})
	if ok {
		if hit == nil {
			hit = []parley.Delegation{}
		}
		return hit, nil
	}
	ds, err := load()
	if err != nil {
		return nil, err
	}
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil {
			e.dels, e.hasDels = slices.Clone(ds), true
		}
	})
	return ds, nil
}

// cachedMembers returns the talks' members from the cache, or loads and
// keeps them.
func (t *Tx) cachedMembers(ctx context.Context, id string, load func() ([]parley.Member, error)) ([]parley.Member, error) {
	if !t.cacheable(ctx) {
		return load()
	}
	var hit []parley.Member
	ok := false
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil && e.hasMembers {
			hit, ok = slices.Clone(e.members), true
		}
	})
	if ok {
		if hit == nil {
			hit = []parley.Member{}
		}
		return hit, nil
	}
	ms, err := load()
	if err != nil {
		return nil, err
	}
	t.withEntry(id, func(e *scopeEntry) {
		if e != nil {
			e.members, e.hasMembers = slices.Clone(ms), true
		}
	})
	return ms, nil
}

// noteWrite marks the batch dirty when query changes a cached table.
func (t *Tx) noteWrite(query string) {
	if t.batch != nil && !t.batch.dirty && scopeWrite.MatchString(query) {
		t.batch.dirty = true
	}
}

// committed brings the cache up to a batch that committed: entries stay
// current at the new size unless the batch wrote a cached table.
func (c *scopeCache) committed(b *txBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case b.dirty:
		clear(c.m)
		c.at = -1
	case b.checked && b.sized:
		c.at = b.size
	}
}
