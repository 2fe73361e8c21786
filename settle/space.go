package settle

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// Scale is the fixed-point denominator of utilities. Each issue's
// contribution weight × score is rounded once to a multiple of 1/Scale and
// package utilities are exact integer sums of those contributions, so the
// order of summation never changes a result.
const Scale = 1_000_000_000_000

// ErrTooLarge is returned when an outcome space is too large to enumerate.
var ErrTooLarge = errors.New("outcome space too large to enumerate")

// MaxEnumerate is the largest outcome space the enumeration methods accept.
const MaxEnumerate = 1 << 34

// Space is a domain together with the profiles of the negotiating parties,
// compiled for computation. It is immutable and safe for concurrent use.
type Space struct {
	// Domain is the negotiation domain.
	Domain *Domain
	// Profiles holds one profile per party, in party order.
	Profiles []*Profile

	contrib [][][]int64 // [party][issue][option] fixed-point linear contributions
	parties []*party    // compiled utilities
	res     []int64     // reservation values, fixed point
	dis     []int64     // disagreement values, fixed point
	linear  bool        // no party has a non-linear part
	capped  bool        // some party's utility is capped at 1
}

// party is one profile compiled for computation: a linear part in fixed
// point, an optional cap at 1 and an optional non-linear part.
type party struct {
	contrib [][]int64
	capped  bool
	nl      *nlModel
}

// compileParty compiles a validated profile.
func compileParty(d *Domain, p *Profile) (*party, error) {
	pt := &party{capped: p.general()}
	pt.contrib = make([][]int64, len(d.Issues))
	hasLinear := false
	for i := range d.Issues {
		is := &d.Issues[i]
		w := p.Weights[is.Name]
		sc := p.Scores[is.Name]
		pt.contrib[i] = make([]int64, is.Len())
		if w == 0 {
			continue
		}
		for o := range pt.contrib[i] {
			v, _ := sc.score(is, o)
			pt.contrib[i][o] = ToFixed(w * v)
			hasLinear = hasLinear || pt.contrib[i][o] != 0
		}
	}
	if p.Nonlinear != nil {
		pt.nl = compileNonlinear(d, p.Nonlinear, hasLinear)
	}
	return pt, nil
}

// linear returns the linear part of pkg's utility.
func (pt *party) linear(pkg Package) int64 {
	var u int64
	for i, o := range pkg {
		u += pt.contrib[i][o]
	}
	return u
}

// finish turns the linear part lin of pkg's utility into the utility.
func (pt *party) finish(lin int64, pkg Package) int64 {
	if pt.nl != nil {
		v := pt.nl.value(pkg)
		if pt.nl.exact {
			return pt.nl.toFixed(v)
		}
		lin += v
	}
	if pt.capped {
		lin = min(lin, Scale)
	}
	return lin
}

// eval returns pkg's fixed-point utility.
func (pt *party) eval(pkg Package) int64 { return pt.finish(pt.linear(pkg), pkg) }

// New validates d and the profiles against it and compiles them into a Space.
// At least one profile is required.
func New(d *Domain, profiles ...*Profile) (*Space, error) {
	if d == nil {
		return nil, fmt.Errorf("settle: no domain")
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("settle: domain %s: %w", d.Name, err)
	}
	if len(profiles) == 0 {
		return nil, fmt.Errorf("settle: no profiles")
	}
	s := &Space{Domain: d, Profiles: profiles, linear: true}
	for pi, p := range profiles {
		if err := p.validate(d, false, parleyNames); err != nil {
			return nil, fmt.Errorf("settle: profile %s: %w", p.Name, err)
		}
		pt, err := compileParty(d, p)
		if err != nil {
			return nil, fmt.Errorf("settle: profile %s: %w", p.Name, err)
		}
		s.parties = append(s.parties, pt)
		s.contrib = append(s.contrib, pt.contrib)
		s.linear = s.linear && pt.nl == nil
		s.capped = s.capped || pt.capped
		r := ToFixed(p.Reservation)
		if p.ReservationBid != nil {
			pkg, _ := d.Package(p.ReservationBid)
			r = s.fixed(pi, pkg)
		}
		dv := r
		if p.Disagreement != nil {
			dv = min(ToFixed(*p.Disagreement), r)
		}
		s.res = append(s.res, r)
		s.dis = append(s.dis, dv)
	}
	return s, nil
}

// ToFixed converts a utility to fixed point, rounding to the nearest 1/Scale.
func ToFixed(u float64) int64 { return int64(math.Round(u * Scale)) }

// FromFixed converts a fixed-point utility back to a float64.
func FromFixed(x int64) float64 { return float64(x) / Scale }

// Parties returns the number of parties.
func (s *Space) Parties() int { return len(s.Profiles) }

// Size returns the number of packages in the outcome space.
func (s *Space) Size() *big.Int {
	n := big.NewInt(1)
	for i := range s.Domain.Issues {
		n.Mul(n, big.NewInt(int64(s.Domain.Issues[i].Len())))
	}
	return n
}

