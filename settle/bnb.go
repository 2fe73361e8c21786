package settle

import (
	"context"
	"math"
	"slices"
	"time"
)

// The exact frontier of spaces with non-linear profiles is found by a
// depth-first branch and bound over the issues (see docs/settle.md):
//
//   - Each party's objective is G = min(cap, base + Σ tables + nested),
//     counted in integer units: the profile's own units (times exactUnit)
//     when every rectangle value is an integer, fixed point otherwise.
//   - base holds what is settled: the linear part of the issues set so far
//     and the rectangles of a top-level sum whose every bound is met.
//   - The value of each open rectangle of a top-level sum is split over its
//     unset issues (integer shares that add up to the value; the split is
//     tuned once per party by a subgradient method, then renormalised as
//     issues get set), and each share counts in its issue's table at every
//     option inside the rectangle's bound there. A satisfied rectangle is
//     worth the sum of its shares and an unsatisfied one no more, so
//     base + Σ_unset issues max(table) bounds the party's value from above
//     (the Lagrangian relaxation of the rectangles' coupling), and is exact
//     once every issue is set. Negative values count only once a single
//     issue of the rectangle is left unset.
//   - Rectangles of nested functions, and min/max aggregations, are bounded
//     by interval arithmetic on the rectangles' states.
//   - A node is pruned when its bound vector is weakly dominated by a found
//     point, or (two parties) when the convex hull of the sum of per-issue
//     (table, table) points cannot reach any corner of the staircase of
//     found points.
//
// Every pruned subtree provably holds no package whose objective vector is
// missing from the result, so a completed search is exact; an interrupted
// one reports the largest amount by which an unexplored subtree could still
// beat the points found.

// exactUnit multiplies integer rectangle values so that splitting them
// over issues in integer shares loses little.
const exactUnit = 1 << 10

// bbRect is a rectangle with its search state.
type bbRect struct {
	obj     int   // party
	value   int64 // value when inside (flat rectangles, exclusions folded)
	bounds  []nlBound
	flat    bool        // part of a top-level sum (counted in the tables)
	exclude bool        // nested rectangles only
	lam     [][]float64 // flat, positive: per table set, how the value is split over the bounds
	// state
	deadAt int32 // depth at which a bound failed, −1 while none has
	cnt    int   // bounds met so far
}

// bbObj is one party's objective.
type bbObj struct {
	cap     int64
	toFixed func(int64) int64
	nl      *nlModel
	unit    int64 // units per model unit
	nested  []*nlNode
	rectID  []int32 // nl rectangle index → global rectangle
}

// tableSet is one relaxation: per party, issue and option, the linear part
// plus the shares of the open rectangles, split as tuned for the weighted
// sum of the parties' values with weights mu.
type tableSet struct {
	mu     []float64
	tables [][][]int64 // [party][issue][option]
}

// bbIncidence is one bound of a rectangle on an issue.
type bbIncidence struct {
	rect   int32
	lo, hi int
}

// bnb is one branch-and-bound search.
type bnb struct {
	ctx      context.Context
	deadline time.Time
	np, ni   int
	objs     []bbObj
	rects    []bbRect
	inc      [][]bbIncidence // per issue
	sets     []tableSet      // relaxations, each with its own split of the rectangles
	lin      [][][]int64     // the linear part alone
	cand     [][]int         // per issue, the options worth trying
	order    []int           // branching order of issues
	base     []int64
	pkg      Package
	best     incumbents
	nodes    int64
	stopped  bool
	err      error
	gap      float64 // the most an unexplored subtree could beat the incumbents by
	scratch  hull
	ubs      [][]int64 // bound vector per depth
	scale    []float64 // per party, for ordering options
	corners  [][2]int64
	pts      [][2]int64
	assigned []bool
	shares   []int64
	free     []int   // issues not set yet
	optBuf   [][]int // per depth, the options to branch on
	sigBuf   []uint64
	open     []int32
}

