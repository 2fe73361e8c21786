package settle

import (
	"math"
	"slices"
)

// contribute adds (sign 1) or removes (−1) rectangle ri's shares to the
// tables of its unset issues: a positive value split by the rectangle's
// weights renormalised over those issues, a negative value whole once it
// has a single unset issue.
func (b *bnb) contribute(ri int32, sign int64) {
	for set := range b.sets {
		b.contributeTo(set, ri, sign)
	}
}

// contributeTo is contribute for one table set.
func (b *bnb) contributeTo(set int, ri int32, sign int64) {
	r := &b.rects[ri]
	t := b.sets[set].tables[r.obj]
	if r.value == 0 {
		return
	}
	if r.value < 0 {
		if len(r.bounds)-r.cnt != 1 {
			return
		}
		for _, bd := range r.bounds {
			if !b.assigned[bd.issue] {
				for x := bd.lo; x <= bd.hi; x++ {
					t[bd.issue][x] += sign * r.value
				}
			}
		}
		return
	}
	sh := b.splitShares(r, r.lam[set])
	for k, bd := range r.bounds {
		if b.assigned[bd.issue] || sh[k] == 0 {
			continue
		}
		v := sign * sh[k]
		for x := bd.lo; x <= bd.hi; x++ {
			t[bd.issue][x] += v
		}
	}
}

// splitShares returns integer shares of r's value over its unset bounds,
// in proportion to r.lam, adding up to the value.
func (b *bnb) splitShares(r *bbRect, lam []float64) []int64 {
	sh := b.shares[:0]
	w, n := 0.0, 0
	for k, bd := range r.bounds {
		sh = append(sh, 0)
		if !b.assigned[bd.issue] {
			w += lam[k]
			n++
		}
	}
	b.shares = sh
	if n == 0 {
		return sh
	}
	var given int64
	last := -1
	for k, bd := range r.bounds {
		if b.assigned[bd.issue] {
			continue
		}
		f := 1 / float64(n)
		if w > 0 {
			f = lam[k] / w
		}
		sh[k] = int64(math.Floor(f * float64(r.value)))
		given += sh[k]
		last = k
	}
	sh[last] += r.value - given
	return sh
}

// splitRectangles builds the table sets and tunes, per set, the split of
// each positive rectangle over its issues so that the set's bound on its
// weighted sum, Σ_issues max_option Σ_parties mu·table, is as low as a
// projected subgradient method finds in a fixed number of steps. Any split
// gives a valid bound; several sets, each tight near its own weighting of
// the parties, are used together. Two parties get five weightings, one
// party one, more parties one per party plus an even one.
func (b *bnb) splitRectangles() {
	var mus [][]float64
	switch b.np {
	case 1:
		mus = [][]float64{{1}}
	case 2:
		for _, m := range []float64{1, 0.75, 0.5, 0.25, 0} {
			mus = append(mus, []float64{m, 1 - m})
		}
	default:
		for k := range b.np {
			mu := make([]float64, b.np)
			mu[k] = 1
			mus = append(mus, mu)
		}
		even := make([]float64, b.np)
		for k := range even {
			even[k] = 1 / float64(b.np)
		}
		mus = append(mus, even)
	}
	for _, mu := range mus {
		set := tableSet{mu: mu, tables: make([][][]int64, b.np)}
		for k := range b.np {
			set.tables[k] = make([][]int64, b.ni)
			for i := range b.ni {
				set.tables[k][i] = slices.Clone(b.lin[k][i])
			}
		}
		b.sets = append(b.sets, set)
	}
	var open []int32
	for ri := range b.rects {
		r := &b.rects[ri]
		if !r.flat || r.deadAt >= 0 {
			continue
		}
		if r.value > 0 {
			r.lam = make([][]float64, len(b.sets))
			for set := range r.lam {
				r.lam[set] = make([]float64, len(r.bounds))
				for k := range r.bounds {
					r.lam[set][k] = 1 / float64(len(r.bounds))
				}
			}
			if len(r.bounds) > 1 {
				open = append(open, int32(ri))
			}
		}
		b.contribute(int32(ri), 1)
	}
	b.scale = make([]float64, b.np)
	for k := range b.np {
		total := 1.0
		for i := range b.ni {
			t := b.sets[0].tables[k][i]
			total += float64(slices.Max(t) - slices.Min(t))
		}
		b.scale[k] = total
	}
	if len(open) == 0 {
		return
	}
	for set := range b.sets {
		b.tune(set, open, 300, 0.5)
	}
}

// tune runs the subgradient method for one table set over the free issues
// and the given open rectangles, for iters steps from step size step; it
// keeps the best split found.
func (b *bnb) tune(set int, open []int32, iters int, step float64) {
	mu := b.sets[set].mu
	tabs := b.sets[set].tables
	// Each party's values are brought to a common scale first.
	w := make([]float64, b.np)
	for k := range b.np {
		w[k] = mu[k] / b.scale[k]
	}
	score := func(i, o int) float64 {
		s := 0.0
		for k := range b.np {
			if w[k] != 0 {
				s += w[k] * float64(tabs[k][i][o])
			}
		}
		return s
	}
	bestLam := make([][]float64, len(open))
	argmax := make([]int, b.ni)
	best := math.Inf(1)
	for it := 0; it <= iters; it++ {
		sum := 0.0
		for _, i := range b.free {
			a, sa := b.cand[i][0], math.Inf(-1)
			for _, o := range b.cand[i] {
				if so := score(i, o); so > sa {
					a, sa = o, so
				}
			}
			argmax[i] = a
			sum += sa
		}
		if sum < best {
			best = sum
			for n, ri := range open {
				bestLam[n] = append(bestLam[n][:0], b.rects[ri].lam[set]...)
			}
		}
		if it == iters {
			break
		}
		// Move weight from the issues where the rectangle counts at the
		// chosen option to those where it does not.
		for _, ri := range open {
			r := &b.rects[ri]
			if w[r.obj] == 0 {
				continue
			}
			in, n := 0, 0
			for _, bd := range r.bounds {
				if b.assigned[bd.issue] {
					continue
				}
				n++
				if a := argmax[bd.issue]; a >= bd.lo && a <= bd.hi {
					in++
				}
			}
			if in == 0 || in == n {
				continue
			}
			mean := float64(in) / float64(n)
			b.contributeTo(set, ri, -1)
			lam := r.lam[set]
			total := 0.0
			for j, bd := range r.bounds {
				if b.assigned[bd.issue] {
					continue
				}
				g := 0.0
				if a := argmax[bd.issue]; a >= bd.lo && a <= bd.hi {
					g = 1
				}
				lam[j] = math.Max(0, lam[j]-step*(g-mean))
				total += lam[j]
			}
			for j, bd := range r.bounds {
				if !b.assigned[bd.issue] {
					lam[j] /= total
				}
			}
			b.contributeTo(set, ri, 1)
		}
		step *= 0.99
	}
	for n, ri := range open {
		b.contributeTo(set, ri, -1)
		copy(b.rects[ri].lam[set], bestLam[n])
		b.contributeTo(set, ri, 1)
	}
}
