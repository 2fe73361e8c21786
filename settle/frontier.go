package settle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"time"
)

// Outcome is a point in utility space together with a package that reaches
// it.
type Outcome struct {
	// Package is one package with these utilities; when several packages
	// share the utility vector, which one is shown is unspecified but
	// deterministic.
	Package Package
	// Utilities holds each party's utility, in party order.
	Utilities []float64
	// Count is the number of packages with exactly this utility vector
	// (saturating at the largest uint64); 0 when not counted (utilities
	// capped at 1, and frontiers found by branch and bound).
	Count uint64

	fixed []int64
}

// Frontier is the Pareto frontier of a Space: one Outcome per distinct
// undominated utility vector.
type Frontier struct {
	// Points lists the frontier in decreasing lexicographic order of the
	// utility vectors (for two parties: first party's utility descending,
	// second party's ascending).
	Points []Outcome
	// Method names the algorithm used: "merge", "enumerate" or
	// "branch-and-bound".
	Method string
	// Exact reports that the frontier is proven complete: always for merge
	// and enumeration; for branch and bound when the search finished
	// within its budget.
	Exact bool
	// Gap is 0 for an exact frontier. Otherwise no package outside the
	// points found can beat all of them by more than Gap: lowering every
	// party's utility of any package by Gap leaves it weakly dominated by
	// a point found.
	Gap float64
	// Nodes counts the search nodes branch and bound visited.
	Nodes int64
}

// Len returns the number of distinct utility vectors on the frontier.
func (f *Frontier) Len() int { return len(f.Points) }

// Packages returns the number of packages on the frontier, counting every
// package that shares a frontier utility vector.
func (f *Frontier) Packages() uint64 {
	var n uint64
	for _, p := range f.Points {
		n = addSat(n, p.Count)
	}
	return n
}

func addSat(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return ^uint64(0)
	}
	return s
}

func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

// Pareto computes the exact Pareto frontier by merging per-issue frontiers
// issue by issue; it never enumerates the outcome space. A package is on the
// frontier when no other package is at least as good for every party and
// better for one.
//
// Spaces with a non-linear profile are solved exactly by branch and bound
// (see ParetoWithin); Pareto gives it no time limit.
func (s *Space) Pareto(ctx context.Context) (*Frontier, error) {
	return s.ParetoWithin(ctx, 0)
}

// ParetoWithin is Pareto with a time budget for spaces with non-linear
// profiles: when the branch and bound has not finished after budget (0
// means no limit), it returns the points found so far with Exact false and
// the remaining Gap. Linear spaces ignore the budget.
func (s *Space) ParetoWithin(ctx context.Context, budget time.Duration) (*Frontier, error) {
	if !s.linear {
		return s.paretoBnB(ctx, budget)
	}
	var f *Frontier
	var err error
	if len(s.Profiles) == 2 {
		f, err = s.merge2(ctx)
	} else {
		f, err = s.mergeN(ctx)
	}
	if err != nil || !s.capped {
		return f, err
	}
	return s.capFrontier(f), nil
}

// capFrontier applies the parties' caps at 1 to a frontier of their
// uncapped utilities. Capping is monotone, so the capped frontier is the
// non-dominated part of the capped points; a point where some capped
// party sits at 1 may now stand for packages off the uncapped frontier, so
// its count becomes 0 (not counted).
func (s *Space) capFrontier(f *Frontier) *Frontier {
	np := len(s.Profiles)
	ps := &pset{n: np}
	v := make([]int64, np)
	for k, pt := range f.Points {
		cnt := pt.Count
		for p, x := range pt.fixed {
			v[p] = x
			if s.parties[p].capped && x >= Scale {
				v[p], cnt = Scale, 0
			}
		}
		ps.push(v, uint64(k), cnt)
	}
	ps = ps.filter()
	out := &Frontier{Method: f.Method, Exact: true, Points: make([]Outcome, ps.len())}
	for k := range out.Points {
		out.Points[k] = s.outcome(f.Points[ps.ref[k]].Package, ps.vec(k), ps.cnt[k])
	}
	return out
}

