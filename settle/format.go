package settle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Format names a file format for domains and profiles.
type Format string

// The supported file formats.
const (
	// YAML is parley's own format written as YAML.
	YAML Format = "yaml"
	// JSON is parley's own format written as JSON.
	JSON Format = "json"
	// GeniusWeb is the GeniusWeb JSON format (domain files with
	// issuesValues, LinearAdditiveUtilitySpace profiles).
	GeniusWeb Format = "geniusweb"
	// Genius is the Genius XML format of the ANAC competitions (domain
	// templates, additive and non-linear utility spaces).
	Genius Format = "genius"
)

// domainFile is parley's own domain format.
type domainFile struct {
	Name   string      `yaml:"name,omitempty" json:"name,omitempty"`
	Issues []issueFile `yaml:"issues" json:"issues"`
}

type issueFile struct {
	Name    string     `yaml:"name" json:"name"`
	Options []string   `yaml:"options,omitempty" json:"options,omitempty"`
	Range   *rangeFile `yaml:"range,omitempty" json:"range,omitempty"`
	Real    *realFile  `yaml:"real,omitempty" json:"real,omitempty"`
}

type realFile struct {
	Low   float64 `yaml:"low" json:"low"`
	High  float64 `yaml:"high" json:"high"`
	Steps int     `yaml:"steps,omitempty" json:"steps,omitempty"`
}

type rangeFile struct {
	Low  int64 `yaml:"low" json:"low"`
	High int64 `yaml:"high" json:"high"`
	Step int64 `yaml:"step,omitempty" json:"step,omitempty"`
}

// profileFile is parley's own profile format.
type profileFile struct {
	Name           string               `yaml:"name,omitempty" json:"name,omitempty"`
	Reservation    float64              `yaml:"reservation,omitempty" json:"reservation,omitempty"`
	Disagreement   *float64             `yaml:"disagreement,omitempty" json:"disagreement,omitempty"`
	ReservationBid map[string]string    `yaml:"reservationBid,omitempty" json:"reservationBid,omitempty"`
	Discount       float64              `yaml:"discount,omitempty" json:"discount,omitempty"`
	Capped         bool                 `yaml:"capped,omitempty" json:"capped,omitempty"`
	Weights        map[string]float64   `yaml:"weights,omitempty" json:"weights,omitempty"`
	Scores         map[string]scoreFile `yaml:"scores,omitempty" json:"scores,omitempty"`
	Nonlinear      *nonlinearFile       `yaml:"nonlinear,omitempty" json:"nonlinear,omitempty"`
}

// nonlinearFile is the hyper-rectangle part of a parley profile.
type nonlinearFile struct {
	Max         float64        `yaml:"max" json:"max"`
	Aggregation string         `yaml:"aggregation,omitempty" json:"aggregation,omitempty"`
	Rectangles  []rectFile     `yaml:"rectangles,omitempty" json:"rectangles,omitempty"`
	Functions   []functionFile `yaml:"functions,omitempty" json:"functions,omitempty"`
}

type functionFile struct {
	Weight      *float64       `yaml:"weight,omitempty" json:"weight,omitempty"`
	Aggregation string         `yaml:"aggregation,omitempty" json:"aggregation,omitempty"`
	Rectangles  []rectFile     `yaml:"rectangles,omitempty" json:"rectangles,omitempty"`
	Functions   []functionFile `yaml:"functions,omitempty" json:"functions,omitempty"`
}

// rectFile is a rectangle: its utility and the [min, max] bound per issue,
// under include (inside counts) or exclude (outside counts).
type rectFile struct {
	Utility float64             `yaml:"utility" json:"utility"`
	Include map[string][2]int64 `yaml:"include,omitempty" json:"include,omitempty"`
	Exclude map[string][2]int64 `yaml:"exclude,omitempty" json:"exclude,omitempty"`
}

