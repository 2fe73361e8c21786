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
	"math"
	"strconv"
)

// Domain is the set of issues under negotiation.
type Domain struct {
	// Name identifies the domain; it is informational.
	Name string
	// Issues lists the issues in a fixed order; packages index them by position.
	Issues []Issue
}

// Issue is one negotiated question: a list of discrete options, an integer
// range, or a real interval sampled on a grid.
type Issue struct {
	// Name identifies the issue within its domain.
	Name string
	// Options holds the discrete options; empty for a range or real issue.
	Options []string
	// Range is set for an integer-valued issue such as "ceasefire days 0..90".
	Range *Range
	// Real is set for a continuous issue (Genius's "real" issues), which
	// parley negotiates over a grid of equally spaced values.
	Real *Real
	// Number is the issue's index in a Genius XML domain, by which Genius
	// profiles refer to it; 0 means its position plus one (the numbering
	// Genius gives issues under the root objective 0).
	Number int
}

// Real is a continuous interval Low..High negotiated over Steps equally
// spaced values, both ends included.
type Real struct {
	// Low is the smallest value.
	Low float64
	// High is the largest value.
	High float64
	// Steps is the number of grid values (at least 2 unless Low equals
	// High); 0 is read as DefaultRealSteps.
	Steps int
}

// DefaultRealSteps is the number of grid values of a real issue that does
// not say: the ends and every tenth of the interval.
const DefaultRealSteps = 11

// steps returns the effective number of grid values.
func (r Real) steps() int {
	switch {
	case r.Low == r.High:
		return 1
	case r.Steps <= 0:
		return DefaultRealSteps
	}
	return r.Steps
}

// Value returns the i-th grid value of the interval.
func (r Real) Value(i int) float64 {
	n := r.steps()
	if n == 1 || i == 0 {
		return r.Low
	}
	if i == n-1 {
		return r.High
	}
	return r.Low + (r.High-r.Low)*float64(i)/float64(n-1)
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

// numeric reports whether options are numbers (range and real issues).
func (is *Issue) numeric() bool { return is.Range != nil || is.Real != nil }

// value returns the number of option i of a range or real issue.
func (is *Issue) value(i int) float64 {
	if is.Real != nil {
		return is.Real.Value(i)
	}
	return float64(is.Range.Value(i))
}

// Len returns the number of options of the issue.
func (is *Issue) Len() int {
	switch {
	case is.Range != nil:
		return is.Range.Len()
	case is.Real != nil:
		return is.Real.steps()
	}
	return len(is.Options)
}

// Label returns the text form of option i.
func (is *Issue) Label(i int) string {
	switch {
	case is.Range != nil:
		return strconv.FormatInt(is.Range.Value(i), 10)
	case is.Real != nil:
		return formatFloat(is.Real.Value(i))
	}
	return is.Options[i]
}

// number returns the issue's Genius index given its position.
func (is *Issue) number(pos int) int {
	if is.Number != 0 {
		return is.Number
	}
	return pos + 1
}

// Index returns the position of the option labelled s, or -1. A real
// issue's option is found by its value, within a millionth of a grid step.
func (is *Issue) Index(s string) int {
	if is.Real != nil {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) {
			return -1
		}
		r := *is.Real
		n := r.steps()
		if n == 1 {
			if f == r.Low {
				return 0
			}
			return -1
		}
		step := (r.High - r.Low) / float64(n-1)
		k := math.Round((f - r.Low) / step)
		if k < 0 || k >= float64(n) || math.Abs(r.Value(int(k))-f) > math.Abs(step)*1e-6 {
			return -1
		}
		return int(k)
	}
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
	numbers := make(map[int]string, len(d.Issues))
	for i := range d.Issues {
		is := &d.Issues[i]
		if is.Name == "" {
			return fmt.Errorf("issues[%d]: empty name", i)
		}
		if seen[is.Name] {
			return fmt.Errorf("issues: duplicate issue %q", is.Name)
		}
		seen[is.Name] = true
		if other, dup := numbers[is.number(i)]; dup {
			return fmt.Errorf("issues.%s: index %d already belongs to issue %q", is.Name, is.number(i), other)
		}
		numbers[is.number(i)] = is.Name
		if is.Number < 0 {
			return fmt.Errorf("issues.%s: negative index %d", is.Name, is.Number)
		}
		if is.Real != nil {
			r := is.Real
			switch {
			case len(is.Options) > 0 || is.Range != nil:
				return fmt.Errorf("issues.%s: a real interval together with options or a range", is.Name)
			case math.IsNaN(r.Low) || math.IsInf(r.Low, 0) || math.IsNaN(r.High) || math.IsInf(r.High, 0):
				return fmt.Errorf("issues.%s: real bounds %v..%v are not finite", is.Name, r.Low, r.High)
			case r.High < r.Low:
				return fmt.Errorf("issues.%s: real high %v below low %v", is.Name, r.High, r.Low)
			case r.Steps < 0 || r.Steps == 1 && r.High > r.Low || r.Steps > MaxRangeValues:
				return fmt.Errorf("issues.%s: real steps %d not in 2..%d", is.Name, r.Steps, MaxRangeValues)
			}
			for k := 1; k < r.steps(); k++ {
				if r.Value(k) <= r.Value(k-1) {
					return fmt.Errorf("issues.%s: real interval %v..%v too narrow for %d values", is.Name, r.Low, r.High, r.steps())
				}
			}
			continue
		}
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
