package settle

import (
	"fmt"
	"math"
	"strings"
)

// readGeniusProfile reads a Genius profile against d: an additive one
// (no type attribute) or a non-linear one (type="nonlinear").
func readGeniusProfile(root *xmlNode, d *Domain) (*Profile, error) {
	if root.tag != "utility_space" {
		if root.tag == "negotiation_template" {
			return nil, fmt.Errorf("%s: a Genius domain, not a profile", root.desc())
		}
		return nil, fmt.Errorf("%s: not a Genius profile (want <utility_space>)", root.desc())
	}
	typ, _ := root.attr("type")
	switch strings.ToLower(typ) {
	case "":
		return readGeniusAdditive(root, d)
	case "nonlinear":
		return readGeniusNonlinear(root, d)
	}
	return nil, fmt.Errorf("%s: utility space type %q is not supported (want additive or nonlinear)", root.desc(), typ)
}

// readDiscount applies Genius's rule: a factor ≤ 0 or > 1 means none.
func readDiscount(n *xmlNode) (float64, error) {
	f, err := n.number("value")
	if err != nil {
		return 0, err
	}
	if f <= 0 || f > 1 || f == 1 {
		return 0, nil
	}
	return f, nil
}

// readGeniusAdditive reads an additive profile: every element is visited;
// a direct <reservation> or <discount_factor> child sets those values,
// <weight index value> children weigh the issues, and every weighted
// <issue> child gets an evaluator chosen by its type attribute.
func readGeniusAdditive(root *xmlNode, d *Domain) (*Profile, error) {
	p := &Profile{Weights: map[string]float64{}, Scores: map[string]Scoring{}, Capped: true}
	var visit func(n *xmlNode) error
	visit = func(n *xmlNode) error {
		weights := map[int64]float64{}
		for _, k := range n.kids {
			switch k.tag {
			case "reservation":
				v, err := k.number("value")
				if err != nil {
					return err
				}
				p.Reservation = v
			case "discount_factor":
				v, err := readDiscount(k)
				if err != nil {
					return err
				}
				p.Discount = v
			case "weight":
				idx, err := k.integer("index")
				if err != nil {
					return err
				}
				w, err := k.number("value")
				if err != nil {
					return err
				}
				weights[idx] = w
			}
		}
		for _, k := range n.kids {
			if k.tag != "issue" && k.tag != "objective" {
				continue
			}
			idx, err := k.integer("index")
			if err != nil {
				return err
			}
			w, ok := weights[idx]
			if !ok {
				continue
			}
			typ, _ := k.attr("type")
			if k.tag == "objective" || strings.EqualFold(typ, "objective") {
				continue // objective evaluators contribute nothing
			}
			i := d.issueByNumber(idx)
			if i < 0 {
				return fmt.Errorf("%s: index %d is not an issue of the domain", k.desc(), idx)
			}
			is := &d.Issues[i]
			sc, err := geniusEvaluator(k, typ, is)
			if err != nil {
				return err
			}
			p.Weights[is.Name] = w
			p.Scores[is.Name] = sc
		}
		for _, k := range n.kids {
			if err := visit(k); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root); err != nil {
		return nil, err
	}
	for i := range d.Issues {
		is := &d.Issues[i]
		if _, ok := p.Weights[is.Name]; !ok {
			return nil, fmt.Errorf("issue %q (index %d) has no <weight>: Genius cannot compute a utility without it", is.Name, is.number(i))
		}
	}
	if err := p.validate(d, false, geniusNames); err != nil {
		return nil, err
	}
	return p, nil
}

// geniusEvaluator reads the evaluator of one profile <issue>.
func geniusEvaluator(k *xmlNode, typ string, is *Issue) (Scoring, error) {
	switch strings.ToLower(typ) {
	case "", "discrete":
		if is.numeric() {
			return Scoring{}, fmt.Errorf("%s: a discrete evaluator for the %s issue %q", k.desc(), issueKind(is), is.Name)
		}
		// Every direct <item> with a readable evaluation counts, also
		// towards the maximum the evaluations are divided by.
		ev := map[string]float64{}
		maxE := math.Inf(-1)
		for _, it := range k.kids {
			if it.tag != "item" {
				continue
			}
			v, okV := it.attr("value")
			s, okE := it.attr("evaluation")
			e, okN := javaDouble(s)
			if !okV || !okE || !okN {
				continue
			}
			ev[v] = e
			maxE = math.Max(maxE, e)
		}
		sc := Scoring{Options: map[string]float64{}}
		for _, o := range is.Options {
			e, ok := ev[o]
			if !ok {
				return Scoring{}, fmt.Errorf("%s: value %q has no evaluation", k.desc(), o)
			}
			if maxE < 0.00001 {
				sc.Options[o] = 0
			} else {
				sc.Options[o] = e / maxE
			}
		}
		return sc, nil
	case "integer":
		if is.Range == nil {
			return Scoring{}, fmt.Errorf("%s: an integer evaluator for the %s issue %q", k.desc(), issueKind(is), is.Name)
		}
		lb, err := k.integer("lowerbound")
		if err != nil {
			return Scoring{}, err
		}
		if _, err := k.integer("upperbound"); err != nil {
			return Scoring{}, err
		}
		var slope, offset float64
		if ev := k.child("evaluator"); ev != nil {
			if slope, err = ev.number("slope"); err != nil {
				return Scoring{}, err
			}
			if offset, err = ev.number("offset"); err != nil {
				return Scoring{}, err
			}
		}
		return integerScoring(is, lb, slope, offset), nil
	case "real":
		if is.Real == nil {
			return Scoring{}, fmt.Errorf("%s: a real evaluator for the %s issue %q", k.desc(), issueKind(is), is.Name)
		}
		ev := k.child("evaluator")
		if ev == nil {
			return Scoring{}, fmt.Errorf("%s: real issue without <evaluator>", k.desc())
		}
		f, err := realFunction(ev)
		if err != nil {
			return Scoring{}, err
		}
		sc := Scoring{Options: map[string]float64{}}
		for o := range is.Len() {
			sc.Options[is.Label(o)] = f(is.Real.Value(o))
		}
		return sc, nil
	}
	return Scoring{}, fmt.Errorf("%s: evaluator type %q is not supported", k.desc(), typ)
}

func issueKind(is *Issue) string {
	switch {
	case is.Range != nil:
		return "integer"
	case is.Real != nil:
		return "real"
	}
	return "discrete"
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

// integerScoring scores a range issue by Genius's integer evaluator,
// clamp01(slope·(value − lowerbound) + offset): value by value for ranges
// of up to 4096 values, by the corners of the piecewise-linear function
// beyond.
func integerScoring(is *Issue, lb int64, slope, offset float64) Scoring {
	r := is.Range
	f := func(v float64) float64 { return clamp01(slope*(v-float64(lb)) + offset) }
	if r.Len() <= 4096 {
		sc := Scoring{Options: map[string]float64{}}
		for o := range r.Len() {
			sc.Options[is.Label(o)] = f(float64(r.Value(o)))
		}
		return sc
	}
	lo, hi := float64(r.Low), float64(r.High)
	xs := []float64{lo, hi}
	if slope != 0 {
		for _, t := range []float64{0, 1} {
			if x := float64(lb) + (t-offset)/slope; x > lo && x < hi {
				xs = append(xs, x)
			}
		}
	}
	sortFloats(xs)
	var sc Scoring
	for _, x := range xs {
		if n := len(sc.Points); n > 0 && sc.Points[n-1].X == x {
			continue
		}
		sc.Points = append(sc.Points, Point2{X: x, Score: f(x)})
	}
	return sc
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// realFunction reads a real evaluator's function.
func realFunction(ev *xmlNode) (func(float64) float64, error) {
	ftype, _ := ev.attr("ftype")
	param := func(k int) (float64, error) { return ev.number(fmt.Sprintf("parameter%d", k)) }
	switch strings.ToLower(ftype) {
	case "linear":
		p0, err := param(0)
		if err != nil {
			return nil, err
		}
		p1, err := param(1)
		if err != nil {
			return nil, err
		}
		return func(x float64) float64 { return clamp01(p1*x + p0) }, nil
	case "constant":
		p0, err := param(0)
		if err != nil {
			return nil, err
		}
		return func(float64) float64 { return p0 }, nil
	case "triangular":
		low, err := param(0)
		if err != nil {
			return nil, err
		}
		high, err := param(1)
		if err != nil {
			return nil, err
		}
		top, err := param(2)
		if err != nil {
			return nil, err
		}
		return func(x float64) float64 {
			switch {
			case x <= low || x >= high:
				return 0
			case x <= top:
				return (x - low) / (top - low)
			}
			return (high - x) / (high - top)
		}, nil
	case "faratin":
		return func(float64) float64 { return -1 }, nil
	}
	return nil, fmt.Errorf("%s: evaluator function %q is not supported", ev.desc(), ftype)
}

// readGeniusNonlinear reads a non-linear profile: reservation and discount
// from the root's direct children, the function from the first <ufun> of
// the <utility> in the root's first child element.
func readGeniusNonlinear(root *xmlNode, d *Domain) (*Profile, error) {
	p := &Profile{Weights: map[string]float64{}, Scores: map[string]Scoring{}}
	for _, k := range root.kids {
		switch k.tag {
		case "reservation":
			v, err := k.number("value")
			if err != nil {
				return nil, err
			}
			p.Reservation = v
		case "discount_factor":
			v, err := readDiscount(k)
			if err != nil {
				return nil, err
			}
			p.Discount = v
		}
	}
	if len(root.kids) == 0 {
		return nil, fmt.Errorf("%s: empty", root.desc())
	}
	first := root.kids[0]
	u := first.child("utility")
	if u == nil {
		return nil, fmt.Errorf("%s: no <utility> (Genius looks for it in the first element of the profile)", first.desc())
	}
	m, err := u.number("maxutility")
	if err != nil {
		return nil, err
	}
	if m <= 0 {
		return nil, fmt.Errorf("%s: maxutility %v is not positive", u.desc(), m)
	}
	uf := u.child("ufun")
	if uf == nil {
		return nil, fmt.Errorf("%s: no <ufun>", u.desc())
	}
	f, err := geniusUfun(uf, d, 0)
	if err != nil {
		return nil, err
	}
	p.Nonlinear = &Nonlinear{Max: m, Aggregation: f.Aggregation, Rectangles: f.Rectangles, Functions: f.Functions}
	if err := p.validate(d, false, geniusNames); err != nil {
		return nil, err
	}
	return p, nil
}

// geniusUfun reads a <ufun>: its aggregation (sum unless min or max), its
// weight (1 by default), its rectangles and nested functions.
func geniusUfun(n *xmlNode, d *Domain, depth int) (Function, error) {
	f := Function{Weight: 1, Aggregation: AggregateSum}
	if depth > MaxDepth {
		return f, fmt.Errorf("%s: functions nested deeper than %d", n.desc(), MaxDepth)
	}
	if a, ok := n.attr("aggregation"); ok {
		switch strings.ToLower(a) {
		case "min":
			f.Aggregation = AggregateMin
		case "max":
			f.Aggregation = AggregateMax
		}
	}
	if _, ok := n.attr("weight"); ok {
		w, err := n.number("weight")
		if err != nil {
			return f, err
		}
		f.Weight = w
	}
	for _, k := range n.kids {
		switch k.tag {
		case "hyperRectangle":
			r, err := geniusRectangle(k, d)
			if err != nil {
				return f, err
			}
			f.Rectangles = append(f.Rectangles, r)
		case "ufun":
			g, err := geniusUfun(k, d, depth+1)
			if err != nil {
				return f, err
			}
			f.Functions = append(f.Functions, g)
		}
	}
	return f, nil
}

// geniusRectangle reads a <hyperRectangle utility [weight]> with its
// <INCLUDES>/<EXCLUDES index min max> bounds; EXCLUDES bounds, when
// present, replace the INCLUDES ones, as in Genius.
func geniusRectangle(n *xmlNode, d *Domain) (Rectangle, error) {
	var r Rectangle
	u, err := n.number("utility")
	if err != nil {
		return r, err
	}
	w := 1.0
	if _, ok := n.attr("weight"); ok {
		if w, err = n.number("weight"); err != nil {
			return r, err
		}
	}
	r.Utility = u * w
	var inc, exc []Bound
	for _, k := range n.kids {
		if k.tag != "INCLUDES" && k.tag != "EXCLUDES" {
			continue
		}
		idx, err := k.integer("index")
		if err != nil {
			return r, err
		}
		i := d.issueByNumber(idx)
		if i < 0 {
			return r, fmt.Errorf("%s: index %d is not an issue of the domain", k.desc(), idx)
		}
		if d.Issues[i].Range == nil {
			return r, fmt.Errorf("%s: issue %q is not an integer issue (hyper-rectangles bound integer issues only)", k.desc(), d.Issues[i].Name)
		}
		lo, err := k.integer("min")
		if err != nil {
			return r, err
		}
		hi, err := k.integer("max")
		if err != nil {
			return r, err
		}
		b := Bound{Issue: d.Issues[i].Name, Min: lo, Max: hi}
		if k.tag == "INCLUDES" {
			inc = append(inc, b)
		} else {
			exc = append(exc, b)
		}
	}
	bounds := inc
	if len(exc) > 0 {
		r.Exclude, bounds = true, exc
	}
	// Two bounds on one issue act as their intersection, for including
	// (both must hold) and excluding (either may fail) rectangles alike.
	at := map[string]int{}
	for _, b := range bounds {
		if k, ok := at[b.Issue]; ok {
			r.Bounds[k].Min = max(r.Bounds[k].Min, b.Min)
			r.Bounds[k].Max = min(r.Bounds[k].Max, b.Max)
			continue
		}
		at[b.Issue] = len(r.Bounds)
		r.Bounds = append(r.Bounds, b)
	}
	return r, nil
}