func (f *functionFile) function(path string) (Function, error) {
	fn := Function{Weight: 1, Aggregation: Aggregation(f.Aggregation)}
	if f.Weight != nil {
		fn.Weight = *f.Weight
	}
	var err error
	if fn.Rectangles, err = rectangles(f.Rectangles, path); err != nil {
		return fn, err
	}
	for k := range f.Functions {
		g, err := f.Functions[k].function(fmt.Sprintf("%sfunctions[%d].", path, k))
		if err != nil {
			return fn, err
		}
		fn.Functions = append(fn.Functions, g)
	}
	return fn, nil
}

func rectangles(rs []rectFile, path string) ([]Rectangle, error) {
	var out []Rectangle
	for k, r := range rs {
		if len(r.Include) > 0 && len(r.Exclude) > 0 {
			return nil, fmt.Errorf("nonlinear.%srectangles[%d]: both include and exclude", path, k)
		}
		rect := Rectangle{Utility: r.Utility}
		bounds := r.Include
		if len(r.Exclude) > 0 {
			rect.Exclude, bounds = true, r.Exclude
		}
		for _, name := range slices.Sorted(maps.Keys(bounds)) {
			b := bounds[name]
			rect.Bounds = append(rect.Bounds, Bound{Issue: name, Min: b[0], Max: b[1]})
		}
		out = append(out, rect)
	}
	return out, nil
}

func rectFiles(rs []Rectangle) []rectFile {
	var out []rectFile
	for _, r := range rs {
		m := map[string][2]int64{}
		for _, b := range r.Bounds {
			m[b.Issue] = [2]int64{b.Min, b.Max}
		}
		rf := rectFile{Utility: r.Utility, Include: m}
		if r.Exclude {
			rf.Include, rf.Exclude = nil, m
		}
		out = append(out, rf)
	}
	return out
}

func functionFiles(fs []Function) []functionFile {
	var out []functionFile
	for _, f := range fs {
		w := f.Weight
		out = append(out, functionFile{Weight: &w, Aggregation: string(f.Aggregation), Rectangles: rectFiles(f.Rectangles), Functions: functionFiles(f.Functions)})
	}
	return out
}

// scoreFile is either a mapping from options to scores or a list of
// [value, score] pairs for a piecewise-linear function.
type scoreFile struct {
	Options map[string]float64
	Points  [][2]float64
}

func (s *scoreFile) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		return n.Decode(&s.Options)
	case yaml.SequenceNode:
		return n.Decode(&s.Points)
	}
	return fmt.Errorf("line %d: want a mapping of option scores or a list of [value, score] points", n.Line)
}

func (s scoreFile) MarshalYAML() (any, error) {
	if s.Points != nil {
		return s.Points, nil
	}
	return s.Options, nil
}

func (s scoreFile) MarshalJSON() ([]byte, error) {
	if s.Points != nil {
		return json.Marshal(s.Points)
	}
	return json.Marshal(s.Options)
}

// decodeYAML decodes parley's own format strictly (unknown fields are
// errors). JSON input is accepted as YAML.
func decodeYAML(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed input: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("empty file")
		}
		return err
	}
	return nil
}

// sniff returns the top-level keys of a JSON object, or nil when data is not
// a JSON object.
func sniff(data []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil
	}
	return m
}

// ReadDomain decodes a domain in any supported format (detected from the
// content) and validates it. name, usually the file name, prefixes errors.
func ReadDomain(name string, data []byte) (*Domain, error) {
	d, err := readDomain(data)
	if err != nil {
		return nil, fmt.Errorf("settle: domain %s: %w", name, err)
	}
	return d, nil
}

