package talks

import (
	"context"
	"math/rand/v2"
	"testing"

	"parley/settle"
)

// TestReflectPackages checks the packages a reflection computes against
// their definition, on random domains: the offered package Q is at least
// as good as the proposal P for every party and the best such package for
// the requester; the optimal package O is Pareto optimal, at least as good
// as P for the requester and as Q for the others.
func TestReflectPackages(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(8, 8))
	for trial := range 40 {
		d, ps := settle.Generate(r, 2+trial%2, 4, 4, true)
		sp, err := settle.New(d, ps...)
		if err != nil {
			t.Fatal(err)
		}
		pkg := make(settle.Package, len(d.Issues))
		for i := range pkg {
			pkg[i] = r.IntN(d.Issues[i].Len())
		}
		q, o, err := reflect(ctx, d, ps, pkg)
		if err != nil {
			t.Fatal(err)
		}
		up, _ := sp.Utilities(pkg)
		uq, _ := sp.Utilities(q)
		uo, _ := sp.Utilities(o)
		for p := range up {
			if uq[p] < up[p] {
				t.Fatalf("trial %d: Q worse than P for party %d", trial, p)
			}
		}
		if uo[0] < up[0] {
			t.Fatalf("trial %d: O worse than P for the requester", trial)
		}
		for p := 1; p < len(uo); p++ {
			if uo[p] < uq[p] {
				t.Fatalf("trial %d: O worse than Q for party %d", trial, p)
			}
		}
		f, _ := sp.Pareto(ctx)
		im, _ := sp.Improve(f, o)
		if !im.Optimal() {
			t.Fatalf("trial %d: O is not Pareto optimal", trial)
		}
		// No package at least as good as P for all is better for the
		// requester than Q.
		sp.Enumerate(func(x settle.Package, u []float64) bool {
			ok := true
			for p := range u {
				ok = ok && u[p] >= up[p]
			}
			if ok && u[0] > uq[0]+1e-12 {
				t.Fatalf("trial %d: %v beats Q for the requester", trial, x)
			}
			return true
		})
	}
}