// newBnB sets up a search over the parties of s; sign −1 minimises a single
// party instead of maximising.
func newBnB(ctx context.Context, s *Space, parties []int, sign int64) *bnb {
	d := s.Domain
	b := &bnb{ctx: ctx, np: len(parties), ni: len(d.Issues)}
	b.inc = make([][]bbIncidence, b.ni)
	b.base = make([]int64, b.np)
	for k, p := range parties {
		pt := s.parties[p]
		o := bbObj{cap: math.MaxInt64, unit: 1, toFixed: func(v int64) int64 { return v }}
		if sign > 0 && pt.capped {
			o.cap = Scale
		}
		var m *nlModel
		if pt.nl != nil {
			m = pt.nl
			if sign < 0 {
				m = m.negated()
			}
			o.nl = m
			if m.exact {
				o.unit = exactUnit
				if sign > 0 {
					// Minimising, only the package matters, not its value.
					o.cap = m.ceil * exactUnit
					o.toFixed = func(v int64) int64 { return pt.nl.unitsToFixed(v, exactUnit) }
				}
			}
		}
		lin := make([][]int64, b.ni)
		for i := range lin {
			lin[i] = make([]int64, d.Issues[i].Len())
			for x := range lin[i] {
				lin[i][x] = sign * pt.contrib[i][x]
			}
		}
		b.lin = append(b.lin, lin)
		if m != nil {
			o.rectID = make([]int32, len(m.rects))
			for r := range o.rectID {
				o.rectID[r] = -1
			}
			if m.root.agg == AggregateSum {
				b.base[k] += m.root.init * o.unit
				for _, ri := range m.root.rects {
					b.addFlat(k, &m.rects[ri], o.unit)
				}
				o.nested = m.root.kids
			} else {
				o.nested = []*nlNode{m.root}
			}
			var walk func(nd *nlNode)
			walk = func(nd *nlNode) {
				for _, ri := range nd.rects {
					r := &m.rects[ri]
					o.rectID[ri] = int32(len(b.rects))
					b.rects = append(b.rects, bbRect{obj: k, value: r.value * o.unit, exclude: r.exclude, bounds: r.bounds, deadAt: -1})
				}
				for _, kid := range nd.kids {
					walk(kid)
				}
			}
			for _, nd := range o.nested {
				walk(nd)
			}
		}
		b.objs = append(b.objs, o)
	}
	b.simplify(d)
	b.chooseOrder()
	for ri := range b.rects {
		r := &b.rects[ri]
		if r.deadAt >= 0 {
			continue
		}
		for _, bd := range r.bounds {
			b.inc[bd.issue] = append(b.inc[bd.issue], bbIncidence{rect: int32(ri), lo: bd.lo, hi: bd.hi})
		}
	}
	b.reduceOptions(d)
	b.assigned = make([]bool, b.ni)
	b.free = slices.Clone(b.order)
	b.splitRectangles()
	b.pkg = make(Package, b.ni)
	b.best = incumbents{n: b.np}
	b.ubs = make([][]int64, b.ni+1)
	for k := range b.ubs {
		b.ubs[k] = make([]int64, b.np)
	}
	b.optBuf = make([][]int, b.ni+2)
	return b
}

// unitsToFixed converts an exact-mode value counted in units of 1/unit to
// a fixed-point utility, capped at 1.
func (m *nlModel) unitsToFixed(v, unit int64) int64 {
	if v >= m.ceil*unit {
		return Scale
	}
	return clampFixed(float64(v) / float64(unit) / m.max * Scale)
}

// negated returns the model of −value: values negated, min and max swapped.
func (m *nlModel) negated() *nlModel {
	c := &nlModel{exact: m.exact, max: m.max, ceil: m.ceil, rects: slices.Clone(m.rects)}
	for i := range c.rects {
		c.rects[i].value = -c.rects[i].value
	}
	var neg func(nd *nlNode) *nlNode
	neg = func(nd *nlNode) *nlNode {
		n := &nlNode{agg: nd.agg, init: -nd.init, rects: nd.rects}
		switch nd.agg {
		case AggregateMin:
			n.agg = AggregateMax
		case AggregateMax:
			n.agg = AggregateMin
		}
		for _, k := range nd.kids {
			n.kids = append(n.kids, neg(k))
		}
		return n
	}
	c.root = neg(m.root)
	return c
}

// addFlat adds a rectangle of a top-level sum. An excluding rectangle worth
// v is v minus an including one worth v.
func (b *bnb) addFlat(k int, r *nlRect, unit int64) {
	v := r.value * unit
	if r.exclude {
		b.base[k] += v
		v = -v
	}
	b.rects = append(b.rects, bbRect{obj: k, value: v, bounds: r.bounds, flat: true, deadAt: -1})
}

// simplify drops bounds every option meets and settles rectangles with an
// empty bound or no bound left.
func (b *bnb) simplify(d *Domain) {
	for ri := range b.rects {
		r := &b.rects[ri]
		var keep []nlBound
		empty := false
		for _, bd := range r.bounds {
			n := d.Issues[bd.issue].Len()
			switch {
			case bd.lo > bd.hi || bd.hi < 0 || bd.lo >= n:
				empty = true
			case bd.lo <= 0 && bd.hi >= n-1:
			default:
				keep = append(keep, nlBound{issue: bd.issue, lo: max(bd.lo, 0), hi: min(bd.hi, n-1)})
			}
		}
		r.bounds = keep
		if empty {
			// Never inside: an including rectangle is worth nothing, an
			// excluding one always its value.
			r.deadAt = math.MaxInt32
			if r.flat {
				r.bounds, r.value = nil, 0
			}
			continue
		}
		if r.flat && len(r.bounds) == 0 {
			b.base[r.obj] += r.value
			r.value = 0
			r.deadAt = math.MaxInt32
		}
	}
}

