package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"parley"
	"parley/ledger"
	"parley/postgres"
	"parley/settle"
	"parley/talks"
)

// runInProcess measures through the service calls the API makes, in this
// process: posting on one node and two, reading, bundles, and the
// settlement engine (parley bench --in-process).
func runInProcess(ctx context.Context, m *Main, dbURL string, events, writers int, asJSON bool) error {
	if events < 10 || writers < 1 {
		fmt.Fprintln(m.Stderr, "parley bench: --events must be at least 10 and --writers at least 1")
		return errUsage
	}
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d := &deployment{data: dir}
	if dbURL != "" {
		sdsn, drop, err := tempSchema(ctx, dbURL)
		if err != nil {
			return err
		}
		defer drop()
		d.db = sdsn
	}
	a, err := d.open(ctx, "parley.bench/ledger", true)
	if err != nil {
		return err
	}
	defer a.Close()
	b := &bencher{a: a}
	if err := b.setup(ctx); err != nil {
		return err
	}
	var res []benchResult
	one := []*talks.Service{a.talks}
	seq, err := b.appendRun(ctx, events, 1, one)
	if err != nil {
		return err
	}
	res = append(res, benchResult{Name: "post, 1 writer (durable commit each)", Value: seq, Unit: "events/s"})
	par, err := b.appendRun(ctx, events, writers, one)
	if err != nil {
		return err
	}
	res = append(res, benchResult{Name: fmt.Sprintf("post, %d writers (group commit)", writers), Value: par, Unit: "events/s", Baseline: "post, 1 writer", Ratio: par / seq})
	// A second node on the same database (another store, bus and service,
	// as a second parley serve process would have): the writers are split
	// between the nodes, which take turns at the log's write lock.
	a2, err := d.open(ctx, "", false)
	if err != nil {
		return err
	}
	defer a2.Close()
	two, err := b.appendRun(ctx, events, writers, []*talks.Service{a.talks, a2.talks})
	if err != nil {
		return err
	}
	res = append(res, benchResult{Name: fmt.Sprintf("post, 2 nodes × %d writers", max(writers/2, 1)), Value: two, Unit: "events/s", Baseline: "1 node", Ratio: two / par})
	reads, err := b.readRun(ctx, 2*time.Second)
	if err != nil {
		return err
	}
	res = append(res, benchResult{Name: "read a 50-message page", Value: reads, Unit: "pages/s"})
	bundle, verify, n, err := b.bundleRun(ctx)
	if err != nil {
		return err
	}
	res = append(res,
		benchResult{Name: fmt.Sprintf("export a party's bundle (%d events)", n), Value: bundle, Unit: "ms"},
		benchResult{Name: "verify that bundle offline", Value: verify, Unit: "ms"})
	res = append(res, settleRun(ctx)...)

	if asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	engine := "SQLite in a temporary directory, synchronous=FULL"
	if dbURL != "" {
		engine = "PostgreSQL " + postgres.Redact(dbURL) + ", in a temporary schema"
	}
	fmt.Fprintf(m.Stdout, "parley bench --in-process (%d events per append run, %s)\n\n", events, engine)
	for _, r := range res {
		line := fmt.Sprintf("%-48s %14.1f %-10s", r.Name, r.Value, r.Unit)
		if r.Baseline != "" {
			line += fmt.Sprintf(" %.1f× %s", r.Ratio, r.Baseline)
		}
		fmt.Fprintln(m.Stdout, line)
	}
	return nil
}

// bencher holds a deployment with one talks, a mediator and a party.
type bencher struct {
	a               *app
	talksID         string
	mediator, party *parley.User
}

