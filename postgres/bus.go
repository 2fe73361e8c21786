package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// Bus is a parley.EventBus for several nodes on one database. The events
// table is the truth; PostgreSQL's LISTEN/NOTIFY is only the wake-up. Every
// committed batch notifies the schema's channel (Dialect.Announce); on a
// notification, and every PollEvery in case one was missed, the bus reads
// the events after the last one it published and hands them, in order and
// without gaps, to the local bus whose subscribers are this node's event
// streams. Events committed on this node are handed over at once when they
// follow the last one published.
//
// The listener holds one connection of its own. When it is lost, the bus
// reconnects with backoff and catches up from the table, so that nothing
// committed meanwhile is missed.
type Bus struct {
	store parley.Store
	dsn   string
	local parley.EventBus
	// Log receives connection losses and read failures; nil discards them.
	Log *slog.Logger
	// PollEvery is how often the bus reads the table without being woken,
	// in case a notification was lost; 0 means 5 seconds.
	PollEvery time.Duration

	mu   sync.Mutex
	last int64 // the seq of the last event handed to local

	wake   chan struct{}
	cancel context.CancelFunc
	done   sync.WaitGroup
}

var _ parley.EventBus = (*Bus)(nil)

// NewBus returns a bus that reads new events through store, listens on
// the database at dsn (the store's), and fans events out through local
// (an in-process bus such as talks.Bus). Start it before use.
func NewBus(store parley.Store, dsn string, local parley.EventBus) *Bus {
	return &Bus{store: store, dsn: dsn, local: local, wake: make(chan struct{}, 1)}
}

// Start begins listening. Events committed before Start are not published
// (subscribers read the past from the store); those committed after are.
func (b *Bus) Start(ctx context.Context) error {
	var size int64
	err := b.store.View(ctx, func(tx parley.Tx) error {
		var err error
		size, err = tx.LedgerSize(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: bus: %w", err)
	}
	b.last = size
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	b.done.Add(2)
	go b.listen(ctx)
	go b.fetchLoop(ctx)
	return nil
}

// Close stops listening.
func (b *Bus) Close() error {
	if b.cancel != nil {
		b.cancel()
		b.done.Wait()
	}
	return nil
}

// Changed is the local bus's: this node's streams read from it.
func (b *Bus) Changed() <-chan struct{} { return b.local.Changed() }

// Since is the local bus's.
func (b *Bus) Since(after int64) ([]*parley.Event, bool) { return b.local.Since(after) }

// Publish hands this node's newly committed events to the local bus if
// they follow the last one published; otherwise (events of other nodes
// came between) it wakes the bus to read them all from the table in order.
func (b *Bus) Publish(events []parley.Event) {
	if len(events) == 0 {
		return
	}
	b.mu.Lock()
	switch {
	case events[0].Seq == b.last+1:
		b.local.Publish(events)
		b.last = events[len(events)-1].Seq
		b.mu.Unlock()
	case events[len(events)-1].Seq <= b.last:
		b.mu.Unlock()
	default:
		b.mu.Unlock()
		b.poke()
	}
}

// Last returns the seq of the last event the bus published.
func (b *Bus) Last() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

func (b *Bus) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *Bus) log(msg string, args ...any) {
	if b.Log != nil {
		b.Log.Warn(msg, args...)
	}
}

// fetchBatch is how many events the bus reads at a time.
const fetchBatch = 500

// fetchLoop reads new events when woken, on every tick, and again soon
// after a failed read.
func (b *Bus) fetchLoop(ctx context.Context) {
	defer b.done.Done()
	every := b.PollEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	retry := backoff{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-tick.C:
		}
		if err := b.fetch(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			b.log("event bus: reading new events failed; retrying", "err", err)
			if !retry.sleep(ctx) {
				return
			}
			b.poke()
			continue
		}
		retry.reset()
	}
}

// fetch publishes every stored event after the last one published.
func (b *Bus) fetch(ctx context.Context) error {
	for {
		after := b.Last()
		var evs []parley.Event
		err := b.store.View(ctx, func(tx parley.Tx) error {
			var err error
			evs, err = tx.EventsAfter(ctx, after, fetchBatch)
			return err
		})
		if err != nil {
			return err
		}
		b.mu.Lock()
		var fresh []parley.Event
		for _, e := range evs {
			if e.Seq == b.last+1 {
				fresh = append(fresh, e)
				b.last = e.Seq
			}
		}
		if len(fresh) > 0 {
			b.local.Publish(fresh)
		}
		b.mu.Unlock()
		if len(evs) < fetchBatch {
			return nil
		}
	}
}

// listen keeps a connection listening on the schema's channel, waking the
// fetcher on every notification that announces an event not yet published
// and once after every (re)connection.
func (b *Bus) listen(ctx context.Context) {
	defer b.done.Done()
	retry := backoff{}
	for ctx.Err() == nil {
		err := b.listenOnce(ctx, &retry)
		if ctx.Err() != nil {
			return
		}
		b.log("event bus: lost the database connection; reconnecting", "err", err)
		if !retry.sleep(ctx) {
			return
		}
	}
}

func (b *Bus) listenOnce(ctx context.Context, retry *backoff) error {
	conn, err := pgx.Connect(ctx, b.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{Channel(schema)}.Sanitize()); err != nil {
		return err
	}
	retry.reset()
	// Listening from here on: what was committed before is read now.
	b.poke()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		seq, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil || seq > b.Last() {
			b.poke()
		}
	}
}

// Channel is the notification channel of a schema's events.
func Channel(schema string) string { return "parley:" + schema }

// backoff sleeps 100 ms, then twice as long each time, up to 5 s.
type backoff struct{ d time.Duration }

func (r *backoff) reset() { r.d = 0 }

// sleep waits; false means ctx ended first.
func (r *backoff) sleep(ctx context.Context) bool {
	r.d = min(max(2*r.d, 100*time.Millisecond), 5*time.Second)
	t := time.NewTimer(r.d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