// chooseOrder picks the branching order: repeatedly the issue that settles
// the most rectangle weight (relative to what is left open), so rectangles
// become exact early; ties go to the issue with the larger spread of
// linear contributions.
func (b *bnb) chooseOrder() {
	weight := make([]float64, len(b.rects))
	scale := make([]float64, b.np)
	for ri := range b.rects {
		r := &b.rects[ri]
		scale[r.obj] += math.Abs(float64(r.value))
	}
	for k := range scale {
		for i := range b.lin[k] {
			scale[k] += float64(slices.Max(b.lin[k][i]) - slices.Min(b.lin[k][i]))
		}
		if scale[k] == 0 {
			scale[k] = 1
		}
	}
	for ri := range b.rects {
		r := &b.rects[ri]
		weight[ri] = math.Abs(float64(r.value)) / scale[r.obj]
		if !r.flat {
			weight[ri] = 1 / float64(len(b.rects))
		}
	}
	byIssue := make([][]int, b.ni)
	left := make([]int, len(b.rects))
	for ri := range b.rects {
		if b.rects[ri].deadAt >= 0 {
			continue
		}
		left[ri] = len(b.rects[ri].bounds)
		for _, bd := range b.rects[ri].bounds {
			byIssue[bd.issue] = append(byIssue[bd.issue], ri)
		}
	}
	placed := make([]bool, b.ni)
	for range b.ni {
		bestI, bestS := -1, math.Inf(-1)
		for i := range b.ni {
			if placed[i] {
				continue
			}
			s := 0.0
			for _, ri := range byIssue[i] {
				s += weight[ri] / float64(left[ri])
			}
			for k := range b.np {
				t := b.lin[k][i]
				s += 1e-3 * float64(slices.Max(t)-slices.Min(t)) / scale[k]
			}
			if s > bestS {
				bestI, bestS = i, s
			}
		}
		placed[bestI] = true
		b.order = append(b.order, bestI)
		for _, ri := range byIssue[bestI] {
			left[ri]--
		}
	}
}

// reduceOptions keeps, per issue, only options that no other option
// dominates: one that meets every positive top-level rectangle the other
// meets, no negative one the other misses, the same nested rectangles, and
// gives every party at least the same linear contribution.
func (b *bnb) reduceOptions(d *Domain) {
	b.cand = make([][]int, b.ni)
	for i := range b.ni {
		n := d.Issues[i].Len()
		inc := b.inc[i]
		words := (len(inc) + 63) / 64
		// Options fall into classes between the bounds' end points.
		cuts := []int{0, n}
		for _, e := range inc {
			cuts = append(cuts, e.lo, e.hi+1)
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		type option struct {
			o   int
			set []uint64
		}
		var opts []option
		for c := 0; c+1 < len(cuts); c++ {
			a, z := cuts[c], cuts[c+1]
			if a >= n || z <= a {
				continue
			}
			set := make([]uint64, words)
			for k, e := range inc {
				if e.lo <= a && a <= e.hi {
					set[k/64] |= 1 << (k % 64)
				}
			}
			for _, o := range b.linearFront(i, a, z) {
				opts = append(opts, option{o, set})
			}
		}
		if len(opts) > 256 {
			for _, op := range opts {
				b.cand[i] = append(b.cand[i], op.o)
			}
			continue
		}
		dominates := func(x, y option) bool {
			for k, e := range inc {
				inX := x.set[k/64]>>(k%64)&1 == 1
				inY := y.set[k/64]>>(k%64)&1 == 1
				r := &b.rects[e.rect]
				switch {
				case !r.flat:
					if inX != inY {
						return false
					}
				case r.value > 0:
					if inY && !inX {
						return false
					}
				case r.value < 0:
					if inX && !inY {
						return false
					}
				}
			}
			for k := range b.np {
				if b.lin[k][i][x.o] < b.lin[k][i][y.o] {
					return false
				}
			}
			return true
		}
		for yi, y := range opts {
			drop := false
			for xi, x := range opts {
				if xi != yi && dominates(x, y) && (!dominates(y, x) || xi < yi) {
					drop = true
					break
				}
			}
			if !drop {
				b.cand[i] = append(b.cand[i], y.o)
			}
		}
	}
}

// linearFront returns the options in [a, z) whose linear contributions no
// other option there weakly dominates (first of equals kept).
func (b *bnb) linearFront(i, a, z int) []int {
	var out []int
	for o := a; o < z; o++ {
		dom := false
		for _, q := range out {
			ge := true
			for k := range b.np {
				if b.lin[k][i][q] < b.lin[k][i][o] {
					ge = false
					break
				}
			}
			if ge {
				dom = true
				break
			}
		}
		if dom {
			continue
		}
		// o may dominate earlier keepers.
		keep := out[:0]
		for _, q := range out {
			le := true
			for k := range b.np {
				if b.lin[k][i][q] > b.lin[k][i][o] {
					le = false
					break
				}
			}
			if !le {
				keep = append(keep, q)
			}
		}
		out = append(keep, o)
		if len(out) > 1024 {
			// A long linear front on a huge range: keep everything.
			out = out[:0]
			for x := a; x < z; x++ {
				out = append(out, x)
			}
			return out
		}
	}
	slices.Sort(out)
	return out
}
