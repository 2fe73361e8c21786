package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/eventlog"
	"parley/internal/fixture"
	"parley/postgres"
	"parley/postgres/pgtest"
	"parley/talks"
)

// TestBusReconnects: a node whose database connections are all cut
// reconnects, and its subscribers get every event committed meanwhile on
// another node, in order, exactly once.
func TestBusReconnects(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip(pgtest.SkipMessage)
	}
	ctx := context.Background()
	a := fixture.New(t)

	// Node b, whose connections carry an application name of their own so
	// that the test can cut them all.
	u, _ := url.Parse(a.DSN)
	q := u.Query()
	name := fmt.Sprintf("parley-test-b-%d", time.Now().UnixNano())
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	storeB, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer storeB.Close()
	storeB.Seal = eventlog.Sealer(a.Signer)
	logs := &fixture.Buffer{}
	bus := postgres.NewBus(storeB, u.String(), talks.NewBus())
	bus.Log = slog.New(slog.NewTextHandler(logs, nil))
	bus.PollEvery = time.Hour // only notifications and reconnections wake it
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	start := bus.Last()
	cursor := start

	postN := func(from, n int) {
		for i := from; i < from+n; i++ {
			if _, err := a.Talks.Post(ctx, a.U("israel"), a.TalksID, "caucus:israel", talks.NewMessage{Text: fmt.Sprint("post ", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	receive := func(n int) []parley.Event {
		var got []parley.Event
		timeout := time.After(15 * time.Second)
		for len(got) < n {
			changed := bus.Changed()
			evs, complete := bus.Since(cursor)
			if !complete {
				t.Fatal("the bus lost events")
			}
			for _, e := range evs {
				got, cursor = append(got, *e), e.Seq
			}
			if len(evs) > 0 {
				continue
			}
			select {
			case <-changed:
			case <-timeout:
				t.Fatalf("got %d events, want %d; bus log:\n%s", len(got), n, logs.String())
			}
		}
		return got
	}
	// Wait until b listens, so that the first posts are announced to it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if countListeners(t, a.DSN, name) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node b never listened")
		}
	}
	postN(0, 5)
	got := receive(5)

	admin, err := sql.Open("pgx", pgtest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("cut %d connections: %v", killed, err)
	}
	postN(5, 10) // committed while b is cut off
	got = append(got, receive(10)...)
	for i, e := range got {
		if e.Seq != start+int64(i)+1 {
			t.Fatalf("event %d has seq %d, want %d", i, e.Seq, start+int64(i)+1)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if evs, _ := bus.Since(cursor); len(evs) > 0 {
		t.Fatalf("an extra event %d", evs[0].Seq)
	}
	if !strings.Contains(logs.String(), "reconnecting") {
		t.Errorf("the bus did not report the lost connection:\n%s", logs.String())
	}
	// b's store works again too.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := storeB.Update(ctx, func(tx parley.Tx) error { return tx.PutSetting(ctx, "probe", "1") })
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node b's store after the cut: %v", err)
		}
	}
}

// countListeners counts the sessions named name that listen.
func countListeners(t *testing.T, dsn, name string) int {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
