package settle

import (
	"math/bits"
	"slices"
	"sort"
)

// incumbents is the set of non-dominated objective vectors found so far by
// the branch and bound, each with one package. For two objectives it is a
// staircase sorted by the first objective descending (second ascending).
type incumbents struct {
	n    int
	vecs [][]int64
	pkgs []Package
}

// dominated reports whether some incumbent is at least v everywhere.
func (in *incumbents) dominated(v []int64) bool {
	if in.n == 2 {
		// The incumbents with x ≥ v[0] form a prefix; its last has the
		// largest y.
		k := sort.Search(len(in.vecs), func(k int) bool { return in.vecs[k][0] < v[0] })
		return k > 0 && in.vecs[k-1][1] >= v[1]
	}
	for _, w := range in.vecs {
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

// add inserts v (with a copy of pkg) unless it is weakly dominated, and
// drops the incumbents it dominates. It reports whether v was added.
func (in *incumbents) add(v []int64, pkg Package) bool {
	if in.dominated(v) {
		return false
	}
	v = slices.Clone(v)
	pkg = slices.Clone(pkg)
	if in.n == 2 {
		// Insert at the first position with x < v[0] (or x == v[0], which
		// v dominates); drop the run of points v dominates before it.
		k := sort.Search(len(in.vecs), func(k int) bool { return in.vecs[k][0] <= v[0] })
		e := k
		for e < len(in.vecs) && in.vecs[e][1] <= v[1] {
			e++
		}
		in.vecs = slices.Replace(in.vecs, k, e, v)
		in.pkgs = slices.Replace(in.pkgs, k, e, pkg)
		return true
	}
	keep := 0
	for k, w := range in.vecs {
		le := true
		for j := range v {
			if w[j] > v[j] {
				le = false
				break
			}
		}
		if !le {
			in.vecs[keep], in.pkgs[keep] = w, in.pkgs[k]
			keep++
		}
	}
	in.vecs = append(in.vecs[:keep], v)
	in.pkgs = append(in.pkgs[:keep], pkg)
	return true
}

// chainEdge is one edge of an upper-right convex chain: moving from a
// vertex to the next, x falls by dx and y rises by dy.
type chainEdge struct{ dx, dy int64 }

// steeper reports whether edge a has a larger dy/dx than b.
func steeper(a, b chainEdge) bool {
	h1, l1 := bits.Mul64(uint64(a.dy), uint64(b.dx))
	h2, l2 := bits.Mul64(uint64(b.dy), uint64(a.dx))
	return h1 > h2 || h1 == h2 && l1 > l2
}

// hull holds scratch space for the two-objective relaxation test.
type hull struct {
	chain [][2]int64
	edges []chainEdge
}

// addSet adds the upper-right convex chain of the points to the running
// Minkowski sum (start vertex x0, y0 and the edge list), and returns the
// new start vertex.
func (h *hull) addSet(pts [][2]int64, x0, y0 int64) (int64, int64) {
	slices.SortFunc(pts, func(a, b [2]int64) int {
		if a[0] != b[0] {
			if a[0] > b[0] {
				return -1
			}
			return 1
		}
		if a[1] > b[1] {
			return -1
		}
		if a[1] < b[1] {
			return 1
		}
		return 0
	})
	c := h.chain[:0]
	for _, p := range pts {
		if len(c) > 0 && p[1] <= c[len(c)-1][1] {
			continue // not above the staircase so far
		}
		// Keep the chain concave: drop the last vertex while it lies on or
		// below the segment from its predecessor to p.
		for len(c) >= 2 {
			a, b := c[len(c)-2], c[len(c)-1]
			e1 := chainEdge{a[0] - b[0], b[1] - a[1]}
			e2 := chainEdge{b[0] - p[0], p[1] - b[1]}
			if steeper(e1, e2) {
				break
			}
			c = c[:len(c)-1]
		}
		c = append(c, p)
	}
	h.chain = c
	for k := 1; k < len(c); k++ {
		h.edges = append(h.edges, chainEdge{c[k-1][0] - c[k][0], c[k][1] - c[k-1][1]})
	}
	return x0 + c[0][0], y0 + c[0][1]
}

// reachable keeps, of the corners (sorted by x descending, y ascending),
// those that the down-closure of the summed chain starting at (x0, y0)
// reaches: it holds a point at least the corner in both coordinates.
func (h *hull) reachable(x0, y0 int64, corners [][2]int64) [][2]int64 {
	slices.SortFunc(h.edges, func(a, b chainEdge) int {
		if steeper(a, b) {
			return -1
		}
		if steeper(b, a) {
			return 1
		}
		return 0
	})
	x, y := x0, y0
	e := 0
	keep := corners[:0]
	for _, c := range corners {
		if c[0] > x0 {
			continue
		}
		// Walk the chain to the segment containing x = c[0].
		for e < len(h.edges) && x-h.edges[e].dx >= c[0] {
			x -= h.edges[e].dx
			y += h.edges[e].dy
			e++
		}
		if c[1] <= y {
			keep = append(keep, c)
			continue
		}
		if e == len(h.edges) {
			continue // beyond the chain's end the best y is y
		}
		// Inside edge e: y at c[0] is y + dy·(x − c[0])/dx.
		ed := h.edges[e]
		h1, l1 := bits.Mul64(uint64(c[1]-y), uint64(ed.dx))
		h2, l2 := bits.Mul64(uint64(ed.dy), uint64(x-c[0]))
		if h1 < h2 || h1 == h2 && l1 <= l2 {
			keep = append(keep, c)
		}
	}
	return keep
}
