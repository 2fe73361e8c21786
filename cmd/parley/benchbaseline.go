package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parley"
	"parley/eventlog"
	"parley/ledger"
)

// baselineResult is what the store alone does with the same messages.
type baselineResult struct {
	Events      int64   `json:"events"`
	Writers     int     `json:"writers"`
	PerSec      float64 `json:"events_per_s"`
	PerCommit   float64 `json:"events_per_commit"`
	Description string  `json:"description"`
}

// baselineRun appends n message events of textBytes each to a fresh
// database of the same engine (d, in a directory or schema of its own)
// from the given number of writers: each through Store.Update with the
// same durability settings and group commit as the server, a signed
// checkpoint per commit, and none of the server's work around it (HTTP,
// authentication, the actor's scope, the message row, publishing). It is
// what the disk and the ledger allow.
func baselineRun(ctx context.Context, d *deployment, n, writers, textBytes int) (*baselineResult, error) {
	store, err := d.openStore(ctx, true)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	skey, _, err := ledger.GenerateKey("parley.bench/baseline")
	if err != nil {
		return nil, err
	}
	signer, err := ledger.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	store.Seal = eventlog.Sealer(signer)
	text := strings.Repeat("w", textBytes)
	var next atomic.Int64
	var errs onceErr
	var wg sync.WaitGroup
	start := time.Now()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) || errs.get() != nil {
					return
				}
				data, _ := json.Marshal(parley.Message{ID: parley.NewID("m_"), TalksID: "t_baseline", Room: "caucus:party-0", RoomSeq: i,
					Author: "u_baseline", AuthorName: "baseline", Delegation: "d_baseline", Disclosure: parley.Relayable, Text: text, CreatedAt: time.Now().UTC()})
				e := &parley.Event{Time: time.Now(), Kind: parley.EventMessagePosted, Talks: "t_baseline", Room: "caucus:party-0", Actor: "u_baseline", Data: data}
				if _, err := store.Update(ctx, func(tx parley.Tx) error { return eventlog.Append(ctx, tx, e) }); err != nil {
					errs.set(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errs.get(); err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	var commits int64
	if err := store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM checkpoints`).Scan(&commits); err != nil {
		return nil, err
	}
	return &baselineResult{Events: int64(n), Writers: writers, PerSec: float64(n) / elapsed.Seconds(), PerCommit: float64(n) / float64(max(commits, 1)),
		Description: "the same number of message events appended to a fresh database of the same engine through Store.Update (group commit, a signed checkpoint per commit, the same durability settings), without HTTP, authentication, scope, message rows or publishing"}, nil
}

// baselineDeployment returns a fresh deployment of the same engine as d
// for the baseline, and a function that removes it.
func baselineDeployment(ctx context.Context, d *deployment) (*deployment, func(), error) {
	dir, err := os.MkdirTemp("", "parley-baseline-")
	if err != nil {
		return nil, nil, err
	}
	bd := &deployment{data: dir}
	cleanup := func() { os.RemoveAll(dir) }
	if d.db != "" {
		sdsn, drop, err := tempSchema(ctx, d.db)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		bd.db = sdsn
		cleanup = func() { drop(); os.RemoveAll(dir) }
	}
	return bd, cleanup, nil
}
