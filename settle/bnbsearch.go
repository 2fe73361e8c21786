package settle

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// assign sets issue i to option o at the given depth.
func (b *bnb) assign(depth int32, i, o int) {
	for k := range b.np {
		b.base[k] += b.lin[k][i][o]
	}
	for _, e := range b.inc[i] {
		if r := &b.rects[e.rect]; r.deadAt < 0 && r.flat {
			b.contribute(e.rect, -1)
		}
	}
	b.pkg[i] = o
	b.assigned[i] = true
	for _, e := range b.inc[i] {
		r := &b.rects[e.rect]
		if r.deadAt >= 0 {
			continue
		}
		if o < e.lo || o > e.hi {
			r.deadAt = depth
			continue
		}
		r.cnt++
		if r.flat {
			if r.cnt == len(r.bounds) {
				b.base[r.obj] += r.value
			} else {
				b.contribute(e.rect, 1)
			}
		}
	}
}

// undo reverts assign(depth, i, o).
func (b *bnb) undo(depth int32, i, o int) {
	for _, e := range b.inc[i] {
		r := &b.rects[e.rect]
		if r.deadAt == depth {
			r.deadAt = -1
			continue
		}
		if r.deadAt >= 0 {
			continue
		}
		if r.flat {
			if r.cnt == len(r.bounds) {
				b.base[r.obj] -= r.value
			} else {
				b.contribute(e.rect, -1)
			}
		}
		r.cnt--
	}
	b.assigned[i] = false
	for _, e := range b.inc[i] {
		if r := &b.rects[e.rect]; r.deadAt < 0 && r.flat {
			b.contribute(e.rect, 1)
		}
	}
	for k := range b.np {
		b.base[k] -= b.lin[k][i][o]
	}
}

// interval bounds a nested function's value from the rectangles' states.
func (b *bnb) interval(o *bbObj, nd *nlNode) (lo, hi int64) {
	lo, hi = nd.init, nd.init
	add := func(a, z int64) {
		switch nd.agg {
		case AggregateMin:
			lo, hi = min(lo, a), min(hi, z)
		case AggregateMax:
			lo, hi = max(lo, a), max(hi, z)
		default:
			lo, hi = lo+a, hi+z
		}
	}
	for _, ri := range nd.rects {
		r := &b.rects[o.rectID[ri]]
		var in, out int64 // worth inside and outside the box
		if r.exclude {
			out = r.value
		} else {
			in = r.value
		}
		switch {
		case r.deadAt >= 0:
			add(out, out)
		case r.cnt == len(r.bounds):
			add(in, in)
		default:
			add(min(in, out), max(in, out))
		}
	}
	for _, kid := range nd.kids {
		add(b.interval(o, kid))
	}
	return lo, hi
}

// bound writes each party's upper bound (capped) for the node at depth:
// the lowest over the table sets.
func (b *bnb) bound(depth int, ub []int64) {
	for k := range b.np {
		o := &b.objs[k]
		var nested int64
		for _, nd := range o.nested {
			_, hi := b.interval(o, nd)
			nested += hi
		}
		lowest := int64(math.MaxInt64)
		for set := range b.sets {
			v := b.base[k] + nested
			t := b.sets[set].tables[k]
			for _, i := range b.free {
				best := int64(math.MinInt64)
				for _, o := range b.cand[i] {
					best = max(best, t[i][o])
				}
				v += best
			}
			lowest = min(lowest, v)
		}
		ub[k] = min(o.cap, lowest)
	}
}

// hullReachable is the two-party relaxation test: can the convex hull of
// the sum of per-issue (table, table) points, plus the rest of the bound,
// reach a corner of the incumbent staircase that the bound box contains?
func (b *bnb) hullReachable(depth int, ub []int64) bool {
	vs := b.best.vecs
	const far = math.MinInt64 / 4
	// Corners of the region no incumbent weakly dominates, x descending.
	b.corners = b.corners[:0]
	for k := 0; k <= len(vs); k++ {
		c := [2]int64{far, far}
		if k < len(vs) {
			c[0] = vs[k][0] + 1
		}
		if k > 0 {
			c[1] = vs[k-1][1] + 1
		}
		if c[0] <= ub[0] && c[1] <= ub[1] {
			b.corners = append(b.corners, c)
		}
	}
	if len(b.corners) == 0 {
		return false
	}
	var start [2]int64
	for k := range 2 {
		v := b.base[k]
		o := &b.objs[k]
		for _, nd := range o.nested {
			_, hi := b.interval(o, nd)
			v += hi
		}
		start[k] = v
	}
	// A corner stays open only if every table set can reach it.
	h := &b.scratch
	for set := range b.sets {
		t := b.sets[set].tables
		h.edges = h.edges[:0]
		x0, y0 := start[0], start[1]
		for _, i := range b.free {
			b.pts = b.pts[:0]
			for _, o := range b.cand[i] {
				b.pts = append(b.pts, [2]int64{t[0][i][o], t[1][i][o]})
			}
			x0, y0 = h.addSet(b.pts, x0, y0)
		}
		if b.corners = h.reachable(x0, y0, b.corners); len(b.corners) == 0 {
			return false
		}
	}
	return true
}