func readDomain(data []byte) (*Domain, error) {
	if isXML(data) {
		root, err := parseXML(data)
		if err != nil {
			return nil, err
		}
		return readGeniusDomain(root)
	}
	if m := sniff(data); m != nil {
		if _, ok := m["issuesValues"]; ok {
			return readGWDomain(data)
		}
		if raw, ok := m["LinearAdditiveUtilitySpace"]; ok {
			var p gwProfile
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, fmt.Errorf("LinearAdditiveUtilitySpace: %w", err)
			}
			if p.Domain == nil {
				return nil, fmt.Errorf("LinearAdditiveUtilitySpace.domain: missing")
			}
			d, err := p.Domain.domain()
			if err != nil {
				return nil, fmt.Errorf("LinearAdditiveUtilitySpace.domain.%w", err)
			}
			return d, nil
		}
	}
	var f domainFile
	if err := decodeYAML(data, &f); err != nil {
		return nil, err
	}
	d := &Domain{Name: f.Name}
	for _, is := range f.Issues {
		x := Issue{Name: is.Name, Options: is.Options}
		if is.Range != nil {
			x.Range = &Range{Low: is.Range.Low, High: is.Range.High, Step: is.Range.Step}
		}
		if is.Real != nil {
			x.Real = &Real{Low: is.Real.Low, High: is.Real.High, Steps: is.Real.Steps}
		}
		d.Issues = append(d.Issues, x)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// ReadProfile decodes a profile in any supported format and validates it
// against d. Errors name the file and the field, for example
// "settle: profile b.json: issueWeights: weights sum to 0.9, want 1".
func ReadProfile(name string, data []byte, d *Domain) (*Profile, error) {
	p, err := readProfile(data, d)
	if err != nil {
		return nil, fmt.Errorf("settle: profile %s: %w", name, err)
	}
	return p, nil
}

func readProfile(data []byte, d *Domain) (*Profile, error) {
	if d == nil {
		return nil, fmt.Errorf("no domain to check the profile against")
	}
	if isXML(data) {
		root, err := parseXML(data)
		if err != nil {
			return nil, err
		}
		return readGeniusProfile(root, d)
	}
	if m := sniff(data); m != nil {
		if _, ok := m["LinearAdditiveUtilitySpace"]; ok {
			return readGWProfile(data, d)
		}
	}
	var f profileFile
	if err := decodeYAML(data, &f); err != nil {
		return nil, err
	}
	p := &Profile{
		Name:           f.Name,
		Weights:        f.Weights,
		Reservation:    f.Reservation,
		Disagreement:   f.Disagreement,
		ReservationBid: f.ReservationBid,
		Discount:       f.Discount,
		Capped:         f.Capped,
		Scores:         map[string]Scoring{},
	}
	if n := f.Nonlinear; n != nil {
		top := functionFile{Aggregation: n.Aggregation, Rectangles: n.Rectangles, Functions: n.Functions}
		fn, err := top.function("")
		if err != nil {
			return nil, err
		}
		p.Nonlinear = &Nonlinear{Max: n.Max, Aggregation: fn.Aggregation, Rectangles: fn.Rectangles, Functions: fn.Functions}
	}
	if p.Weights == nil {
		p.Weights = map[string]float64{}
	}
	for issue, s := range f.Scores {
		sc := Scoring{Options: s.Options}
		for _, pt := range s.Points {
			sc.Points = append(sc.Points, Point2{X: pt[0], Score: pt[1]})
		}
		p.Scores[issue] = sc
	}
	if err := p.validate(d, p.Nonlinear == nil, parleyNames); err != nil {
		return nil, err
	}
	return p, nil
}

// WriteDomain encodes d in the given format.
func WriteDomain(w io.Writer, d *Domain, f Format) error {
	switch f {
	case GeniusWeb:
		for _, is := range d.Issues {
			if is.Real != nil {
				return fmt.Errorf("settle: write domain %s: issue %s: GeniusWeb export supports integer ranges only", d.Name, is.Name)
			}
		}
		return writeJSON(w, gwDomainOf(d))
	case Genius:
		return writeGeniusDomain(w, d)
	}
	df := domainFile{Name: d.Name}
	for _, is := range d.Issues {
		x := issueFile{Name: is.Name, Options: is.Options}
		if is.Range != nil {
			x.Range = &rangeFile{Low: is.Range.Low, High: is.Range.High, Step: is.Range.Step}
		}
		if is.Real != nil {
			x.Real = &realFile{Low: is.Real.Low, High: is.Real.High, Steps: is.Real.Steps}
		}
		df.Issues = append(df.Issues, x)
	}
	return write(w, df, f)
}

// WriteProfile encodes p, a profile over d, in the given format. GeniusWeb
// has no numeric reservation value or disagreement point: only a
// reservation bid, when p has one, is written; it has no capped or
// hyper-rectangle profiles either. Genius XML is written so that Genius
// computes the same utilities (see writeGeniusProfile).
func WriteProfile(w io.Writer, p *Profile, d *Domain, f Format) error {
	if f == Genius {
		return writeGeniusProfile(w, p, d)
	}
	if f == GeniusWeb {
		g, err := gwProfileOf(p, d)
		if err != nil {
			return fmt.Errorf("settle: write profile%s: %w", nameSuffix(p.Name), err)
		}
		return writeJSON(w, gwProfileFile{LAUS: g})
	}
	pf := profileFile{
		Name:           p.Name,
		Reservation:    p.Reservation,
		Disagreement:   p.Disagreement,
		ReservationBid: p.ReservationBid,
		Discount:       p.Discount,
		Capped:         p.Capped,
		Weights:        p.Weights,
		Scores:         map[string]scoreFile{},
	}
	if n := p.Nonlinear; n != nil {
		pf.Nonlinear = &nonlinearFile{Max: n.Max, Aggregation: string(n.Aggregation), Rectangles: rectFiles(n.Rectangles), Functions: functionFiles(n.Functions)}
	}
	for issue, s := range p.Scores {
		sf := scoreFile{Options: s.Options}
		for _, pt := range s.Points {
			sf.Points = append(sf.Points, [2]float64{pt.X, pt.Score})
		}
		pf.Scores[issue] = sf
	}
	return write(w, pf, f)
}

func write(w io.Writer, v any, f Format) error {
	switch f {
	case JSON:
		return writeJSON(w, v)
	case YAML:
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("settle: write: %w", err)
		}
		return enc.Close()
	}
	return fmt.Errorf("settle: write: unknown format %q", f)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("settle: write: %w", err)
	}
	return nil
}

