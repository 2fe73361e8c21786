package settle_test

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley/settle"
)

// textbook builds a two-issue example small enough to solve by hand.
//
//	            x1        x2        x3   |            y1         y2       y3
//	A (w=0.4)   0         0.5       1    | A (w=0.6)  0.75       0        0.75
//	B (w=0.3)   0.25      0         0    | B (w=0.7)  0.25       1        0.5
//
// The nine packages give (uA, uB):
//
//	x1y1 (0.45, 0.25)   x1y2 (0, 0.775)   x1y3 (0.45, 0.425)
//	x2y1 (0.65, 0.175)  x2y2 (0.2, 0.7)   x2y3 (0.65, 0.35)
//	x3y1 (0.85, 0.175)  x3y2 (0.4, 0.7)   x3y3 (0.85, 0.35)
//
// Frontier: x3y3 (0.85, 0.35), x1y3 (0.45, 0.425), x3y2 (0.4, 0.7),
// x1y2 (0, 0.775). With both reservation values at 0.2, x1y2 is not
// individually rational and the gains over (0.2, 0.2) are:
//
//	x3y3 (0.65, 0.15): product 0.0975, min 0.15, sum 1.2
//	x1y3 (0.25, 0.225): product 0.05625, min 0.225, sum 0.875
//	x3y2 (0.2, 0.5): product 0.1, min 0.2, sum 1.1
//
// Nash is x3y2 (0.1). The ideal point is (0.85, 0.7), so the possible gains
// are 0.65 and 0.5; the smallest relative gains are x3y3 min(1, 0.3) = 0.3,
// x1y3 min(0.385, 0.45) = 0.385, x3y2 min(0.308, 1) = 0.308: KS is x1y3.
// Egalitarian is x1y3 (0.225); utilitarian is x3y3 (1.2).
func textbook(tb testing.TB, resA, resB float64) *settle.Space {
	tb.Helper()
	d, err := settle.ReadDomain("textbook.yaml", []byte(`
name: textbook
issues:
  - {name: x, options: [x1, x2, x3]}
  - {name: y, options: [y1, y2, y3]}
`))
	if err != nil {
		tb.Fatal(err)
	}
	a, err := settle.ReadProfile("a.yaml", []byte(`
name: A
weights: {x: 0.4, y: 0.6}
scores: {x: {x1: 0, x2: 0.5, x3: 1}, y: {y1: 0.75, y2: 0, y3: 0.75}}
`), d)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := settle.ReadProfile("b.yaml", []byte(`
name: B
weights: {x: 0.3, y: 0.7}
scores: {x: {x1: 0.25, x2: 0, x3: 0}, y: {y1: 0.25, y2: 1, y3: 0.5}}
`), d)
	if err != nil {
		tb.Fatal(err)
	}
	a.Reservation, b.Reservation = resA, resB
	s, err := settle.New(d, a, b)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func label(s *settle.Space, o *settle.Outcome) string {
	if o == nil {
		return "<nil>"
	}
	return s.Domain.FormatPackage(o.Package)
}

func TestTextbook(t *testing.T) {
	s := textbook(t, 0.2, 0.2)
	st, err := s.Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var front []string
	for i := range st.Frontier.Points {
		front = append(front, label(s, &st.Frontier.Points[i]))
	}
	want := []string{"x=x3, y=y3", "x=x1, y=y3", "x=x3, y=y2", "x=x1, y=y2"}
	if diff := cmp.Diff(want, front); diff != "" {
		t.Errorf("frontier (-want +got):\n%s", diff)
	}
	got := map[string]string{
		"nash":        label(s, st.Nash),
		"ks":          label(s, st.KalaiSmorodinsky),
		"egalitarian": label(s, st.Egalitarian),
		"utilitarian": label(s, st.Utilitarian),
	}
	wantSol := map[string]string{
		"nash":        "x=x3, y=y2",
		"ks":          "x=x1, y=y3",
		"egalitarian": "x=x1, y=y3",
		"utilitarian": "x=x3, y=y3",
	}
	if diff := cmp.Diff(wantSol, got); diff != "" {
		t.Errorf("solutions (-want +got):\n%s", diff)
	}
	if st.Rational != 3 || st.NoAgreement {
		t.Errorf("rational = %d, no agreement = %v; want 3, false", st.Rational, st.NoAgreement)
	}
	if diff := cmp.Diff([]float64{0.85, 0.7}, st.Ideal); diff != "" {
		t.Errorf("ideal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0.4, 0.7}, st.Nash.Utilities); diff != "" {
		t.Errorf("nash utilities (-want +got):\n%s", diff)
	}
}

func TestNoAgreement(t *testing.T) {
	st, err := textbook(t, 0.5, 0.5).Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.NoAgreement || st.Nash != nil || st.Rational != 0 {
		t.Errorf("no agreement = %v, nash = %v, rational = %d; want true, nil, 0", st.NoAgreement, st.Nash, st.Rational)
	}
}

func TestImprove(t *testing.T) {
	s := textbook(t, 0, 0)
	f, err := s.Pareto(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		base     settle.Package
		improved []string
		nash     string
	}{
		// x2y2 (0.2, 0.7) is improved only by x3y2 (0.4, 0.7).
		{settle.Package{1, 1}, []string{"x=x3, y=y2"}, "x=x3, y=y2"},
		// x1y1 (0.45, 0.25): x3y3 gains (0.4, 0.1), product 0.04; x1y3
		// gains (0, 0.175), product 0.
		{settle.Package{0, 0}, []string{"x=x3, y=y3", "x=x1, y=y3"}, "x=x3, y=y3"},
		// x3y2 is Pareto optimal.
		{settle.Package{2, 1}, nil, "<nil>"},
	}
	for _, c := range cases {
		im, err := s.Improve(f, c.base)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := range im.Improvements {
			got = append(got, label(s, &im.Improvements[i]))
		}
		if diff := cmp.Diff(c.improved, got); diff != "" {
			t.Errorf("improvements of %v (-want +got):\n%s", c.base, diff)
		}
		if g := label(s, im.Nash); g != c.nash {
			t.Errorf("nash improvement of %v = %s, want %s", c.base, g, c.nash)
		}
		if im.Optimal() != (c.improved == nil) {
			t.Errorf("optimal = %v for %v", im.Optimal(), c.base)
		}
	}
	if _, err := s.Improve(f, settle.Package{0, 9}); err == nil {
		t.Error("improve accepted an option out of range")
	}
}

// TestSolutionsAgainstEnumeration checks on random spaces that each solution
// is the true optimum over all individually rational packages.
func TestSolutionsAgainstEnumeration(t *testing.T) {
	r := newRand(3)
	for trial := range 100 {
		s := randomSpace(t, r, 2+trial%2)
		st, err := s.Settle(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		np := s.Parties()
		nash, egal, util := -1.0, -1.0, -1.0
		any := false
		err = s.Enumerate(func(pkg settle.Package, u []float64) bool {
			prod, mn, sum := 1.0, math.Inf(1), 0.0
			for p := range np {
				if u[p] < s.Reservation(p) {
					return true
				}
				g := u[p] - s.Disagreement(p)
				prod *= g
				mn = min(mn, g)
				sum += u[p]
			}
			any = true
			nash, egal, util = max(nash, prod), max(egal, mn), max(util, sum)
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if any == st.NoAgreement {
			t.Fatalf("trial %d: enumeration found agreement %v, settlement says no agreement %v", trial, any, st.NoAgreement)
		}
		if !any {
			continue
		}
		gains := func(o *settle.Outcome) (prod, mn, sum float64) {
			prod, mn = 1, math.Inf(1)
			for p, x := range o.Utilities {
				prod *= x - s.Disagreement(p)
				mn = min(mn, x-s.Disagreement(p))
				sum += x
			}
			return
		}
		if p, _, _ := gains(st.Nash); math.Abs(p-nash) > 1e-9 {
			t.Errorf("trial %d: nash product %v, enumeration %v", trial, p, nash)
		}
		if _, m, _ := gains(st.Egalitarian); math.Abs(m-egal) > 1e-9 {
			t.Errorf("trial %d: egalitarian min gain %v, enumeration %v", trial, m, egal)
		}
		if _, _, sm := gains(st.Utilitarian); math.Abs(sm-util) > 1e-9 {
			t.Errorf("trial %d: utilitarian sum %v, enumeration %v", trial, sm, util)
		}
	}
}
