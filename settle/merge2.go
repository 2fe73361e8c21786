package settle

import (
	"context"
	"fmt"
)

// node2 is one point of a two-party staircase with its back-pointer: the
// index of the prefix in the previous level and the option chosen on this
// level's issue.
type node2 struct {
	u1, u2 int64
	prev   int32
	opt    int32
	cnt    uint64
}

// merge2 computes the two-party frontier. Each level is a staircase sorted
// by u1 descending with u2 strictly ascending. The Minkowski sum of the
// running staircase A with an issue staircase B is the union of the lists
// A+b, each already sorted by u1, so a k-way merge over |B| heads yields the
// candidates in (u1 desc, u2 desc) order and a single pass keeps those whose
// u2 beats every earlier point — no sort and no candidate array.
func (s *Space) merge2(ctx context.Context) (*Frontier, error) {
	ni := len(s.Domain.Issues)
	levels := make([][]node2, ni)
	first, err := s.issueSet(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("settle: pareto: %w", err)
	}
	levels[0] = make([]node2, first.len())
	for k := range levels[0] {
		v := first.vec(k)
		levels[0][k] = node2{u1: v[0], u2: v[1], prev: -1, opt: int32(first.ref[k]), cnt: first.cnt[k]}
	}
	for i := 1; i < ni; i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
		b, err := s.issueSet(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
		if levels[i], err = mergeStep(ctx, levels[i-1], b); err != nil {
			return nil, fmt.Errorf("settle: pareto: %w", err)
		}
	}
	last := levels[ni-1]
	f := &Frontier{Method: "merge", Exact: true, Points: make([]Outcome, len(last))}
	fx := make([]int64, 2)
	for k := range last {
		pkg := make(Package, ni)
		n := &last[k]
		for i := ni - 1; i >= 0; i-- {
			pkg[i] = int(n.opt)
			if i > 0 {
				n = &levels[i-1][n.prev]
			}
		}
		fx[0], fx[1] = last[k].u1, last[k].u2
		f.Points[k] = s.outcome(pkg, fx, last[k].cnt)
	}
	return f, nil
}

// mergeStep returns the staircase of the Minkowski sum of a and b.
func mergeStep(ctx context.Context, a []node2, b *pset) ([]node2, error) {
	nb := b.len()
	pos := make([]int32, nb) // next index into a for each head
	heap := make([]int32, 0, nb)
	key := func(j int32) (int64, int64) {
		x := &a[pos[j]]
		return x.u1 + b.u[2*j], x.u2 + b.u[2*j+1]
	}
	less := func(i, j int32) bool { // i before j: u1 desc, then u2 desc
		i1, i2 := key(i)
		j1, j2 := key(j)
		if i1 != j1 {
			return i1 > j1
		}
		return i2 > j2
	}
	down := func(h int) {
		n := len(heap)
		for {
			l := 2*h + 1
			if l >= n {
				return
			}
			m := l
			if r := l + 1; r < n && less(heap[r], heap[l]) {
				m = r
			}
			if !less(heap[m], heap[h]) {
				return
			}
			heap[h], heap[m] = heap[m], heap[h]
			h = m
		}
	}
	for j := range int32(nb) {
		heap = append(heap, j)
	}
	for h := len(heap)/2 - 1; h >= 0; h-- {
		down(h)
	}
	out := make([]node2, 0, len(a)+nb)
	for n := 0; len(heap) > 0; n++ {
		if n&(1<<16-1) == 1<<16-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		j := heap[0]
		u1, u2 := key(j)
		x := pos[j]
		switch k := len(out); {
		case k > 0 && out[k-1].u1 == u1 && out[k-1].u2 == u2:
			out[k-1].cnt = addSat(out[k-1].cnt, mulSat(a[x].cnt, b.cnt[j]))
		case k == 0 || u2 > out[k-1].u2:
			out = append(out, node2{u1: u1, u2: u2, prev: x, opt: int32(b.ref[j]), cnt: mulSat(a[x].cnt, b.cnt[j])})
			if len(out) > MaxFrontier {
				return nil, errTooLarge()
			}
		}
		pos[j]++
		if int(pos[j]) == len(a) {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(0)
	}
	return out, nil
}
