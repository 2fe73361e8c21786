package settle

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// xmlWriter writes indented XML elements with escaped attributes.
type xmlWriter struct {
	w     *bufio.Writer
	depth int
}

func (x *xmlWriter) indent() { x.w.WriteString(strings.Repeat("  ", x.depth)) }

// attrs renders name, value pairs.
func attrs(kv ...string) string {
	var b strings.Builder
	for k := 0; k+1 < len(kv); k += 2 {
		b.WriteString(" " + kv[k] + `="`)
		xml.EscapeText(&b, []byte(kv[k+1]))
		b.WriteString(`"`)
	}
	return b.String()
}

func (x *xmlWriter) open(tag string, kv ...string) {
	x.indent()
	x.w.WriteString("<" + tag + attrs(kv...) + ">\n")
	x.depth++
}

func (x *xmlWriter) close(tag string) {
	x.depth--
	x.indent()
	x.w.WriteString("</" + tag + ">\n")
}

func (x *xmlWriter) empty(tag string, kv ...string) {
	x.indent()
	x.w.WriteString("<" + tag + attrs(kv...) + "/>\n")
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// geniusIssueXML writes a domain issue: a range with step 1 as an integer
// issue, a range with another step as a discrete issue of its values, a
// real issue with its interval (Genius has no grid size: it reads back
// with DefaultRealSteps values).
func geniusIssueXML(x *xmlWriter, is *Issue, pos int, evaluator func()) {
	num := strconv.Itoa(is.number(pos))
	switch {
	case is.Range != nil && is.Range.step() == 1:
		kv := []string{"index", num, "name", is.Name, "type", "integer", "etype", "integer", "vtype", "integer",
			"lowerbound", itoa(is.Range.Low), "upperbound", itoa(is.Range.High)}
		if evaluator == nil {
			x.empty("issue", kv...)
			return
		}
		x.open("issue", kv...)
		evaluator()
		x.close("issue")
	case is.Real != nil:
		x.open("issue", "index", num, "name", is.Name, "type", "real", "etype", "real", "vtype", "real")
		x.empty("range", "lowerbound", formatFloat(is.Real.Low), "upperbound", formatFloat(is.Real.High))
		if evaluator != nil {
			evaluator()
		}
		x.close("issue")
	default:
		x.open("issue", "index", num, "name", is.Name, "type", "discrete", "etype", "discrete", "vtype", "discrete")
		if evaluator != nil {
			evaluator()
		} else {
			for o := range is.Len() {
				x.empty("item", "index", strconv.Itoa(o+1), "value", is.Label(o))
			}
		}
		x.close("issue")
	}
}

// writeGeniusDomain writes d as a Genius domain template.
func writeGeniusDomain(w io.Writer, d *Domain) error {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.open("negotiation_template")
	x.open("utility_space", "number_of_issues", strconv.Itoa(len(d.Issues)))
	x.open("objective", "index", "0", "name", d.Name, "description", "", "type", "objective", "etype", "objective", "vtype", "objective")
	for i := range d.Issues {
		geniusIssueXML(x, &d.Issues[i], i, nil)
	}
	x.close("objective")
	x.close("utility_space")
	x.close("negotiation_template")
	return x.w.Flush()
}

// writeGeniusProfile writes p, a profile over d, as a Genius utility
// space. Additive profiles are written so that Genius computes the same
// utilities: each discrete issue's scores are divided by their maximum,
// which moves into the weight (Genius divides evaluations by their
// maximum); range and real issues need a straight-line score. Profiles
// with hyper-rectangles are written as non-linear spaces, their linear
// part as one-value rectangles on integer issues. A reservation bid is
// written as its utility; a disagreement value has no Genius field.
func writeGeniusProfile(w io.Writer, p *Profile, d *Domain) error {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	var err error
	if p.Nonlinear != nil {
		err = writeGeniusNonlinear(x, p, d)
	} else {
		err = writeGeniusAdditive(x, p, d)
	}
	if err != nil {
		return err
	}
	return x.w.Flush()
}

func writeTail(x *xmlWriter, p *Profile) {
	x.empty("reservation", "value", formatFloat(p.Reservation))
	if f := p.DiscountFactor(); f < 1 {
		x.empty("discount_factor", "value", formatFloat(f))
	}
}

func writeGeniusAdditive(x *xmlWriter, p *Profile, d *Domain) error {
	type weight struct{ index, value string }
	var weights []weight
	// Check every issue first: nothing is written for a profile Genius
	// cannot express.
	evals := make([]func(), len(d.Issues))
	for i := range d.Issues {
		is := &d.Issues[i]
		w := p.Weights[is.Name]
		sc := p.Scores[is.Name]
		scores := make([]float64, is.Len())
		for o := range scores {
			scores[o], _ = sc.score(is, o)
		}
		var err error
		var wv float64
		evals[i], wv, err = geniusEvaluatorXML(x, is, w, scores)
		if err != nil {
			return fmt.Errorf("settle: write profile%s: issue %s: %w", nameSuffix(p.Name), is.Name, err)
		}
		weights = append(weights, weight{strconv.Itoa(is.number(i)), formatFloat(wv)})
	}
	x.open("utility_space")
	x.open("objective", "index", "0", "name", d.Name, "description", "", "type", "objective", "etype", "objective", "vtype", "objective")
	for i := range d.Issues {
		geniusIssueXML(x, &d.Issues[i], i, evals[i])
	}
	for _, w := range weights {
		x.empty("weight", "index", w.index, "value", w.value)
	}
	x.close("objective")
	writeTail(x, p)
	x.close("utility_space")
	return nil
}

// geniusEvaluatorXML returns a function writing the evaluator of one issue
// and the weight to write, so that weight × Genius's evaluation equals
// w × score for every option.
func geniusEvaluatorXML(x *xmlWriter, is *Issue, w float64, scores []float64) (func(), float64, error) {
	hi, lo := math.Inf(-1), math.Inf(1)
	for _, s := range scores {
		hi, lo = math.Max(hi, s), math.Min(lo, s)
	}
	if is.Range == nil && is.Real == nil || is.Range != nil && is.Range.step() != 1 {
		// Discrete: Genius divides by the largest evaluation.
		div := hi
		if hi <= 0 {
			if lo < 0 {
				return nil, 0, fmt.Errorf("negative scores with no positive one cannot be written (Genius divides evaluations by their maximum)")
			}
			div = 1
		}
		return func() {
			for o, s := range scores {
				x.empty("item", "index", strconv.Itoa(o+1), "value", is.Label(o), "evaluation", formatFloat(s/div))
			}
		}, w * div, nil
	}
	// Range and real issues: Genius scores them by clamp01(a + b·value).
	v := is.value
	if lo < 0 {
		return nil, 0, fmt.Errorf("negative scores cannot be written (Genius clamps numeric evaluations to [0,1])")
	}
	div := math.Max(1, hi)
	a, b, ok := clampedLine(v, scores, div)
	if !ok {
		return nil, 0, fmt.Errorf("a numeric issue is scored in Genius XML only by a straight line clamped to [0,1]")
	}
	if is.Range != nil {
		// Genius's integer evaluator applies offset + slope·(value − lowerbound).
		low := v(0)
		return func() {
			x.empty("evaluator", "ftype", "linear", "offset", formatFloat(a+b*low), "slope", formatFloat(b))
		}, w * div, nil
	}
	if b == 0 && a >= 0 && a <= 1 {
		return func() {
			x.empty("evaluator", "ftype", "constant", "parameter0", formatFloat(a))
		}, w * div, nil
	}
	return func() {
		x.empty("evaluator", "ftype", "linear", "parameter0", formatFloat(a), "parameter1", formatFloat(b))
	}, w * div, nil
}

// clampedLine finds a, b with clamp01(a + b·v(o)) = scores[o]/div for every
// option: the line through the end points when no clamping is needed, else
// through the first two values strictly inside (0,1), else the steepest
// line a single inside value or a 0–1 step allows.
func clampedLine(v func(int) float64, scores []float64, div float64) (a, b float64, ok bool) {
	n := len(scores)
	f := func(o int) float64 { return scores[o] / div }
	fits := func(a, b float64) bool {
		for o := range n {
			if math.Abs(clamp01(a+b*v(o))-f(o)) > 1e-9 {
				return false
			}
		}
		return true
	}
	var tries [][2]float64
	if n == 1 {
		tries = append(tries, [2]float64{f(0), 0})
	} else {
		b := (f(n-1) - f(0)) / (v(n-1) - v(0))
		tries = append(tries, [2]float64{f(0) - b*v(0), b})
	}
	var inside []int
	for o := range n {
		if f(o) > 0 && f(o) < 1 {
			inside = append(inside, o)
		}
	}
	switch {
	case len(inside) >= 2:
		o1, o2 := inside[0], inside[1]
		b := (f(o2) - f(o1)) / (v(o2) - v(o1))
		tries = append(tries, [2]float64{f(o1) - b*v(o1), b})
	default:
		// At most one value strictly inside: a steep line through it, or
		// through the jump between a 0 and a 1.
		for o := 0; o+1 < n; o++ {
			step := v(o+1) - v(o)
			for _, sign := range []float64{1, -1} {
				b := sign / step
				tries = append(tries, [2]float64{f(o) - b*v(o), b}, [2]float64{f(o+1) - b*v(o+1), b})
				if len(inside) == 1 {
					c := inside[0]
					k := math.Max(f(c), 1-f(c)) / step
					tries = append(tries, [2]float64{f(c) - sign*k*v(c), sign * k})
				}
			}
		}
	}
	for _, t := range tries {
		if fits(t[0], t[1]) {
			return t[0], t[1], true
		}
	}
	return 0, 0, false
}

func writeGeniusNonlinear(x *xmlWriter, p *Profile, d *Domain) error {
	nl := p.Nonlinear
	// The linear part becomes one-value rectangles worth w·score·Max.
	var linear []Rectangle
	for i := range d.Issues {
		is := &d.Issues[i]
		w := p.Weights[is.Name]
		if w == 0 {
			continue
		}
		sc := p.Scores[is.Name]
		for o := range is.Len() {
			s, _ := sc.score(is, o)
			if w*s == 0 {
				continue
			}
			if is.Range == nil {
				return fmt.Errorf("settle: write profile%s: issue %s: Genius non-linear profiles weigh integer issues only", nameSuffix(p.Name), is.Name)
			}
			v := is.Range.Value(o)
			linear = append(linear, Rectangle{Utility: w * s * nl.Max, Bounds: []Bound{{Issue: is.Name, Min: v, Max: v}}})
		}
	}
	top := Function{Weight: 1, Aggregation: nl.Aggregation, Rectangles: nl.Rectangles, Functions: nl.Functions}
	if len(linear) > 0 {
		if top.Aggregation == "" || top.Aggregation == AggregateSum {
			top.Rectangles = append(append([]Rectangle(nil), top.Rectangles...), linear...)
		} else {
			top = Function{Weight: 1, Aggregation: AggregateSum, Rectangles: linear, Functions: []Function{top}}
		}
	}
	x.open("utility_space", "type", "nonlinear")
	x.open("objective", "index", "0", "name", d.Name, "description", "", "type", "objective", "etype", "objective", "vtype", "objective")
	for i := range d.Issues {
		geniusIssueXML(x, &d.Issues[i], i, nil)
	}
	x.open("utility", "maxutility", formatFloat(nl.Max))
	writeUfun(x, d, &top, "PlainUfun")
	x.close("utility")
	x.close("objective")
	writeTail(x, p)
	x.close("utility_space")
	return nil
}

func writeUfun(x *xmlWriter, d *Domain, f *Function, typ string) {
	agg := string(f.Aggregation)
	if agg == "" {
		agg = string(AggregateSum)
	}
	x.open("ufun", "type", typ, "weight", formatFloat(f.Weight), "aggregation", agg)
	for _, r := range f.Rectangles {
		x.open("hyperRectangle", "utility", formatFloat(r.Utility))
		tag := "INCLUDES"
		if r.Exclude {
			tag = "EXCLUDES"
		}
		for _, b := range r.Bounds {
			// Bounds beyond the issue's range mean the same clamped to it.
			i := d.Issue(b.Issue)
			rg := d.Issues[i].Range
			lo, hi := max(b.Min, rg.Low), min(b.Max, rg.High)
			if lo > hi {
				lo, hi = rg.Low, rg.Low-1
			}
			x.empty(tag, "index", strconv.Itoa(d.Issues[i].number(i)), "min", itoa(lo), "max", itoa(hi))
		}
		x.close("hyperRectangle")
	}
	for k := range f.Functions {
		writeUfun(x, d, &f.Functions[k], "PlainUfun")
	}
	x.close("ufun")
}