// utilityOf converts party k's objective units to a utility.
func (b *bnb) utilityOf(k int, v int64) float64 { return FromFixed(b.objs[k].toFixed(v)) }

// recordGap notes how far an unexplored node's bound reaches beyond the
// incumbents: the smallest t such that lowering every party's bound by t
// (in utility) leaves it weakly dominated.
func (b *bnb) recordGap(ub []int64) {
	best := math.Inf(1)
	for _, q := range b.best.vecs {
		t := 0.0
		for k := range b.np {
			t = math.Max(t, b.utilityOf(k, ub[k])-b.utilityOf(k, q[k]))
		}
		best = math.Min(best, t)
	}
	if math.IsInf(best, 1) {
		best = 0
		for k := range b.np {
			best = math.Max(best, b.utilityOf(k, ub[k]))
		}
	}
	b.gap = math.Max(b.gap, best)
}

// score orders options: the sum of the parties' tables, each scaled.
func (b *bnb) score(i, o int, w []float64) float64 {
	s := 0.0
	t := b.sets[len(b.sets)/2].tables
	for k := range b.np {
		s += w[k] * float64(t[k][i][o]) / b.scale[k]
	}
	return s
}

func (b *bnb) dfs(depth int, w []float64) {
	b.nodes++
	if b.nodes&1023 == 0 && !b.stopped {
		if err := b.ctx.Err(); err != nil {
			b.err, b.stopped = err, true
		} else if !b.deadline.IsZero() && time.Now().After(b.deadline) {
			b.stopped = true
		}
	}
	ub := b.ubs[depth]
	b.bound(depth, ub)
	if b.best.dominated(ub) {
		return
	}
	if b.stopped {
		b.recordGap(ub)
		return
	}
	if depth == b.ni {
		b.best.add(ub, b.pkg)
		if len(b.best.vecs) > MaxFrontier {
			b.err, b.stopped = errTooLarge(), true
		}
		return
	}
	if b.np == 2 && !b.hullReachable(depth, ub) {
		return
	}
	if depth > 0 && depth <= retuneDepth {
		// Near the root, subtrees are large: tune the splits again for
		// the issues still free, and test again.
		b.open = b.open[:0]
		for ri := range b.rects {
			r := &b.rects[ri]
			if r.flat && r.deadAt < 0 && r.value > 0 && len(r.bounds)-r.cnt > 1 {
				b.open = append(b.open, int32(ri))
			}
		}
		for set := range b.sets {
			b.tune(set, b.open, retuneIters, retuneStep)
		}
		b.bound(depth, ub)
		if b.best.dominated(ub) || b.np == 2 && !b.hullReachable(depth, ub) {
			return
		}
	}
	// Branch on the free issue with the fewest options that no other
	// option dominates in the current state.
	var opts []int
	at := -1
	for k, i := range b.free {
		o := b.options(i, b.optBuf[depth][:0])
		if at < 0 || len(o) < len(opts) {
			at, opts = k, o
			b.optBuf[depth], b.optBuf[depth+1] = b.optBuf[depth+1], b.optBuf[depth]
			if len(opts) == 1 {
				break
			}
		}
	}
	i := b.free[at]
	last := len(b.free) - 1
	b.free[at], b.free[last] = b.free[last], b.free[at]
	b.free = b.free[:last]
	defer func() {
		b.free = b.free[:last+1]
		b.free[at], b.free[last] = b.free[last], b.free[at]
	}()
	slices.SortStableFunc(opts, func(x, y int) int {
		sx, sy := b.score(i, x, w), b.score(i, y, w)
		switch {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0
	})
	for _, o := range opts {
		b.assign(int32(depth), i, o)
		b.dfs(depth+1, w)
		b.undo(int32(depth), i, o)
	}
}

// Node tuning: depth limit, steps and first step size.
const (
	retuneDepth = 6
	retuneIters = 20
	retuneStep  = 0.2
)

// options returns the options of free issue i that no other option
// dominates given the rectangles still open: it meets every open positive
// top-level rectangle the other meets, no open negative one the other
// misses, the same open nested rectangles, and gives every party at least
// the same linear contribution. Of equivalent options the first is kept.
func (b *bnb) options(i int, out []int) []int {
	inc := b.inc[i]
	cand := b.cand[i]
	words := (len(inc) + 63) / 64
	need := len(cand) * words * 3
	if cap(b.sigBuf) < need {
		b.sigBuf = make([]uint64, need)
	}
	sig := b.sigBuf[:need]
	clear(sig)
	for n, o := range cand {
		pos, neg, nest := sig[n*3*words:], sig[(n*3+1)*words:], sig[(n*3+2)*words:]
		for k, e := range inc {
			r := &b.rects[e.rect]
			if r.deadAt >= 0 || o < e.lo || o > e.hi || r.value == 0 && r.flat {
				continue
			}
			bit := uint64(1) << (k % 64)
			switch {
			case !r.flat:
				nest[k/64] |= bit
			case r.value > 0:
				pos[k/64] |= bit
			default:
				neg[k/64] |= bit
			}
		}
	}
	dominates := func(x, y int) bool {
		for w := range words {
			px, py := sig[x*3*words+w], sig[y*3*words+w]
			nx, ny := sig[(x*3+1)*words+w], sig[(y*3+1)*words+w]
			sx, sy := sig[(x*3+2)*words+w], sig[(y*3+2)*words+w]
			if py&^px != 0 || nx&^ny != 0 || sx != sy {
				return false
			}
		}
		for k := range b.np {
			if b.lin[k][i][cand[x]] < b.lin[k][i][cand[y]] {
				return false
			}
		}
		return true
	}
	for y := range cand {
		drop := false
		for x := range cand {
			if x != y && dominates(x, y) && (x < y || !dominates(y, x)) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, cand[y])
		}
	}
	return out
}