// ParetoByEnumeration computes the same frontier as Pareto by enumerating
// every package; it serves as a reference and a baseline.
func (s *Space) ParetoByEnumeration(ctx context.Context) (*Frontier, error) {
	np := len(s.Profiles)
	const chunk = 1 << 18
	run := &pset{n: np}
	cur := &pset{n: np}
	var err error
	flush := func() {
		if cur, err = cur.filterCtx(ctx); err != nil {
			return
		}
		run.appendSet(cur)
		if run, err = run.filterCtx(ctx); err != nil {
			return
		}
		cur = &pset{n: np}
	}
	eerr := s.enumerate(func(idx uint64, _ Package, u []int64) bool {
		cur.u = append(cur.u, u...)
		cur.ref = append(cur.ref, idx)
		cur.cnt = append(cur.cnt, 1)
		if len(cur.ref) == chunk {
			if err = ctx.Err(); err != nil {
				return false
			}
			flush()
			return err == nil
		}
		return true
	})
	if eerr != nil {
		return nil, eerr
	}
	if err == nil {
		flush()
	}
	if err != nil {
		return nil, fmt.Errorf("settle: pareto: %w", err)
	}
	f := &Frontier{Method: "enumerate", Exact: true, Points: make([]Outcome, run.len())}
	for i := range f.Points {
		pkg := make(Package, len(s.Domain.Issues))
		s.decode(run.ref[i], pkg)
		f.Points[i] = s.outcome(pkg, run.vec(i), run.cnt[i])
	}
	return f, nil
}

func (s *Space) outcome(pkg Package, fx []int64, count uint64) Outcome {
	o := Outcome{Package: pkg, Count: count, fixed: slices.Clone(fx), Utilities: make([]float64, len(fx))}
	for p, x := range fx {
		o.Utilities[p] = FromFixed(x)
	}
	return o
}

// pset is a set of utility vectors stored flat, with a reference (an
// enumeration index or a packed back-pointer) and a package count per point.
type pset struct {
	n   int
	u   []int64
	ref []uint64
	cnt []uint64
}

func (p *pset) len() int          { return len(p.ref) }
func (p *pset) vec(i int) []int64 { return p.u[i*p.n : (i+1)*p.n] }
func (p *pset) appendSet(q *pset) {
	p.u = append(p.u, q.u...)
	p.ref = append(p.ref, q.ref...)
	p.cnt = append(p.cnt, q.cnt...)
}
func (p *pset) push(v []int64, ref, cnt uint64) {
	p.u = append(p.u, v...)
	p.ref = append(p.ref, ref)
	p.cnt = append(p.cnt, cnt)
}

// filter returns the non-dominated points of p, one per distinct vector with
// counts summed, in decreasing lexicographic order. Sorting that way puts
// every possible dominator of a point before it and equal vectors next to
// each other; the first of equal vectors keeps its reference.
func (p *pset) filter() *pset {
	out, _ := p.filterCtx(context.Background())
	return out
}

// filterCtx is filter that stops when ctx is done; the n-dimensional case
// is quadratic in the worst case.
func (p *pset) filterCtx(ctx context.Context) (*pset, error) {
	order := make([]int32, p.len())
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		va, vb := p.vec(int(a)), p.vec(int(b))
		for k := range va {
			if c := cmp.Compare(vb[k], va[k]); c != 0 {
				return c
			}
		}
		return 0
	})
	out := &pset{n: p.n}
	var best *prefixMax // three parties: the largest u3 kept for each u2 and above
	if p.n == 3 {
		best = newPrefixMax(p)
	}
	// The pairwise test (four or more parties) may cost a pass over
	// everything kept per point: check the context more often there.
	mask := 4095
	if p.n > 3 {
		mask = 63
	}
	for n, i := range order {
		if n&mask == mask {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		v := p.vec(int(i))
		if k := out.len(); k > 0 && slices.Equal(out.vec(k-1), v) {
			out.cnt[k-1] = addSat(out.cnt[k-1], p.cnt[i])
			continue
		}
		switch p.n {
		case 2:
			// Staircase: first coordinate is non-increasing, so only a
			// strictly larger second coordinate escapes domination.
			if k := out.len(); k > 0 && v[1] <= out.u[2*k-1] {
				continue
			}
		case 3:
			// Every kept point has a first coordinate at least v's, so v
			// is dominated when some kept point is at least v in the other
			// two: when the largest u3 kept among u2 ≥ v's u2 reaches v's.
			if best.query(v[1]) >= v[2] {
				continue
			}
			best.add(v[1], v[2])
		default:
			if out.dominates(v) {
				continue
			}
		}
		out.push(v, p.ref[i], p.cnt[i])
		if out.len() > MaxFrontier {
			return nil, errTooLarge()
		}
	}
	return out, nil
}

// prefixMax answers "the largest z among the points added whose y is at
// least a given y" in O(log n): a Fenwick tree of maxima over the ranks of
// the set's y values, largest first.
type prefixMax struct {
	ys   []int64 // distinct y values, ascending
	tree []int64
}

