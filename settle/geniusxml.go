package settle

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The Genius XML format (the ANAC competition format) is read as Genius
// 10.4 computes utilities; docs/settle.md lists the rules and the choices
// made where Genius would fail.

// xmlNode is one element of a parsed XML document.
type xmlNode struct {
	tag   string
	attrs []xml.Attr
	kids  []*xmlNode
	line  int
}

// XML size limits, so that a hostile file cannot exhaust memory or the
// stack.
const (
	maxXMLDepth    = 64
	maxXMLElements = 1 << 21
)

// isXML reports whether data looks like an XML document.
func isXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// parseXML parses data into an element tree. Errors give the line and say
// what is wrong without the decoder's own wording.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	var stack []*xmlNode
	var root *xmlNode
	count := 0
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("line %d: not well-formed XML", se.Line)
			}
			return nil, fmt.Errorf("line %d: not well-formed XML", line)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLElements || len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("line %d: document too large or too deeply nested", line)
			}
			n := &xmlNode{tag: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no XML element")
	}
	return root, nil
}

// charsetReader accepts the single-byte encodings XML files commonly
// declare besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252":
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return &b, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported", label)
}

// attr returns the attribute's value and whether it is present.
func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// desc names the element in errors: <tag index="3" name="price"> (line 12).
func (n *xmlNode) desc() string {
	var b strings.Builder
	b.WriteString("<" + n.tag)
	for _, k := range []string{"index", "name", "value"} {
		if v, ok := n.attr(k); ok {
			if utf8.RuneCountInString(v) > 40 {
				v = string([]rune(v)[:40]) + "…"
			}
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	fmt.Fprintf(&b, "> (line %d)", n.line)
	return b.String()
}

// child returns the first direct child with the tag.
func (n *xmlNode) child(tag string) *xmlNode {
	for _, k := range n.kids {
		if k.tag == tag {
			return k
		}
	}
	return nil
}

// javaDouble parses a number as Java's Double.valueOf does for the values
// found in Genius files: surrounding blanks ignored, an optional d/D/f/F
// suffix. NaN and infinities are refused.
func javaDouble(s string) (float64, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	s = strings.TrimRight(s, "dDfF")
	if s == "" || strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// javaInt parses an integer as Java's Integer.parseInt does.
func javaInt(s string) (int64, bool) {
	if s == "" || strings.Contains(s, "_") {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	return v, err == nil
}

// number reads a required numeric attribute.
func (n *xmlNode) number(name string) (float64, error) {
	s, ok := n.attr(name)
	if !ok {
		return 0, fmt.Errorf("%s: missing attribute %s", n.desc(), name)
	}
	f, ok := javaDouble(s)
	if !ok {
		return 0, fmt.Errorf("%s: %s %q is not a number", n.desc(), name, s)
	}
	return f, nil
}

// integer reads a required integer attribute.
func (n *xmlNode) integer(name string) (int64, error) {
	s, ok := n.attr(name)
	if !ok {
		return 0, fmt.Errorf("%s: missing attribute %s", n.desc(), name)
	}
	v, ok := javaInt(s)
	if !ok {
		return 0, fmt.Errorf("%s: %s %q is not an integer", n.desc(), name, s)
	}
	return v, nil
}

// geniusSpace finds the <utility_space> of a domain or profile file.
func geniusSpace(root *xmlNode) (*xmlNode, error) {
	switch root.tag {
	case "utility_space":
		return root, nil
	case "negotiation_template":
		if us := root.child("utility_space"); us != nil {
			return us, nil
		}
		return nil, fmt.Errorf("%s: no <utility_space>", root.desc())
	}
	return nil, fmt.Errorf("%s: not a Genius domain or profile (want <negotiation_template> or <utility_space>)", root.desc())
}

// readGeniusDomain reads a Genius domain: the issues under the root
// objective of the <utility_space>, child objectives first, then issues,
// as Genius builds its tree. A Genius profile embeds the same issues, so a
// profile file reads as its domain too.
func readGeniusDomain(root *xmlNode) (*Domain, error) {
	us, err := geniusSpace(root)
	if err != nil {
		return nil, err
	}
	obj := us.child("objective")
	if obj == nil {
		return nil, fmt.Errorf("%s: no root <objective>", us.desc())
	}
	d := &Domain{}
	d.Name, _ = obj.attr("name")
	var walk func(o *xmlNode, depth int) error
	walk = func(o *xmlNode, depth int) error {
		for _, k := range o.kids {
			if k.tag == "objective" {
				if err := walk(k, depth+1); err != nil {
					return err
				}
			}
		}
		for _, k := range o.kids {
			if k.tag != "issue" {
				continue
			}
			is, err := geniusIssue(k)
			if err != nil {
				return err
			}
			d.Issues = append(d.Issues, is)
		}
		return nil
	}
	if err := walk(obj, 0); err != nil {
		return nil, err
	}
	if len(d.Issues) == 0 {
		return nil, fmt.Errorf("%s: no issues", obj.desc())
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// geniusIssue reads one domain <issue>. Its kind comes from the type
// attribute; a missing or unknown type means discrete.
func geniusIssue(k *xmlNode) (Issue, error) {
	var is Issue
	name, ok := k.attr("name")
	if !ok || name == "" {
		return is, fmt.Errorf("%s: missing attribute name", k.desc())
	}
	is.Name = name
	idx, err := k.integer("index")
	if err != nil {
		return is, err
	}
	if idx < 1 {
		return is, fmt.Errorf("%s: index %d is not positive (0 is the root objective)", k.desc(), idx)
	}
	is.Number = int(idx)
	typ, _ := k.attr("type")
	switch strings.ToLower(typ) {
	case "integer":
		lo, err := k.integer("lowerbound")
		if err != nil {
			return is, err
		}
		hi, err := k.integer("upperbound")
		if err != nil {
			return is, err
		}
		if hi < lo {
			return is, fmt.Errorf("%s: upperbound %d below lowerbound %d", k.desc(), hi, lo)
		}
		is.Range = &Range{Low: lo, High: hi, Step: 1}
	case "real":
		rg := k.child("range")
		if rg == nil {
			return is, fmt.Errorf("%s: real issue without <range>", k.desc())
		}
		lo, err := rg.number("lowerbound")
		if err != nil {
			return is, err
		}
		hi, err := rg.number("upperbound")
		if err != nil {
			return is, err
		}
		if hi < lo {
			return is, fmt.Errorf("%s: upperbound %v below lowerbound %v", rg.desc(), hi, lo)
		}
		is.Real = &Real{Low: lo, High: hi}
	default:
		seen := map[string]bool{}
		for _, it := range k.kids {
			if it.tag != "item" {
				continue
			}
			v, ok := it.attr("value")
			if !ok {
				return is, fmt.Errorf("%s: missing attribute value", it.desc())
			}
			if seen[v] {
				return is, fmt.Errorf("%s: value %q repeated", it.desc(), v)
			}
			seen[v] = true
			is.Options = append(is.Options, v)
		}
		if len(is.Options) == 0 {
			return is, fmt.Errorf("%s: discrete issue without <item>s", k.desc())
		}
	}
	return is, nil
}

// issueByNumber returns the position of the issue with Genius index n, or
// -1.
func (d *Domain) issueByNumber(n int64) int {
	for i := range d.Issues {
		if int64(d.Issues[i].number(i)) == n {
			return i
		}
	}
	return -1
}

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