// size64 returns the outcome-space size if it fits in a uint64.
func (s *Space) size64() (uint64, bool) {
	n := uint64(1)
	for i := range s.Domain.Issues {
		hi, lo := bits.Mul64(n, uint64(s.Domain.Issues[i].Len()))
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// check reports whether pkg is a valid package of the domain.
func (s *Space) check(pkg Package) error {
	if len(pkg) != len(s.Domain.Issues) {
		return fmt.Errorf("settle: package has %d issues, domain has %d", len(pkg), len(s.Domain.Issues))
	}
	for i, o := range pkg {
		if o < 0 || o >= s.Domain.Issues[i].Len() {
			return fmt.Errorf("settle: package: issue %s: option %d out of range", s.Domain.Issues[i].Name, o)
		}
	}
	return nil
}

func (s *Space) fixed(party int, pkg Package) int64 {
	return s.parties[party].eval(pkg)
}

// Utility returns the utility of pkg for the given party. It panics if pkg
// is not a package of the domain; use Utilities to check.
func (s *Space) Utility(party int, pkg Package) float64 {
	return FromFixed(s.fixed(party, pkg))
}

// Utilities returns every party's utility of pkg.
func (s *Space) Utilities(pkg Package) ([]float64, error) {
	if err := s.check(pkg); err != nil {
		return nil, err
	}
	u := make([]float64, len(s.Profiles))
	for p := range u {
		u[p] = s.Utility(p, pkg)
	}
	return u, nil
}

// Reservation returns the party's reservation value (from its reservation
// bid when it has one).
func (s *Space) Reservation(party int) float64 { return FromFixed(s.res[party]) }

// Disagreement returns the party's disagreement value.
func (s *Space) Disagreement(party int) float64 { return FromFixed(s.dis[party]) }

// Best returns the package that is best for the party and its utility. Ties
// are broken towards the lowest option index on each issue.
func (s *Space) Best(party int) (Package, float64) { return s.extreme(party, 1) }

// Worst returns the package that is worst for the party and its utility.
// Ties are broken towards the lowest option index on each issue.
func (s *Space) Worst(party int) (Package, float64) { return s.extreme(party, -1) }

func (s *Space) extreme(party int, sign int64) (Package, float64) {
	if s.parties[party].nl != nil {
		pkg := s.extremeNonlinear(party, sign)
		return pkg, s.Utility(party, pkg)
	}
	pkg := make(Package, len(s.Domain.Issues))
	for i, cs := range s.contrib[party] {
		for o, c := range cs {
			if sign*c > sign*cs[pkg[i]] {
				pkg[i] = o
			}
		}
	}
	return pkg, s.Utility(party, pkg)
}

// decode writes the package with mixed-radix index idx into pkg; the last
// issue varies fastest.
func (s *Space) decode(idx uint64, pkg Package) {
	for i := len(pkg) - 1; i >= 0; i-- {
		n := uint64(s.Domain.Issues[i].Len())
		pkg[i] = int(idx % n)
		idx /= n
	}
}

// Enumerate calls fn for every package, the last issue varying fastest, with
// every party's utility, until fn returns false. pkg and u are reused between
// calls. It returns ErrTooLarge above MaxEnumerate packages.
func (s *Space) Enumerate(fn func(pkg Package, u []float64) bool) error {
	u := make([]float64, len(s.Profiles))
	return s.enumerate(func(_ uint64, pkg Package, fu []int64) bool {
		for p, x := range fu {
			u[p] = FromFixed(x)
		}
		return fn(pkg, u)
	})
}

// enumerate is the fixed-point form of Enumerate: an odometer over the
// issues keeping per-level partial sums, so each package costs one addition
// per party in the innermost issue. Sums run in issue order, as in merge.
func (s *Space) enumerate(fn func(idx uint64, pkg Package, u []int64) bool) error {
	total, ok := s.size64()
	if !ok || total > MaxEnumerate {
		return fmt.Errorf("settle: enumerate %s packages: %w", s.Size(), ErrTooLarge)
	}
	np, ni := len(s.Profiles), len(s.Domain.Issues)
	pkg := make(Package, ni)
	// partial[l*np+p] is party p's sum over issues 0..l-1.
	partial := make([]int64, (ni+1)*np)
	for l := 0; l < ni; l++ {
		for p := 0; p < np; p++ {
			partial[(l+1)*np+p] = partial[l*np+p] + s.contrib[p][l][0]
		}
	}
	last := ni - 1
	lastN := s.Domain.Issues[last].Len()
	u := make([]int64, np)
	var idx uint64
	var general []int // parties whose utility is more than the linear sum
	for p, pt := range s.parties {
		if pt.capped || pt.nl != nil {
			general = append(general, p)
		}
	}
	for {
		base := partial[last*np : last*np+np]
		for o := 0; o < lastN; o++ {
			pkg[last] = o
			for p := 0; p < np; p++ {
				u[p] = base[p] + s.contrib[p][last][o]
			}
			for _, p := range general {
				u[p] = s.parties[p].finish(u[p], pkg)
			}
			if !fn(idx, pkg, u) {
				return nil
			}
			idx++
		}
		// Advance the odometer on issues 0..last-1.
		l := last - 1
		for ; l >= 0; l-- {
			pkg[l]++
			if pkg[l] < s.Domain.Issues[l].Len() {
				break
			}
			pkg[l] = 0
		}
		if l < 0 {
			return nil
		}
		for ; l < last; l++ {
			for p := 0; p < np; p++ {
				partial[(l+1)*np+p] = partial[l*np+p] + s.contrib[p][l][pkg[l]]
			}
		}
	}
}