// units returns party k's objective for a complete package.
func (b *bnb) units(k int, pkg Package) int64 {
	var v int64
	for i, o := range pkg {
		v += b.lin[k][i][o]
	}
	if m := b.objs[k].nl; m != nil {
		v += m.value(pkg) * b.objs[k].unit
	}
	return min(v, b.objs[k].cap)
}

// seed fills the incumbents before the search: for a spread of weightings
// of the parties, a greedy descent followed by a local search that changes
// one issue at a time while the weighted objective improves.
func (b *bnb) seed() {
	var ws [][]float64
	if b.np == 1 {
		ws = [][]float64{{1}}
	} else {
		for k := 0; k <= 10; k++ {
			w := make([]float64, b.np)
			l := float64(k) / 10
			w[0], w[1] = l, 1-l
			for j := 2; j < b.np; j++ {
				w[j] = 0.5
			}
			ws = append(ws, w)
		}
	}
	vec := make([]int64, b.np)
	pkg := make(Package, b.ni)
	for _, w := range ws {
		for d, i := range b.order {
			bestO, bestS := b.cand[i][0], math.Inf(-1)
			for _, o := range b.cand[i] {
				if s := b.score(i, o, w); s > bestS {
					bestO, bestS = o, s
				}
			}
			b.assign(int32(d), i, bestO)
		}
		copy(pkg, b.pkg)
		for d := b.ni - 1; d >= 0; d-- {
			b.undo(int32(d), b.order[d], b.pkg[b.order[d]])
		}
		weighted := func() float64 {
			s := 0.0
			for k := range b.np {
				vec[k] = b.units(k, pkg)
				s += w[k] * float64(vec[k]) / b.scale[k]
			}
			return s
		}
		cur := weighted()
		b.best.add(vec, pkg)
		for improved := true; improved; {
			improved = false
			for _, i := range b.order {
				keep := pkg[i]
				for _, o := range b.cand[i] {
					if o == keep {
						continue
					}
					pkg[i] = o
					if s := weighted(); s > cur {
						cur, keep, improved = s, o, true
						b.best.add(vec, pkg)
					}
				}
				pkg[i] = keep
			}
		}
	}
}

// weights returns the option-ordering weights: every party alike.
func (b *bnb) weights() []float64 {
	w := make([]float64, b.np)
	for k := range w {
		w[k] = 1
	}
	return w
}

// paretoBnB computes the frontier of a space with non-linear profiles by
// branch and bound; budget > 0 stops the search after that long and
// returns the points found with the remaining gap.
func (s *Space) paretoBnB(ctx context.Context, budget time.Duration) (*Frontier, error) {
	all := make([]int, len(s.Profiles))
	for p := range all {
		all[p] = p
	}
	start := time.Now()
	b := newBnB(ctx, s, all, 1)
	if budget > 0 {
		b.deadline = start.Add(budget)
	}
	b.seed()
	b.dfs(0, b.weights())
	if b.err != nil {
		return nil, fmt.Errorf("settle: pareto: %w", b.err)
	}
	np := len(all)
	ps := &pset{n: np}
	fx := make([]int64, np)
	for k, v := range b.best.vecs {
		for p := range fx {
			fx[p] = b.objs[p].toFixed(v[p])
		}
		ps.push(fx, uint64(k), 0)
	}
	ps = ps.filter()
	f := &Frontier{Method: "branch-and-bound", Exact: !b.stopped, Nodes: b.nodes, Points: make([]Outcome, ps.len())}
	if b.stopped {
		f.Gap = b.gap
	}
	for k := range f.Points {
		f.Points[k] = s.outcome(slices.Clone(b.best.pkgs[ps.ref[k]]), ps.vec(k), 0)
	}
	return f, nil
}

// extremeNonlinear returns the package best (sign 1) or worst (sign −1)
// for a party with a non-linear profile, by the same branch and bound.
func (s *Space) extremeNonlinear(party int, sign int64) Package {
	b := newBnB(context.Background(), s, []int{party}, sign)
	b.seed()
	b.dfs(0, b.weights())
	return slices.Clone(b.best.pkgs[0])
}