// ReadPackage decodes a package: a mapping from issue names to option labels
// (YAML or JSON, numbers allowed for range issues) or a GeniusWeb bid
// {"issuevalues": {...}}. Every issue of d must be given.
func ReadPackage(name string, data []byte, d *Domain) (Package, error) {
	pkg, err := readPackage(data, d)
	if err != nil {
		return nil, fmt.Errorf("settle: package %s: %w", name, err)
	}
	return pkg, nil
}

func readPackage(data []byte, d *Domain) (Package, error) {
	if m := sniff(data); m != nil {
		if raw, ok := m["issuevalues"]; ok && len(m) == 1 {
			var b gwBid
			b.IssueValues = map[string]json.RawMessage{}
			if err := json.Unmarshal(raw, &b.IssueValues); err != nil {
				return nil, fmt.Errorf("issuevalues: %w", err)
			}
			pkg, err := b.pkg(d)
			if err != nil {
				return nil, fmt.Errorf("issuevalues: %w", err)
			}
			return pkg, nil
		}
	}
	var bid map[string]string
	if err := decodeYAML(data, &bid); err != nil {
		return nil, err
	}
	return d.Package(bid)
}

// FormatPackage renders pkg as "issue=option, ..." in domain order.
func (d *Domain) FormatPackage(pkg Package) string {
	var b bytes.Buffer
	for i, o := range pkg {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Issues[i].Name)
		b.WriteByte('=')
		b.WriteString(d.Issues[i].Label(o))
	}
	return b.String()
}

// formatFloat renders a float without trailing noise.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// nameSuffix is " name" for messages, or nothing for an unnamed profile.
func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}
