// Package settle is parley's settlement engine: negotiation domains and
// linear additive preference profiles, the exact Pareto frontier, the Nash,
// Kalai-Smorodinsky, egalitarian and utilitarian points, Adjusted Winner,
// Pareto improvements of a tentative package, and simulated negotiations
// between automated agents.
//
// Utilities are held in fixed point (see [Scale]) so that every way of
// computing the utility of a package — enumeration, the issue-by-issue
// frontier merge, a direct lookup — gives bit-identical results.
package settle

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Domain is the set of issues under negotiation.
type Domain struct {
	// Name identifies the domain; it is informational.
	Name string
	// Issues lists the issues in a fixed order; packages index them by position.
	Issues []Issue
}

// Issue is one negotiated question: either a list of discrete options or an
// integer range.
type Issue struct {
	// Name identifies the issue within its domain.
	Name string
	// Options holds the discrete options; empty for a range issue.
	Options []string
	// Range is set for an integer-valued issue such as "ceasefire days 0..90".
	Range *Range
}

// Range is an integer interval Low, Low+Step, ..., up to High inclusive.
type Range struct {
	// Low is the smallest value.
	Low int64
	// High is the largest value; High-Low must be a multiple of Step.
	High int64
	// Step is the distance between consecutive values; 0 is read as 1.
	Step int64
}

// MaxRangeValues bounds the number of values of one range issue.
const MaxRangeValues = 1 << 20

// step returns the effective step of r.
func (r Range) step() int64 {
	if r.Step <= 0 {
		return 1
	}
	return r.Step
}

// Len returns the number of values in the range.
func (r Range) Len() int {
	return int((uint64(r.High)-uint64(r.Low))/uint64(r.step())) + 1
}

// Value returns the i-th value of the range.
func (r Range) Value(i int) int64 { return r.Low + int64(i)*r.step() }

// IsRange reports whether the issue is an integer range.
func (is *Issue) IsRange() bool { return is.Range != nil }

// Len returns the number of options of the issue.
func (is *Issue) Len() int {
	if is.Range != nil {
		return is.Range.Len()
	}
	return len(is.Options)
}

// Label returns the text form of option i.
func (is *Issue) Label(i int) string {
	if is.Range != nil {
		return strconv.FormatInt(is.Range.Value(i), 10)
	}
	return is.Options[i]
}

// Index returns the position of the option labelled s, or -1.
func (is *Issue) Index(s string) int {
	if is.Range != nil {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return -1
			}
			v = int64(f)
		}
		r := *is.Range
		if v < r.Low || v > r.High || (uint64(v)-uint64(r.Low))%uint64(r.step()) != 0 {
			return -1
		}
		return int((uint64(v) - uint64(r.Low)) / uint64(r.step()))
	}
	for i, o := range is.Options {
		if o == s {
			return i
		}
	}
	return -1
}

// Issue returns the position of the issue called name, or -1.
func (d *Domain) Issue(name string) int {
	for i := range d.Issues {
		if d.Issues[i].Name == name {
			return i
		}
	}
	return -1
}

// Validate checks that the domain is well formed: at least one issue, unique
// non-empty names, at least one option per issue, unique options, and sane
// ranges.
func (d *Domain) Validate() error {
	if len(d.Issues) == 0 {
		return fmt.Errorf("issues: no issues")
	}
	seen := make(map[string]bool, len(d.Issues))
	for i := range d.Issues {
		is := &d.Issues[i]
		if is.Name == "" {
			return fmt.Errorf("issues[%d]: empty name", i)
		}
		if seen[is.Name] {
			return fmt.Errorf("issues: duplicate issue %q", is.Name)
		}
		seen[is.Name] = true
		if is.Range != nil {
			r := is.Range
			if len(is.Options) > 0 {
				return fmt.Errorf("issues.%s: both options and a range", is.Name)
			}
			if r.Step < 0 {
				return fmt.Errorf("issues.%s: range step %d is negative", is.Name, r.Step)
			}
			if r.High < r.Low {
				return fmt.Errorf("issues.%s: range high %d below low %d", is.Name, r.High, r.Low)
			}
			span := uint64(r.High) - uint64(r.Low)
			if span%uint64(r.step()) != 0 {
				return fmt.Errorf("issues.%s: range %d..%d is not a multiple of step %d", is.Name, r.Low, r.High, r.step())
			}
			if span/uint64(r.step()) >= MaxRangeValues {
				return fmt.Errorf("issues.%s: range has more than %d values", is.Name, MaxRangeValues)
			}
			continue
		}
		if len(is.Options) == 0 {
			return fmt.Errorf("issues.%s: no options", is.Name)
		}
		opts := make(map[string]bool, len(is.Options))
		for _, o := range is.Options {
			if opts[o] {
				return fmt.Errorf("issues.%s: duplicate option %q", is.Name, o)
			}
			opts[o] = true
		}
	}
	return nil
}

