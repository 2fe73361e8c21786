package talks_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/ledger"
	"parley/postgres/pgtest"
	"parley/talks"
)

// TestStreamAcrossNodes: events committed on either of two nodes reach a
// stream opened on one of them, each once, in ledger order, without a
// gap; a party's stream on the other node carries only what it may see.
func TestStreamAcrossNodes(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip("several nodes need PostgreSQL's notifications: " + pgtest.SkipMessage)
	}
	a := fixture.New(t)
	b := a.Node(t)
	start, err := a.Talks.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	collect := func(e *fixture.Env, user string, n int) <-chan []talks.Delivery {
		out := make(chan []talks.Delivery, 1)
		next, stop := iter.Pull2(e.Talks.Stream(sctx, e.U(user), talks.StreamOptions{After: start}))
		go func() {
			defer stop()
			var got []talks.Delivery
			for len(got) < n {
				d, err, ok := next()
				if !ok || err != nil {
					break
				}
				got = append(got, d)
			}
			out <- got
		}()
		return out
	}
	const perNode = 15
	mediator := collect(b, "qatar", 3*perNode)
	party := collect(b, "israel", perNode)
	var wg sync.WaitGroup
	for i, node := range []*fixture.Env{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perNode {
				post(t, node, "hamas", "caucus:hamas", fmt.Sprintf("node %d hamas %d", i, j), parley.Relayable)
				if i == 0 {
					post(t, node, "israel", "caucus:israel", fmt.Sprintf("node %d israel %d", i, j), parley.Relayable)
				}
			}
		}()
	}
	wg.Wait()
	timeout := time.After(20 * time.Second)
	select {
	case got := <-mediator:
		if len(got) != 3*perNode {
			t.Fatalf("the mediator's stream on node b got %d events, want %d", len(got), 3*perNode)
		}
		for i, d := range got {
			if d.Seq != start+int64(i)+1 {
				t.Fatalf("event %d has seq %d, want %d: out of order, repeated or missed", i, d.Seq, start+int64(i)+1)
			}
		}
	case <-timeout:
		t.Fatal("the mediator's stream on node b did not get every event")
	}
	select {
	case got := <-party:
		for _, d := range got {
			if d.Room != "caucus:israel" {
				t.Fatalf("israel's stream carried an event of %q", d.Room)
			}
		}
		if len(got) != perNode {
			t.Fatalf("israel's stream got %d events, want %d", len(got), perNode)
		}
	case <-timeout:
		t.Fatal("israel's stream on node b did not get its events")
	}
}

// TestTwoNodesOneLedger: 2 nodes × 20 writers append to one ledger at
// once. The log stays one linear history: every index used once, the
// whole tree recomputes on both nodes, every checkpoint is signed for the
// tree at its size, and each one extends every earlier one (consistency
// proofs between every pair). Group commit keeps working on each node.
// On SQLite the nodes are two stores on one file, as two processes are.
func TestTwoNodesOneLedger(t *testing.T) {
	a := fixture.New(t)
	b := a.Node(t)
	start, err := a.Talks.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const writers, posts = 20, 3
	var wg sync.WaitGroup
	for i, node := range []*fixture.Env{a, b} {
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user, room := "israel", "caucus:israel"
				if w%2 == 1 {
					user, room = "hamas", "caucus:hamas"
				}
				for p := range posts {
					if _, err := node.Talks.Post(ctx, node.U(user), node.TalksID, room, talks.NewMessage{Text: fmt.Sprintf("node %d writer %d post %d", i, w, p)}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	want := start + 2*writers*posts
	for i, node := range []*fixture.Env{a, b} {
		size, err := node.Talks.CheckLedger(ctx)
		if err != nil || size != want {
			t.Fatalf("ledger-check on node %d: %d events, %v; want %d", i, size, err, want)
		}
	}
	rows, err := a.Store.DB().QueryContext(ctx, `SELECT size, note FROM checkpoints ORDER BY size`)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	var notes [][]byte
	for rows.Next() {
		var n int64
		var note string
		if err := rows.Scan(&n, &note); err != nil {
			t.Fatal(err)
		}
		sizes, notes = append(sizes, n), append(notes, []byte(note))
	}
	rows.Close()
	if sizes[len(sizes)-1] != want {
		t.Fatalf("the last checkpoint is for size %d, want %d", sizes[len(sizes)-1], want)
	}
	var batched int64
	for i := range sizes {
		if i > 0 && sizes[i]-sizes[i-1] > 1 {
			batched++
		}
	}
	t.Logf("%d events in %d checkpoints; %d commits held several events", want, len(sizes), batched)
	if batched == 0 {
		t.Error("no commit held more than one event: group commit did not work")
	}
	vkey := a.Signer.VerifierKey()
	err = a.Store.View(ctx, func(tx parley.Tx) error {
		for i := range sizes {
			c, err := ledger.OpenCheckpoint(notes[i], vkey)
			if err != nil {
				return err
			}
			root, err := ledger.TreeHash(sizes[i], tx)
			if err != nil {
				return err
			}
			if c.Tree.N != sizes[i] || c.Tree.Hash != root {
				return fmt.Errorf("checkpoint stored for size %d is for size %d or another root", sizes[i], c.Tree.N)
			}
			for j := i + 1; j < len(sizes); j++ {
				p, err := ledger.ProveConsistency(sizes[i], sizes[j], tx)
				if err != nil {
					return err
				}
				if err := ledger.VerifyConsistency(notes[i], notes[j], p, vkey); err != nil {
					return fmt.Errorf("checkpoint %d does not extend %d: %w", sizes[j], sizes[i], err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
