package settle

import (
	"fmt"
	"math"
)

// Aggregation says how a utility function combines its parts.
type Aggregation string

// The aggregations of Genius's non-linear utility functions.
const (
	// AggregateSum adds the parts (the default).
	AggregateSum Aggregation = "sum"
	// AggregateMin takes the smallest part.
	AggregateMin Aggregation = "min"
	// AggregateMax takes the largest part.
	AggregateMax Aggregation = "max"
)

// Nonlinear is a utility made of hyper-rectangles over integer issues, as
// in Genius's non-linear utility spaces (the ANAC 2014 domains). Its value
// for a package aggregates the values of its rectangles and of its nested
// functions; the profile's utility is min(1, linear part + value/Max).
type Nonlinear struct {
	// Max is the value that counts as utility 1 (Genius's maxutility); it
	// must be positive. Values above it are capped at utility 1.
	Max float64
	// Aggregation combines the parts; "" means sum.
	Aggregation Aggregation
	// Rectangles are the top-level hyper-rectangles.
	Rectangles []Rectangle
	// Functions are nested utility functions.
	Functions []Function
}

// Function is a nested utility function: its parts are aggregated and the
// result multiplied by Weight.
type Function struct {
	// Weight multiplies the function's value.
	Weight float64
	// Aggregation combines the parts; "" means sum.
	Aggregation Aggregation
	// Rectangles are the function's hyper-rectangles.
	Rectangles []Rectangle
	// Functions are further nested functions.
	Functions []Function
}

// Rectangle is a hyper-rectangle: a box given by integer bounds on some
// issues. An including rectangle is worth Utility for a package inside the
// box (every bound met) and 0 otherwise; an excluding one is worth Utility
// when some bound is violated. A rectangle without bounds is always worth
// Utility.
type Rectangle struct {
	// Utility is the rectangle's value (Genius's utility × weight).
	Utility float64
	// Exclude makes the rectangle count outside the box instead of inside.
	Exclude bool
	// Bounds lists the box's sides, at most one per issue.
	Bounds []Bound
}

// Bound is one side of a hyper-rectangle: Min ≤ value of Issue ≤ Max.
type Bound struct {
	// Issue names an integer range issue of the domain.
	Issue string
	// Min is the smallest value inside the box.
	Min int64
	// Max is the largest value inside the box.
	Max int64
}

// Limits on non-linear profiles, so that bad input cannot exhaust memory or
// overflow the fixed-point arithmetic.
const (
	// MaxRectangles bounds the rectangles of one profile.
	MaxRectangles = 1 << 16
	// MaxDepth bounds the nesting of functions.
	MaxDepth = 16
)

// minInit and maxInit are where Genius starts a min and a max aggregation.
const (
	minInit = math.MaxInt32
	maxInit = -math.MaxInt32
)

// aggInit returns the value an aggregation starts from.
func aggInit(a Aggregation) float64 {
	switch a {
	case AggregateMin:
		return minInit
	case AggregateMax:
		return maxInit
	}
	return 0
}

func (a Aggregation) valid() bool {
	return a == "" || a == AggregateSum || a == AggregateMin || a == AggregateMax
}

// validate checks the rectangles against d.
func (n *Nonlinear) validate(d *Domain) error {
	if math.IsNaN(n.Max) || math.IsInf(n.Max, 0) || n.Max <= 0 {
		return fmt.Errorf("max: %v is not a positive number", n.Max)
	}
	count := 0
	top := Function{Weight: 1, Aggregation: n.Aggregation, Rectangles: n.Rectangles, Functions: n.Functions}
	mag, err := top.validate(d, "", 0, &count)
	if err != nil {
		return err
	}
	if mag/n.Max > MaxMagnitude {
		return fmt.Errorf("values up to %g are too large for max %g (utilities must stay within ±%g)", mag, n.Max, float64(MaxMagnitude))
	}
	return nil
}

// magnitude bounds |value|/Max over all packages.
func (n *Nonlinear) magnitude(d *Domain) float64 {
	count := 0
	top := Function{Weight: 1, Aggregation: n.Aggregation, Rectangles: n.Rectangles, Functions: n.Functions}
	mag, _ := top.validate(d, "", 0, &count)
	return mag / n.Max
}