func (b *bencher) setup(ctx context.Context) error {
	op, err := b.a.talks.CreateUser(ctx, nil, talks.NewUser{Name: "operator", Password: "bench password", Admin: true})
	if err != nil {
		return err
	}
	if b.mediator, err = b.a.talks.CreateUser(ctx, op, talks.NewUser{Name: "mediator", Password: "bench password"}); err != nil {
		return err
	}
	if b.party, err = b.a.talks.CreateUser(ctx, op, talks.NewUser{Name: "party", Password: "bench password"}); err != nil {
		return err
	}
	t, err := b.a.talks.CreateTalks(ctx, op, "Bench")
	if err != nil {
		return err
	}
	b.talksID = t.ID
	dels := []struct {
		slug, user string
		kind       parley.DelegationKind
	}{{"med", "mediator", parley.KindMediator}, {"side", "party", parley.KindParty}, {"other", "", parley.KindParty}}
	for _, d := range dels {
		if _, err := b.a.talks.AddDelegation(ctx, op, t.ID, talks.NewDelegation{Name: d.slug, Slug: d.slug, Kind: d.kind}); err != nil {
			return err
		}
	}
	// The operator seats the mediator, who seats the party.
	for _, d := range dels {
		by := b.mediator
		if d.kind == parley.KindMediator {
			by = op
		}
		if d.user != "" {
			if _, err := b.a.talks.AddMember(ctx, by, t.ID, d.slug, talks.NewMember{User: d.user, Role: parley.RoleHead}); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendRun posts n messages from k goroutines through the whole command
// path of the nodes' services (writer w on node w mod len(nodes)) and
// returns events per second.
func (b *bencher) appendRun(ctx context.Context, n, k int, nodes []*talks.Service) (float64, error) {
	var wg sync.WaitGroup
	errc := make(chan error, k)
	start := time.Now()
	for w := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += k {
				user, room := b.party, "caucus:side"
				if i%2 == 1 {
					user, room = b.mediator, "caucus:other"
				}
				if _, err := nodes[w%len(nodes)].Post(ctx, user, b.talksID, room, talks.NewMessage{Text: fmt.Sprintf("message %d", i)}); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func (b *bencher) readRun(ctx context.Context, d time.Duration) (float64, error) {
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if _, err := b.a.talks.Messages(ctx, b.party, b.talksID, "caucus:side", int64(n%10), 50); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func (b *bencher) bundleRun(ctx context.Context) (exportMS, verifyMS float64, n int, err error) {
	start := time.Now()
	bu, err := b.a.talks.Bundle(ctx, b.party)
	if err != nil {
		return 0, 0, 0, err
	}
	exportMS = float64(time.Since(start).Microseconds()) / 1000
	start = time.Now()
	if err := ledger.VerifyBundle(bu, b.a.signer.VerifierKey()); err != nil {
		return 0, 0, 0, err
	}
	return exportMS, float64(time.Since(start).Microseconds()) / 1000, len(bu.Entries), nil
}

// settleRun times the exact frontier and all solutions on 10^6 and 10^12
// outcome domains, with enumeration of the 10^6 domain as the baseline.
func settleRun(ctx context.Context) []benchResult {
	timeIt := func(f func() error) float64 {
		start := time.Now()
		if err := f(); err != nil {
			return -1
		}
		return float64(time.Since(start).Microseconds()) / 1000
	}
	space := func(issues int) *settle.Space {
		d, ps := settle.Generate(rand.New(rand.NewPCG(1, 2)), 2, issues, 10, true)
		s, _ := settle.New(d, ps...)
		return s
	}
	small, large := space(6), space(12)
	enum := timeIt(func() error { _, err := small.ParetoByEnumeration(ctx); return err })
	merge := timeIt(func() error { _, err := small.Settle(ctx); return err })
	big := timeIt(func() error { _, err := large.Settle(ctx); return err })
	return []benchResult{
		{Name: "frontier by enumeration, 10^6 outcomes", Value: enum, Unit: "ms"},
		{Name: "frontier + solutions by merging, 10^6", Value: merge, Unit: "ms", Baseline: "faster than enumeration", Ratio: enum / merge},
		{Name: "frontier + solutions by merging, 10^12", Value: big, Unit: "ms"},
	}
}
