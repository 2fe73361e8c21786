package settle

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"
)

// ErrNoAgreement reports that no package gives every party at least its
// reservation value.
var ErrNoAgreement = errors.New("no agreement beats every party's reservation value")

// Settlement holds the frontier of a Space and the classic bargaining
// solutions on it. All solutions are restricted to individually rational
// packages: those giving every party at least its reservation value.
type Settlement struct {
	// Frontier is the exact Pareto frontier.
	Frontier *Frontier
	// Rational is the number of frontier points that are individually
	// rational.
	Rational int
	// NoAgreement is true when no package is individually rational; the
	// solutions are then nil.
	NoAgreement bool
	// Ideal is each party's best utility over the individually rational
	// packages (the Kalai-Smorodinsky ideal point).
	Ideal []float64
	// Nash maximises the product of gains over the disagreement point.
	Nash *Outcome
	// KalaiSmorodinsky maximises the smallest gain as a fraction of the
	// party's possible gain (ideal minus disagreement).
	KalaiSmorodinsky *Outcome
	// Egalitarian maximises the smallest gain over the disagreement point.
	Egalitarian *Outcome
	// Utilitarian maximises the sum of utilities.
	Utilitarian *Outcome
}

// Settle computes the frontier with Pareto and the bargaining solutions.
func (s *Space) Settle(ctx context.Context) (*Settlement, error) {
	return s.SettleWithin(ctx, 0)
}

// SettleWithin is Settle with a time budget for the frontier of spaces
// with non-linear profiles (see ParetoWithin); on an inexact frontier the
// solutions are those of the points found.
func (s *Space) SettleWithin(ctx context.Context, budget time.Duration) (*Settlement, error) {
	f, err := s.ParetoWithin(ctx, budget)
	if err != nil {
		return nil, err
	}
	return s.Solve(f), nil
}

// rational reports whether the fixed-point vector u is individually rational.
func (s *Space) rational(u []int64) bool {
	for p, x := range u {
		if x < s.res[p] {
			return false
		}
	}
	return true
}

// Solve computes the bargaining solutions on a frontier of s. Every maximum
// over the individually rational set is attained on the frontier, since a
// point dominating another scores at least as well on each criterion. Ties
// on a criterion go to the point with the larger tie-breaker (smallest gain
// for Nash and utilitarian, sum of utilities for Kalai-Smorodinsky and
// egalitarian), then to the earlier point in frontier order. Comparisons are
// exact: gains are fixed-point integers and products use big integers.
func (s *Space) Solve(f *Frontier) *Settlement {
	np := len(s.Profiles)
	st := &Settlement{Frontier: f}
	var ir []int
	ideal := make([]int64, np)
	for k := range f.Points {
		if !s.rational(f.Points[k].fixed) {
			continue
		}
		if len(ir) == 0 {
			copy(ideal, f.Points[k].fixed)
		}
		for p, x := range f.Points[k].fixed {
			ideal[p] = max(ideal[p], x)
		}
		ir = append(ir, k)
	}
	st.Rational = len(ir)
	if len(ir) == 0 {
		st.NoAgreement = true
		return st
	}
	st.Ideal = make([]float64, np)
	for p := range ideal {
		st.Ideal[p] = FromFixed(ideal[p])
	}
	type score struct {
		main *big.Int // criterion (for KS: numerator of the smallest ratio)
		den  *big.Int // KS denominator, else 1
		tie  int64
	}
	better := func(a, b score) bool { // a strictly better than b
		l := new(big.Int).Mul(a.main, b.den)
		r := new(big.Int).Mul(b.main, a.den)
		if c := l.Cmp(r); c != 0 {
			return c > 0
		}
		return a.tie > b.tie
	}
	one := big.NewInt(1)
	pick := func(eval func(u []int64) score) *Outcome {
		var best score
		bi := -1
		for _, k := range ir {
			sc := eval(f.Points[k].fixed)
			if bi < 0 || better(sc, best) {
				best, bi = sc, k
			}
		}
		o := f.Points[bi]
		return &o
	}
	gains := func(u []int64) (sum, minGain int64) {
		minGain = math.MaxInt64
		for p, x := range u {
			g := x - s.dis[p]
			sum += x
			minGain = min(minGain, g)
		}
		return sum, minGain
	}
	st.Nash = pick(func(u []int64) score {
		prod := big.NewInt(1)
		for p, x := range u {
			prod.Mul(prod, big.NewInt(x-s.dis[p]))
		}
		_, mg := gains(u)
		return score{prod, one, mg}
	})
	st.KalaiSmorodinsky = pick(func(u []int64) score {
		num, den := big.NewInt(1), big.NewInt(1) // ratio 1 until a party can gain
		for p, x := range u {
			span := ideal[p] - s.dis[p]
			if span == 0 {
				continue
			}
			n, d := big.NewInt(x-s.dis[p]), big.NewInt(span)
			if new(big.Int).Mul(n, den).Cmp(new(big.Int).Mul(num, d)) < 0 {
				num, den = n, d
			}
		}
		sum, _ := gains(u)
		return score{num, den, sum}
	})
	st.Egalitarian = pick(func(u []int64) score {
		sum, mg := gains(u)
		return score{big.NewInt(mg), one, sum}
	})
	st.Utilitarian = pick(func(u []int64) score {
		sum, mg := gains(u)
		return score{big.NewInt(sum), one, mg}
	})
	return st
}