// validate checks f and returns a bound on the magnitude of its value.
func (f *Function) validate(d *Domain, path string, depth int, count *int) (float64, error) {
	if depth > MaxDepth {
		return 0, fmt.Errorf("%sfunctions nested deeper than %d", path, MaxDepth)
	}
	if !f.Aggregation.valid() {
		return 0, fmt.Errorf("%saggregation: %q is not sum, min or max", path, f.Aggregation)
	}
	if math.IsNaN(f.Weight) || math.IsInf(f.Weight, 0) {
		return 0, fmt.Errorf("%sweight: %v is not a number", path, f.Weight)
	}
	// A sum is bounded by the sum of its parts' magnitudes, a min or max by
	// the largest, or by its start value when it has no parts.
	extreme := f.Aggregation == AggregateMin || f.Aggregation == AggregateMax
	mag := 0.0
	part := func(m float64) {
		if extreme {
			mag = math.Max(mag, m)
		} else {
			mag += m
		}
	}
	for i := range f.Rectangles {
		r := &f.Rectangles[i]
		*count++
		if *count > MaxRectangles {
			return 0, fmt.Errorf("more than %d rectangles", MaxRectangles)
		}
		where := fmt.Sprintf("%srectangles[%d]", path, i)
		if math.IsNaN(r.Utility) || math.IsInf(r.Utility, 0) {
			return 0, fmt.Errorf("%s: utility %v is not a number", where, r.Utility)
		}
		seen := map[string]bool{}
		for _, b := range r.Bounds {
			k := d.Issue(b.Issue)
			if k < 0 {
				return 0, fmt.Errorf("%s: unknown issue %q", where, b.Issue)
			}
			if d.Issues[k].Range == nil {
				return 0, fmt.Errorf("%s: issue %q is not an integer issue (rectangles bound integer issues only)", where, b.Issue)
			}
			if seen[b.Issue] {
				return 0, fmt.Errorf("%s: issue %q bounded twice", where, b.Issue)
			}
			seen[b.Issue] = true
		}
		part(math.Abs(r.Utility))
	}
	for i := range f.Functions {
		g := &f.Functions[i]
		m, err := g.validate(d, fmt.Sprintf("%sfunctions[%d].", path, i), depth+1, count)
		if err != nil {
			return 0, err
		}
		part(m * math.Abs(g.Weight))
	}
	if extreme && len(f.Rectangles)+len(f.Functions) == 0 {
		mag = math.MaxInt32
	}
	if math.IsInf(mag, 0) || mag > 1e15 {
		return 0, fmt.Errorf("%svalues too large", path)
	}
	return mag, nil
}

// nlRect is a compiled rectangle: option-position intervals per issue.
type nlRect struct {
	value   int64 // folded value in the model's units
	exclude bool
	bounds  []nlBound
}

// nlBound is Lo ≤ option position of issue ≤ Hi (empty when Lo > Hi).
type nlBound struct {
	issue  int
	lo, hi int
}

// nlNode is a compiled function with every weight on the path from the top
// folded into its values (a negative weight turns min into max).
type nlNode struct {
	agg   Aggregation
	init  int64
	rects []int32
	kids  []*nlNode
}

// nlModel is a compiled Nonlinear. In exact mode every folded value is an
// integer and the model counts in the file's own units (value/Max is
// converted once, at the end); otherwise values are rounded once to the
// fixed-point utility scale.
type nlModel struct {
	root  *nlNode
	rects []nlRect
	exact bool
	max   float64
	ceil  int64 // exact mode: the smallest integer value worth utility 1
}

