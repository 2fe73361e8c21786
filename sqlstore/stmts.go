package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps a prepared statement for each query text the store runs,
// so that an engine parses and plans a statement once per connection
// instead of at every call (with SQLite, parsing was a quarter of the
// server's time under load). A statement is prepared in the background the
// first time its text is seen, and that first call runs unprepared: a
// caller never waits for a pool connection to prepare on. Texts built at
// run time (IN lists of every length) are bounded by maxStmts; past it,
// new texts run unprepared.
type stmtCache struct {
	db *sql.DB

	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	wg      sync.WaitGroup
}

// maxStmts bounds the statements kept.
const maxStmts = 256

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for query, or nil when it is not
// prepared (yet): the caller then runs the query text itself.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.pending[query] || len(c.m)+len(c.pending) >= maxStmts {
		return nil
	}
	c.pending[query] = true
	c.wg.Add(1)
	go c.prepare(query)
	return nil
}

func (c *stmtCache) prepare(query string) {
	defer c.wg.Done()
	st, err := c.db.PrepareContext(context.Background(), query)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || c.closed {
		if st != nil {
			st.Close()
		}
		// Not kept pending: a later call tries again (the database may
		// have been busy); a text that cannot be prepared fails unprepared.
		delete(c.pending, query)
		return
	}
	delete(c.pending, query)
	c.m[query] = st
}

// close closes every statement; get returns nil from then on.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}