// Improvement lists the Pareto improvements over a tentative package.
type Improvement struct {
	// Base is the tentative package with its utilities.
	Base Outcome
	// Improvements holds the frontier points that Pareto-dominate Base:
	// every party at least as well off and one strictly better. Each is a
	// Pareto-optimal improvement; every improving package is dominated by
	// or equal to one of them.
	Improvements []Outcome
	// Nash is the improvement maximising the product of gains over Base
	// (ties as in Solve), or nil when Base is already Pareto optimal.
	Nash *Outcome
}

// Optimal reports whether the tentative package is already Pareto optimal.
func (im *Improvement) Optimal() bool { return len(im.Improvements) == 0 }

// Improve returns the Pareto improvements over pkg found on frontier f of s.
func (s *Space) Improve(f *Frontier, pkg Package) (*Improvement, error) {
	if err := s.check(pkg); err != nil {
		return nil, fmt.Errorf("settle: improve: %w", err)
	}
	base := make([]int64, len(s.Profiles))
	for p := range base {
		base[p] = s.fixed(p, pkg)
	}
	im := &Improvement{Base: s.outcome(append(Package(nil), pkg...), base, 1)}
	var best *big.Int
	var bestTie int64
	for _, pt := range f.Points {
		strict := false
		ok := true
		for p, x := range pt.fixed {
			if x < base[p] {
				ok = false
				break
			}
			if x > base[p] {
				strict = true
			}
		}
		if !ok || !strict {
			continue
		}
		im.Improvements = append(im.Improvements, pt)
		prod := big.NewInt(1)
		tie := int64(math.MaxInt64)
		for p, x := range pt.fixed {
			prod.Mul(prod, big.NewInt(x-base[p]))
			tie = min(tie, x-base[p])
		}
		if best == nil || prod.Cmp(best) > 0 || (prod.Cmp(best) == 0 && tie > bestTie) {
			best, bestTie = prod, tie
			o := pt
			im.Nash = &o
		}
	}
	return im, nil
}

// Distance returns the Euclidean distance in utility space from u to the
// nearest frontier point.
func (f *Frontier) Distance(u []float64) float64 {
	d := math.Inf(1)
	for _, pt := range f.Points {
		d = min(d, Distance(pt.Utilities, u))
	}
	return d
}

// Distance returns the Euclidean distance between two utility vectors.
func Distance(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}