// compileNonlinear compiles n over d; linear reports whether the profile
// also has a linear part (which forces fixed-point units).
func compileNonlinear(d *Domain, n *Nonlinear, linear bool) *nlModel {
	m := &nlModel{max: n.Max, exact: !linear}
	top := Function{Weight: 1, Aggregation: n.Aggregation, Rectangles: n.Rectangles, Functions: n.Functions}
	// First pass: are all folded values integers?
	var check func(f *Function, w float64)
	check = func(f *Function, w float64) {
		vals := []float64{aggInit(f.Aggregation) * w}
		for _, r := range f.Rectangles {
			vals = append(vals, r.Utility*w)
		}
		for _, v := range vals {
			if v != math.Trunc(v) || math.Abs(v) > 1<<50 {
				m.exact = false
			}
		}
		for i := range f.Functions {
			check(&f.Functions[i], w*f.Functions[i].Weight)
		}
	}
	check(&top, 1)
	if m.exact {
		m.ceil = int64(math.Ceil(n.Max))
	}
	units := func(v float64) int64 {
		if m.exact {
			return int64(v)
		}
		return clampFixed(v / n.Max * Scale)
	}
	var build func(f *Function, w float64) *nlNode
	build = func(f *Function, w float64) *nlNode {
		agg := f.Aggregation
		if agg == "" {
			agg = AggregateSum
		}
		init := aggInit(agg)
		if w < 0 {
			switch agg {
			case AggregateMin:
				agg = AggregateMax
			case AggregateMax:
				agg = AggregateMin
			}
		}
		nd := &nlNode{agg: agg, init: units(init * w)}
		for _, r := range f.Rectangles {
			cr := nlRect{value: units(r.Utility * w), exclude: r.Exclude}
			for _, b := range r.Bounds {
				k := d.Issue(b.Issue)
				rg := d.Issues[k].Range
				cr.bounds = append(cr.bounds, rangeBound(k, *rg, b.Min, b.Max))
			}
			nd.rects = append(nd.rects, int32(len(m.rects)))
			m.rects = append(m.rects, cr)
		}
		for i := range f.Functions {
			nd.kids = append(nd.kids, build(&f.Functions[i], w*f.Functions[i].Weight))
		}
		return nd
	}
	m.root = build(&top, 1)
	return m
}

// rangeBound converts the value interval [lo, hi] of range issue k into an
// interval of option positions.
func rangeBound(k int, r Range, lo, hi int64) nlBound {
	st := r.step()
	n := r.Len()
	b := nlBound{issue: k}
	// First position with value ≥ lo, last with value ≤ hi.
	switch {
	case lo <= r.Low:
		b.lo = 0
	case lo > r.High:
		b.lo = n
	default:
		b.lo = int((uint64(lo) - uint64(r.Low) + uint64(st) - 1) / uint64(st))
	}
	switch {
	case hi >= r.High:
		b.hi = n - 1
	case hi < r.Low:
		b.hi = -1
	default:
		b.hi = int((uint64(hi) - uint64(r.Low)) / uint64(st))
	}
	return b
}

// clampFixed rounds v to an integer kept well inside the int64 range.
func clampFixed(v float64) int64 {
	const lim = 1 << 61
	switch {
	case v > lim:
		return lim
	case v < -lim:
		return -lim
	}
	return int64(math.Round(v))
}

// inside reports whether pkg meets every bound of r.
func (r *nlRect) inside(pkg Package) bool {
	for _, b := range r.bounds {
		if o := pkg[b.issue]; o < b.lo || o > b.hi {
			return false
		}
	}
	return true
}

// worth returns the rectangle's value for pkg.
func (r *nlRect) worth(pkg Package) int64 {
	if r.inside(pkg) != r.exclude {
		return r.value
	}
	return 0
}

// value evaluates the model on a package.
func (m *nlModel) value(pkg Package) int64 { return m.eval(m.root, pkg) }

func (m *nlModel) eval(nd *nlNode, pkg Package) int64 {
	acc := nd.init
	add := func(v int64) {
		switch nd.agg {
		case AggregateMin:
			acc = min(acc, v)
		case AggregateMax:
			acc = max(acc, v)
		default:
			acc += v
		}
	}
	for _, ri := range nd.rects {
		add(m.rects[ri].worth(pkg))
	}
	for _, k := range nd.kids {
		add(m.eval(k, pkg))
	}
	return acc
}

// toFixed converts an exact-mode value (already capped or not) to a
// fixed-point utility, capped at 1.
func (m *nlModel) toFixed(v int64) int64 {
	if v >= m.ceil {
		return Scale
	}
	return clampFixed(float64(v) / m.max * Scale)
}
