package settle_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley/settle"
)

// TestAdjustedWinnerWorked follows the procedure by hand on a divorce-style
// example (points: first party, second party):
//
//	house 50/40, pension 20/30, car 15/10, savings 10/15, boat 5/5
//
// Initially the first party gets house, car and boat (the tie) = 70 points;
// the second gets pension and savings = 45. The first party is the winner;
// its items by ratio: boat 1, house 1.25, car 1.5. Moving the boat needs
// f = (70-45)/(5+5) = 2.5 ≥ 1, so it moves whole: 65 against 50. For the
// house f = (65-50)/(50+40) = 1/6, so the second party gets 1/6 of the house
// and the first keeps 5/6: both end with 65 - 50/6 = 50 + 40/6 = 170/3.
func TestAdjustedWinnerWorked(t *testing.T) {
	items := []settle.Item{
		{Name: "house", Points: [2]float64{50, 40}},
		{Name: "pension", Points: [2]float64{20, 30}},
		{Name: "car", Points: [2]float64{15, 10}},
		{Name: "savings", Points: [2]float64{10, 15}},
		{Name: "boat", Points: [2]float64{5, 5}},
	}
	got, err := settle.AdjustedWinner(items)
	if err != nil {
		t.Fatal(err)
	}
	want := &settle.Division{
		Share:      []float64{5.0 / 6, 0, 1, 0, 0},
		Points:     [2]float64{170.0 / 3, 170.0 / 3},
		Split:      0,
		SplitShare: "5/6",
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("division (-want +got):\n%s", diff)
	}
}

func TestAdjustedWinnerSecondWins(t *testing.T) {
	// Mirror image: the second party wins and hands over part of an item.
	items := []settle.Item{
		{Name: "a", Points: [2]float64{40, 50}},
		{Name: "b", Points: [2]float64{30, 20}},
		{Name: "c", Points: [2]float64{10, 15}},
		{Name: "d", Points: [2]float64{15, 10}},
		{Name: "e", Points: [2]float64{5, 5}},
	}
	// First: b (30) + d (15) + e (5, tie) = 50; second: a (50) + c (15) = 65.
	// Second's items by ratio: a 1.25, c 1.5. f for a = (65-50)/90 = 1/6.
	got, err := settle.AdjustedWinner(items)
	if err != nil {
		t.Fatal(err)
	}
	want := &settle.Division{
		Share:      []float64{1.0 / 6, 1, 0, 1, 1},
		Points:     [2]float64{50 + 40.0/6, 65 - 50.0/6},
		Split:      0,
		SplitShare: "1/6",
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("division (-want +got):\n%s", diff)
	}
}

// TestAdjustedWinnerProperties checks equitability, envy-freeness,
// efficiency (a ratio threshold separates the parties' items) and at most
// one split on random point allocations, in exact arithmetic.
func TestAdjustedWinnerProperties(t *testing.T) {
	r := newRand(5)
	for trial := range 500 {
		n := 1 + r.IntN(8)
		items := make([]settle.Item, n)
		for p := range 2 {
			left := 100
			for i := range items {
				v := r.IntN(left + 1)
				if i == n-1 {
					v = left
				}
				items[i].Points[p] = float64(v)
				left -= v
			}
		}
		d, err := settle.AdjustedWinner(items)
		if err != nil {
			t.Fatal(err)
		}
		tot := [2]*big.Rat{new(big.Rat), new(big.Rat)}
		splits := 0
		for i, it := range items {
			s := new(big.Rat).SetFloat64(d.Share[i])
			if i == d.Split {
				s.SetString(d.SplitShare)
			}
			if s.Sign() > 0 && s.Cmp(big.NewRat(1, 1)) < 0 {
				splits++
			}
			tot[0].Add(tot[0], new(big.Rat).Mul(s, new(big.Rat).SetFloat64(it.Points[0])))
			tot[1].Add(tot[1], new(big.Rat).Mul(new(big.Rat).Sub(big.NewRat(1, 1), s), new(big.Rat).SetFloat64(it.Points[1])))
		}
		if tot[0].Cmp(tot[1]) != 0 {
			t.Fatalf("trial %d: totals %s and %s differ: %+v", trial, tot[0].RatString(), tot[1].RatString(), items)
		}
		if tot[0].Cmp(big.NewRat(50, 1)) < 0 {
			t.Fatalf("trial %d: each party gets %s < 50", trial, tot[0].RatString())
		}
		if splits > 1 {
			t.Fatalf("trial %d: %d items split", trial, splits)
		}
		// Efficiency: for any item the first party holds part of and any
		// item the second holds part of, a1/b1 >= a2/b2.
		for i, x := range items {
			for j, y := range items {
				if d.Share[i] > 0 && d.Share[j] < 1 && i != j {
					if x.Points[0]*y.Points[1] < y.Points[0]*x.Points[1] {
						t.Fatalf("trial %d: inefficient: first holds %v, second holds %v", trial, x, y)
					}
				}
			}
		}
	}
}

func TestAdjustedWinnerBadInput(t *testing.T) {
	_, err := settle.AdjustedWinner([]settle.Item{{Name: "a", Points: [2]float64{90, 100}}})
	if err == nil || !strings.Contains(err.Error(), "party 1's points sum to 90, want 100") {
		t.Errorf("err = %v", err)
	}
	_, err = settle.ReadAllocation("p.yaml", []byte("parties: [A, B]\nitems: []\n"))
	if err == nil || !strings.Contains(err.Error(), "points p.yaml: items: no items") {
		t.Errorf("err = %v", err)
	}
	a, err := settle.ReadAllocation("p.yaml", []byte("parties: [A, B]\nitems:\n  - {name: house, points: [50, 40]}\n"))
	if err != nil || a.Items[0].Points != [2]float64{50, 40} || a.Parties[1] != "B" {
		t.Errorf("ReadAllocation = %+v, %v", a, err)
	}
}
