package settle

import (
	"fmt"
	"math"
	"math/big"
	"slices"
)

// Item is a divisible good or issue in an Adjusted Winner division, with
// the points each of the two parties gives it.
type Item struct {
	// Name identifies the item.
	Name string `yaml:"name" json:"name"`
	// Points holds the first and the second party's points; each party's
	// points over all items sum to 100.
	Points [2]float64 `yaml:"points" json:"points"`
}

// Division is the outcome of Adjusted Winner.
type Division struct {
	// Share is, per item, the fraction that goes to the first party (the
	// rest goes to the second): 1 or 0 for every item but at most one.
	Share []float64
	// Points is each party's total points under the division; they are equal.
	Points [2]float64
	// Split is the index of the one item that is divided, or -1 when no
	// item needs dividing.
	Split int
	// SplitShare is the exact fraction of the split item going to the
	// first party, as a fraction such as "5/6"; empty when Split is -1.
	SplitShare string
}

// AdjustedWinner divides items between two parties by the Brams-Taylor
// Adjusted Winner procedure. Each item first goes to the party that gives it
// more points (ties to the first party). The party with more points, the
// winner, then hands items to the other in increasing order of the ratio of
// the winner's to the loser's points, until one more whole item would tip
// the balance; that item is divided so that both totals are equal. The
// result is equitable, envy-free (each party gets at least 50 of its own
// points) and efficient. Arithmetic is exact (rationals).
func AdjustedWinner(items []Item) (*Division, error) {
	if len(items) == 0 {
		return nil, fmt.Errorf("settle: adjusted winner: no items")
	}
	for p := range 2 {
		sum := 0.0
		for _, it := range items {
			v := it.Points[p]
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("settle: adjusted winner: item %q: points %v must be non-negative", it.Name, v)
			}
			sum += v
		}
		if math.Abs(sum-100) > Tolerance {
			return nil, fmt.Errorf("settle: adjusted winner: party %d's points sum to %s, want 100", p+1, formatFloat(sum))
		}
	}
	pts := make([][2]*big.Rat, len(items))
	for i, it := range items {
		pts[i] = [2]*big.Rat{new(big.Rat).SetFloat64(it.Points[0]), new(big.Rat).SetFloat64(it.Points[1])}
	}
	share := make([]*big.Rat, len(items)) // fraction to the first party
	total := [2]*big.Rat{new(big.Rat), new(big.Rat)}
	for i, pt := range pts {
		if pt[0].Cmp(pt[1]) >= 0 {
			share[i] = big.NewRat(1, 1)
			total[0].Add(total[0], pt[0])
		} else {
			share[i] = new(big.Rat)
			total[1].Add(total[1], pt[1])
		}
	}
	div := &Division{Split: -1}
	if c := total[0].Cmp(total[1]); c != 0 {
		w := 0 // winner
		if c < 0 {
			w = 1
		}
		l := 1 - w
		var held []int
		for i := range items {
			if owns(share[i], w) && pts[i][l].Sign() > 0 {
				held = append(held, i)
			}
		}
		// Increasing winner/loser ratio, compared exactly by cross
		// multiplication; items are kept in input order on ties.
		slices.SortStableFunc(held, func(a, b int) int {
			x := new(big.Rat).Mul(pts[a][w], pts[b][l])
			y := new(big.Rat).Mul(pts[b][w], pts[a][l])
			return x.Cmp(y)
		})
		for _, i := range held {
			// Fraction f moved to the loser equalises the totals:
			// total_w - f*w_i = total_l + f*l_i.
			gap := new(big.Rat).Sub(total[w], total[l])
			f := gap.Quo(gap, new(big.Rat).Add(pts[i][w], pts[i][l]))
			if f.Cmp(big.NewRat(1, 1)) >= 0 {
				f.SetInt64(1)
			}
			total[w].Sub(total[w], new(big.Rat).Mul(f, pts[i][w]))
			total[l].Add(total[l], new(big.Rat).Mul(f, pts[i][l]))
			keep := new(big.Rat).Sub(big.NewRat(1, 1), f) // winner keeps
			if w == 0 {
				share[i] = keep
			} else {
				share[i] = f
			}
			if f.Cmp(big.NewRat(1, 1)) < 0 {
				div.Split = i
				div.SplitShare = share[i].RatString()
				break
			}
			if total[w].Cmp(total[l]) == 0 {
				break
			}
		}
	}
	div.Share = make([]float64, len(items))
	for i, s := range share {
		div.Share[i], _ = s.Float64()
	}
	div.Points[0], _ = total[0].Float64()
	div.Points[1], _ = total[1].Float64()
	return div, nil
}

// owns reports whether a share (fraction to the first party) leaves the
// whole item with party p.
func owns(share *big.Rat, p int) bool {
	if p == 0 {
		return share.Cmp(big.NewRat(1, 1)) == 0
	}
	return share.Sign() == 0
}

// Allocation is the input of Adjusted Winner as read from a file.
type Allocation struct {
	// Parties names the two parties.
	Parties [2]string `yaml:"parties" json:"parties"`
	// Items lists the items with each party's points.
	Items []Item `yaml:"items" json:"items"`
}

// ReadAllocation decodes an Adjusted Winner input (YAML or JSON):
//
//	parties: [A, B]
//	items:
//	  - {name: house, points: [50, 40]}
func ReadAllocation(name string, data []byte) (*Allocation, error) {
	var a Allocation
	if err := decodeYAML(data, &a); err != nil {
		return nil, fmt.Errorf("settle: points %s: %w", name, err)
	}
	if len(a.Items) == 0 {
		return nil, fmt.Errorf("settle: points %s: items: no items", name)
	}
	return &a, nil
}