// Profile is one party's linear additive utility over a domain: the utility
// of a package is the sum over issues of weight × score of the chosen option.
type Profile struct {
	// Name identifies the party.
	Name string
	// Weights maps each issue name to its weight; the weights sum to 1.
	Weights map[string]float64
	// Scores maps each issue name to how the party scores its options.
	Scores map[string]Scoring
	// Reservation is the walk-away utility: packages below it are not
	// individually rational for this party.
	Reservation float64
	// Disagreement is the utility the party gets when talks fail; nil means
	// the reservation value. It must not exceed the reservation value.
	Disagreement *float64
	// ReservationBid, when set, is a package whose utility defines the
	// reservation value (GeniusWeb's reservationBid); it maps issue names to
	// option labels. The readers and New set Reservation to its utility.
	ReservationBid map[string]string
}

// Scoring scores the options of one issue in [0,1]: a table for discrete
// options, or a piecewise-linear function for range issues.
type Scoring struct {
	// Options maps option labels to scores.
	Options map[string]float64
	// Points is a piecewise-linear function given by (value, score) pairs in
	// increasing value order; values outside the points take the nearest
	// end point's score.
	Points []Point2
}

// Point2 is one corner of a piecewise-linear score function.
type Point2 struct {
	// X is the issue value.
	X float64
	// Score is the score at X.
	Score float64
}

// fieldNames names profile fields in error messages, per file format.
type fieldNames struct{ weights, scores string }

var (
	parleyNames = fieldNames{"weights", "scores"}
	gwNames     = fieldNames{"issueWeights", "issueUtilities"}
)

// Tolerance is the slack allowed when checking that weights sum to 1.
const Tolerance = 1e-6

// DisagreementValue returns the disagreement utility of p.
func (p *Profile) DisagreementValue() float64 {
	if p.Disagreement != nil {
		return *p.Disagreement
	}
	return p.Reservation
}

// score returns the score of option o of issue is under s.
func (s *Scoring) score(is *Issue, o int) (float64, bool) {
	if is.Range != nil && len(s.Points) > 0 {
		return interpolate(s.Points, float64(is.Range.Value(o))), true
	}
	v, ok := s.Options[is.Label(o)]
	return v, ok
}

// interpolate evaluates the piecewise-linear function pts at x.
func interpolate(pts []Point2, x float64) float64 {
	if x <= pts[0].X {
		return pts[0].Score
	}
	last := pts[len(pts)-1]
	if x >= last.X {
		return last.Score
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].X >= x })
	a, b := pts[i-1], pts[i]
	if b.X == x {
		return b.Score
	}
	return a.Score + (b.Score-a.Score)*(x-a.X)/(b.X-a.X)
}

