package settle

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Profile is one party's utility over a domain. Its linear additive part
// gives a package the sum over issues of weight × score of the chosen
// option; a profile may add a non-linear part made of hyper-rectangles
// (see Nonlinear).
type Profile struct {
	// Name identifies the party.
	Name string
	// Weights maps each issue name to its weight. For a plain profile the
	// weights are in [0,1] and sum to 1; see Capped and Nonlinear for the
	// exceptions.
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
	// Capped makes a package's utility the smaller of 1 and the weighted
	// sum, and takes weights and scores as written (any finite values, no
	// sum required): how Genius reads its additive XML profiles.
	Capped bool
	// Discount is the discount factor δ in (0,1] applied as u·δ^t at
	// normalised time t in simulated negotiations; 0 means no discount.
	// It does not change the settlement, which is computed at t = 0.
	Discount float64
	// Nonlinear, when set, adds a hyper-rectangle utility to the linear
	// part (which may then be empty): the utility is
	// min(1, linear + value/Max). Weights need not cover every issue, and
	// weights and scores are taken as written, as for Capped.
	Nonlinear *Nonlinear
}

// Scoring scores the options of one issue in [0,1]: a table for discrete
// options, or a piecewise-linear function for range and real issues.
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
	geniusNames = fieldNames{"weight", "issue"}
)

// Tolerance is the slack allowed when checking that weights sum to 1.
const Tolerance = 1e-6

// MaxMagnitude bounds the utility of any package under a capped or
// non-linear profile, whose weights and scores are taken as written, so
// that utilities stay within the fixed-point range: the sum over issues of
// the largest |weight × score|, plus the largest |value|/Max of the
// rectangles, must not exceed it.
const MaxMagnitude = 1e6

// DisagreementValue returns the disagreement utility of p.
func (p *Profile) DisagreementValue() float64 {
	if p.Disagreement != nil {
		return *p.Disagreement
	}
	return p.Reservation
}

// general reports whether weights and scores are taken as written.
func (p *Profile) general() bool { return p.Capped || p.Nonlinear != nil }

// DiscountFactor returns δ, 1 when the profile has no discount.
func (p *Profile) DiscountFactor() float64 {
	if p.Discount <= 0 || p.Discount > 1 {
		return 1
	}
	return p.Discount
}

// score returns the score of option o of issue is under s.
func (s *Scoring) score(is *Issue, o int) (float64, bool) {
	if is.numeric() && len(s.Points) > 0 {
		return interpolate(s.Points, is.value(o)), true
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
	general := p.general()
	sum := 0.0
	for _, name := range slices.Sorted(maps.Keys(p.Weights)) {
		w := p.Weights[name]
		if d.Issue(name) < 0 {
			return fmt.Errorf("%s: unknown issue %q", fn.weights, name)
		}
		switch {
		case general && (math.IsNaN(w) || math.IsInf(w, 0)):
			return fmt.Errorf("%s.%s: weight %v is not a number", fn.weights, name, w)
		case !general && (math.IsNaN(w) || w < 0 || w > 1):
			return fmt.Errorf("%s.%s: weight %v not in [0,1]", fn.weights, name, w)
		}
		sum += w
	}
	if p.Nonlinear == nil {
		for _, is := range d.Issues {
			if _, ok := p.Weights[is.Name]; !ok {
				return fmt.Errorf("%s: missing issue %q", fn.weights, is.Name)
			}
		}
	}
	if !general && math.Abs(sum-1) > Tolerance {
		return fmt.Errorf("%s: weights sum to %s, want 1", fn.weights, strconv.FormatFloat(sum, 'g', 10, 64))
	}
	for _, name := range slices.Sorted(maps.Keys(p.Scores)) {
		if d.Issue(name) < 0 {
			return fmt.Errorf("%s: unknown issue %q", fn.scores, name)
		}
	}
	for i := range d.Issues {
		is := &d.Issues[i]
		if _, weighted := p.Weights[is.Name]; !weighted && p.Nonlinear != nil {
			continue
		}
		s, ok := p.Scores[is.Name]
		if !ok {
			return fmt.Errorf("%s: missing issue %q", fn.scores, is.Name)
		}
		if err := s.validate(is, strict, general); err != nil {
			return fmt.Errorf("%s.%s: %w", fn.scores, is.Name, err)
		}
	}
	if general {
		mag := 0.0
		for i := range d.Issues {
			is := &d.Issues[i]
			w, ok := p.Weights[is.Name]
			if !ok || w == 0 {
				continue
			}
			sc := p.Scores[is.Name]
			m := 0.0
			for o := range is.Len() {
				v, _ := sc.score(is, o)
				m = math.Max(m, math.Abs(w*v))
			}
			mag += m
		}
		if p.Nonlinear != nil && p.Nonlinear.validate(d) == nil {
			mag += p.Nonlinear.magnitude(d)
		}
		if mag > MaxMagnitude {
			return fmt.Errorf("%s: utilities reach ±%g, beyond ±%g", fn.weights, mag, float64(MaxMagnitude))
		}
	}
	if math.IsNaN(p.Discount) || p.Discount < 0 || p.Discount > 1 {
		return fmt.Errorf("discount: %v not in [0,1]", p.Discount)
	}
	if p.Nonlinear != nil {
		if err := p.Nonlinear.validate(d); err != nil {
			return fmt.Errorf("nonlinear: %w", err)
		}
	}
	if p.ReservationBid != nil {
		pkg, err := d.Package(p.ReservationBid)
		if err != nil {
			return fmt.Errorf("reservationBid: %w", err)
		}
		pt, err := compileParty(d, p)
		if err != nil {
			return err
		}
		// Weights may sum to 1 within a tolerance, so a bid's utility may
		// stray just past [0,1].
		p.Reservation = min(max(FromFixed(pt.eval(pkg)), 0), 1)
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

// scoreOK checks one score: in [0,1], or any finite number for profiles
// read as written.
func scoreOK(v float64, general bool) bool {
	if general {
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return !math.IsNaN(v) && v >= 0 && v <= 1
}

func scoreRange(general bool) string {
	if general {
		return "finite"
	}
	return "in [0,1]"
}

func (s *Scoring) validate(is *Issue, strict, general bool) error {
	if len(s.Points) > 0 {
		if !is.numeric() {
			return fmt.Errorf("points given for a discrete issue")
		}
		for i, pt := range s.Points {
			if math.IsNaN(pt.X) || math.IsInf(pt.X, 0) {
				return fmt.Errorf("points[%d]: value %v is not finite", i, pt.X)
			}
			if !scoreOK(pt.Score, general) {
				return fmt.Errorf("points[%d]: score %v not %s", i, pt.Score, scoreRange(general))
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
		if !scoreOK(v, general) {
			return fmt.Errorf("option %q: score %v not %s", label, v, scoreRange(general))
		}
	}
	if strict && !is.numeric() {
		for _, o := range is.Options {
			if _, ok := s.Options[o]; !ok {
				return fmt.Errorf("option %q has no score", o)
			}
		}
	}
	if strict && is.numeric() {
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