func newPrefixMax(p *pset) *prefixMax {
	ys := make([]int64, p.len())
	for i := range ys {
		ys[i] = p.u[i*p.n+1]
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	t := make([]int64, len(ys)+1)
	for i := range t {
		t[i] = math.MinInt64
	}
	return &prefixMax{ys: ys, tree: t}
}

// pos is the 1-based rank of y among the values from the largest down.
func (f *prefixMax) pos(y int64) int {
	return len(f.ys) - sort.Search(len(f.ys), func(k int) bool { return f.ys[k] >= y })
}

func (f *prefixMax) add(y, z int64) {
	for k := f.pos(y); k < len(f.tree); k += k & -k {
		f.tree[k] = max(f.tree[k], z)
	}
}

func (f *prefixMax) query(y int64) int64 {
	m := int64(math.MinInt64)
	for k := f.pos(y); k > 0; k -= k & -k {
		m = max(m, f.tree[k])
	}
	return m
}

// MaxFrontier is the most points a frontier, or any partial frontier or
// candidate set on the way to it, may hold (about 64 MiB of points for two
// parties). Spaces where nearly every package is Pareto-optimal (exactly
// opposed interests) exceed it; they get ErrFrontierTooLarge instead of
// exhausting memory.
var MaxFrontier = 1 << 21

// ErrFrontierTooLarge reports a frontier over MaxFrontier points.
var ErrFrontierTooLarge = errors.New("Pareto frontier too large")

func errTooLarge() error {
	return fmt.Errorf("%w: more than %d points (the parties' interests are so exactly opposed that nearly every package is Pareto-optimal; use fewer options)", ErrFrontierTooLarge, MaxFrontier)
}

// dominates reports whether some point of p weakly dominates v (v is known
// not to equal any point of p).
func (p *pset) dominates(v []int64) bool {
	for k := 0; k < p.len(); k++ {
		w := p.vec(k)
		ge := true
		for j := range v {
			if w[j] < v[j] {
				ge = false
				break
			}
		}
		if ge {
			return true
		}
	}
	return false
}

// issueSet returns the per-issue frontier of issue i: one entry per distinct
// undominated contribution vector, referencing its first option.
func (s *Space) issueSet(ctx context.Context, i int) (*pset, error) {
	np := len(s.Profiles)
	p := &pset{n: np}
	v := make([]int64, np)
	for o := range s.Domain.Issues[i].Len() {
		for q := range np {
			v[q] = s.contrib[q][i][o]
		}
		p.push(v, uint64(o), 1)
	}
	return p.filterCtx(ctx)
}

// mergeN is the n-party merge: Minkowski sum of the running frontier with
// each issue's frontier followed by an n-dimensional non-dominated filter.
// Any prefix of a Pareto-optimal package is itself undominated among the
// prefixes (otherwise swapping in the dominating prefix would dominate the
// package), so pruning loses nothing.
func (s *Space) mergeN(ctx context.Context) (*Frontier, error) {
	np, ni := len(s.Profiles), len(s.Domain.Issues)
	levels := make([]*pset, ni)
	var err error
	if levels[0], err = s.issueSet(ctx, 0); err != nil {
		return nil, fmt.Errorf("settle: pareto: %w", err)
	}
	v := make([]int64, np)
	for i := 1; i < ni; i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
		a := levels[i-1]
		b, err := s.issueSet(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
		if a.len()*b.len() > 4*MaxFrontier {
			return nil, fmt.Errorf("settle: pareto: %w", errTooLarge())
		}
		c := &pset{n: np}
		for x := 0; x < a.len(); x++ {
			for y := 0; y < b.len(); y++ {
				va, vb := a.vec(x), b.vec(y)
				for q := range v {
					v[q] = va[q] + vb[q]
				}
				c.push(v, uint64(x)<<21|b.ref[y], mulSat(a.cnt[x], b.cnt[y]))
			}
		}
		if levels[i], err = c.filterCtx(ctx); err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
	}
	last := levels[ni-1]
	f := &Frontier{Method: "merge", Exact: true, Points: make([]Outcome, last.len())}
	for k := range f.Points {
		pkg := make(Package, ni)
		ref := last.ref[k]
		for i := ni - 1; i > 0; i-- {
			pkg[i] = int(ref & (1<<21 - 1))
			ref = levels[i-1].ref[ref>>21]
		}
		pkg[0] = int(ref)
		f.Points[k] = s.outcome(pkg, last.vec(k), last.cnt[k])
	}
	return f, nil
}