// validate checks p against d and, when p has a reservation bid, sets
// Reservation to the bid's utility. Field names in errors come from fn, per
// file format; strict reports options without a score as errors (otherwise
// they score 0, as in GeniusWeb).
func (p *Profile) validate(d *Domain, strict bool, fn fieldNames) error {
	sum := 0.0
	for _, name := range slices.Sorted(maps.Keys(p.Weights)) {
		w := p.Weights[name]
		if d.Issue(name) < 0 {
			return fmt.Errorf("%s: unknown issue %q", fn.weights, name)
		}
		if math.IsNaN(w) || w < 0 || w > 1 {
			return fmt.Errorf("%s.%s: weight %v not in [0,1]", fn.weights, name, w)
		}
		sum += w
	}
	for _, is := range d.Issues {
		if _, ok := p.Weights[is.Name]; !ok {
			return fmt.Errorf("%s: missing issue %q", fn.weights, is.Name)
		}
	}
	if math.Abs(sum-1) > Tolerance {
		return fmt.Errorf("%s: weights sum to %s, want 1", fn.weights, strconv.FormatFloat(sum, 'g', 10, 64))
	}
	for _, name := range slices.Sorted(maps.Keys(p.Scores)) {
		if d.Issue(name) < 0 {
			return fmt.Errorf("%s: unknown issue %q", fn.scores, name)
		}
	}
	for i := range d.Issues {
		is := &d.Issues[i]
		s, ok := p.Scores[is.Name]
		if !ok {
			return fmt.Errorf("%s: missing issue %q", fn.scores, is.Name)
		}
		if err := s.validate(is, strict); err != nil {
			return fmt.Errorf("%s.%s: %w", fn.scores, is.Name, err)
		}
	}
	if p.ReservationBid != nil {
		pkg, err := d.Package(p.ReservationBid)
		if err != nil {
			return fmt.Errorf("reservationBid: %w", err)
		}
		s := &Space{Domain: d}
		c := s.compile(p)
		var u int64
		for i, o := range pkg {
			u += c[i][o]
		}
		// Weights may sum to 1 within a tolerance, so a bid's utility may
		// stray just past [0,1].
		p.Reservation = min(max(FromFixed(u), 0), 1)
	}
	if math.IsNaN(p.Reservation) || p.Reservation < 0 || p.Reservation > 1 {
		return fmt.Errorf("reservation: %v not in [0,1]", p.Reservation)
	}
	if p.Disagreement != nil {
		dv := *p.Disagreement
		if math.IsNaN(dv) || dv < 0 || dv > 1 {
			return fmt.Errorf("disagreement: %v not in [0,1]", dv)
		}
		if dv > p.Reservation {
			return fmt.Errorf("disagreement: %v above the reservation value %v", dv, p.Reservation)
		}
	}
	return nil
}

func (s *Scoring) validate(is *Issue, strict bool) error {
	if len(s.Points) > 0 {
		if is.Range == nil {
			return fmt.Errorf("points given for a discrete issue")
		}
		for i, pt := range s.Points {
			if math.IsNaN(pt.X) || math.IsInf(pt.X, 0) {
				return fmt.Errorf("points[%d]: value %v is not finite", i, pt.X)
			}
			if math.IsNaN(pt.Score) || pt.Score < 0 || pt.Score > 1 {
				return fmt.Errorf("points[%d]: score %v not in [0,1]", i, pt.Score)
			}
			if i > 0 && pt.X <= s.Points[i-1].X {
				return fmt.Errorf("points[%d]: value %v not above %v", i, pt.X, s.Points[i-1].X)
			}
		}
		if len(s.Options) > 0 {
			return fmt.Errorf("both points and option scores")
		}
		return nil
	}
	for _, label := range slices.Sorted(maps.Keys(s.Options)) {
		v := s.Options[label]
		if is.Index(label) < 0 {
			return fmt.Errorf("unknown option %q", label)
		}
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("option %q: score %v not in [0,1]", label, v)
		}
	}
	if strict && is.Range == nil {
		for _, o := range is.Options {
			if _, ok := s.Options[o]; !ok {
				return fmt.Errorf("option %q has no score", o)
			}
		}
	}
	if strict && is.Range != nil {
		if len(s.Options) == 0 {
			return fmt.Errorf("no points for range issue")
		}
		// Scored value by value, every value needs its score, as for
		// discrete options: a forgotten value must not silently score 0.
		for k := range is.Len() {
			if _, ok := s.Options[is.Label(k)]; !ok {
				return fmt.Errorf("value %s has no score (give points for a piecewise-linear score instead)", is.Label(k))
			}
		}
	}
	return nil
}

// Package converts a map from issue names to option labels into a Package.
// Every issue must be present and every label must be an option.
func (d *Domain) Package(bid map[string]string) (Package, error) {
	for name := range bid {
		if d.Issue(name) < 0 {
			return nil, fmt.Errorf("unknown issue %q", name)
		}
	}
	pkg := make(Package, len(d.Issues))
	for i := range d.Issues {
		is := &d.Issues[i]
		label, ok := bid[is.Name]
		if !ok {
			return nil, fmt.Errorf("missing issue %q", is.Name)
		}
		o := is.Index(label)
		if o < 0 {
			return nil, fmt.Errorf("%s: unknown option %q", is.Name, label)
		}
		pkg[i] = o
	}
	return pkg, nil
}

// Bid converts a package to a map from issue names to option labels.
func (d *Domain) Bid(pkg Package) map[string]string {
	m := make(map[string]string, len(d.Issues))
	for i, o := range pkg {
		m[d.Issues[i].Name] = d.Issues[i].Label(o)
	}
	return m
}

// Package is one option per issue, by position: Package[i] indexes the
// options of Domain.Issues[i].
type Package []int
