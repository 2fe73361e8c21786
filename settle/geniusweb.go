package settle

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// GeniusWeb JSON shapes. A domain is {"name", "issuesValues": {issue:
// {"values": [...]} or {"range": {"low", "high", "step"}}}}; a profile is
// {"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights",
// "domain", "name", "reservationBid"}}.

type gwDomain struct {
	Name         string                `json:"name"`
	IssuesValues map[string]gwValueSet `json:"issuesValues"`
}

type gwValueSet struct {
	Values *[]json.RawMessage `json:"values,omitempty"`
	Range  *gwRange           `json:"range,omitempty"`
}

type gwRange struct {
	Low  json.Number `json:"low"`
	High json.Number `json:"high"`
	Step json.Number `json:"step"`
}

type gwProfileFile struct {
	LAUS *gwProfile `json:"LinearAdditiveUtilitySpace"`
}

type gwProfile struct {
	IssueUtilities map[string]gwUtilities `json:"issueUtilities"`
	IssueWeights   map[string]float64     `json:"issueWeights"`
	Domain         *gwDomain              `json:"domain"`
	Name           string                 `json:"name"`
	ReservationBid *gwBid                 `json:"reservationBid,omitempty"`
}

type gwUtilities struct {
	Discrete *gwDiscrete `json:"DiscreteValueSetUtilities,omitempty"`
	Number   *gwNumber   `json:"NumberValueSetUtilities,omitempty"`
}

type gwDiscrete struct {
	ValueUtilities map[string]float64 `json:"valueUtilities"`
}

type gwNumber struct {
	LowValue    json.Number `json:"lowValue"`
	LowUtility  float64     `json:"lowUtility"`
	HighValue   json.Number `json:"highValue"`
	HighUtility float64     `json:"highUtility"`
}

type gwBid struct {
	IssueValues map[string]json.RawMessage `json:"issuevalues"`
}

// integer parses a GeniusWeb decimal that must be an integer.
func integer(n json.Number) (int64, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", n)
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%s is not an integer (only integer ranges are supported)", n)
	}
	return r.Num().Int64(), nil
}

func readGWDomain(data []byte) (*Domain, error) {
	var g gwDomain
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, err
	}
	return g.domain()
}

// domain converts a GeniusWeb domain. JSON objects carry no order, so issues
// are sorted by name.
func (g *gwDomain) domain() (*Domain, error) {
	d := &Domain{Name: g.Name}
	if len(g.IssuesValues) == 0 {
		return nil, fmt.Errorf("issuesValues: no issues")
	}
	for _, name := range slices.Sorted(maps.Keys(g.IssuesValues)) {
		vs := g.IssuesValues[name]
		is := Issue{Name: name}
		switch {
		case vs.Values != nil && vs.Range != nil:
			return nil, fmt.Errorf("issuesValues.%s: both values and range", name)
		case vs.Values != nil:
			for k, raw := range *vs.Values {
				v, err := gwValue(raw)
				if err != nil {
					return nil, fmt.Errorf("issuesValues.%s.values[%d]: %w", name, k, err)
				}
				is.Options = append(is.Options, v)
			}
		case vs.Range != nil:
			var r Range
			var err error
			if r.Low, err = integer(vs.Range.Low); err == nil {
				if r.High, err = integer(vs.Range.High); err == nil {
					r.Step = 1
					if vs.Range.Step != "" {
						r.Step, err = integer(vs.Range.Step)
					}
				}
			}
			if err != nil {
				return nil, fmt.Errorf("issuesValues.%s.range: %w", name, err)
			}
			if r.Step <= 0 {
				return nil, fmt.Errorf("issuesValues.%s.range: step %d is not positive", name, r.Step)
			}
			is.Range = &r
		default:
			return nil, fmt.Errorf("issuesValues.%s: neither values nor range", name)
		}
		d.Issues = append(d.Issues, is)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("issuesValues%s", strings.TrimPrefix(err.Error(), "issues"))
	}
	return d, nil
}

// gwValue reads a GeniusWeb value: a string (discrete) or a number.
func gwValue(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("value %s is neither a string nor a number", raw)
}

func (b *gwBid) pkg(d *Domain) (Package, error) {
	bid := make(map[string]string, len(b.IssueValues))
	for k, raw := range b.IssueValues {
		v, err := gwValue(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		bid[k] = v
	}
	return d.Package(bid)
}

func readGWProfile(data []byte, d *Domain) (*Profile, error) {
	var f gwProfileFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	g := f.LAUS
	if g == nil {
		return nil, fmt.Errorf("LinearAdditiveUtilitySpace: empty")
	}
	p := &Profile{Name: g.Name, Weights: g.IssueWeights, Scores: map[string]Scoring{}}
	if p.Weights == nil {
		return nil, fmt.Errorf("issueWeights: missing")
	}
	if g.IssueUtilities == nil {
		return nil, fmt.Errorf("issueUtilities: missing")
	}
	for _, name := range slices.Sorted(maps.Keys(g.IssueUtilities)) {
		u := g.IssueUtilities[name]
		i := d.Issue(name)
		if i < 0 {
			return nil, fmt.Errorf("issueUtilities: unknown issue %q", name)
		}
		is := &d.Issues[i]
		switch {
		case u.Discrete != nil && u.Number == nil:
			p.Scores[name] = Scoring{Options: u.Discrete.ValueUtilities}
		case u.Number != nil && u.Discrete == nil:
			n := u.Number
			if is.Range == nil {
				return nil, fmt.Errorf("issueUtilities.%s: NumberValueSetUtilities for a discrete issue", name)
			}
			lo, err := integer(n.LowValue)
			if err != nil {
				return nil, fmt.Errorf("issueUtilities.%s.lowValue: %w", name, err)
			}
			hi, err := integer(n.HighValue)
			if err != nil {
				return nil, fmt.Errorf("issueUtilities.%s.highValue: %w", name, err)
			}
			if lo != is.Range.Low || hi != is.Range.High {
				return nil, fmt.Errorf("issueUtilities.%s: utilities span %d..%d but the range is %d..%d", name, lo, hi, is.Range.Low, is.Range.High)
			}
			if lo == hi {
				p.Scores[name] = Scoring{Points: []Point2{{X: float64(lo), Score: n.LowUtility}}}
				break
			}
			p.Scores[name] = Scoring{Points: []Point2{{X: float64(lo), Score: n.LowUtility}, {X: float64(hi), Score: n.HighUtility}}}
		default:
			return nil, fmt.Errorf("issueUtilities.%s: want exactly one of DiscreteValueSetUtilities, NumberValueSetUtilities", name)
		}
	}
	if g.ReservationBid != nil {
		pkg, err := g.ReservationBid.pkg(d)
		if err != nil {
			return nil, fmt.Errorf("reservationBid: %w", err)
		}
		p.ReservationBid = d.Bid(pkg)
	}
	if err := p.validate(d, false, gwNames); err != nil {
		return nil, err
	}
	return p, nil
}

func gwDomainOf(d *Domain) *gwDomain {
	g := &gwDomain{Name: d.Name, IssuesValues: map[string]gwValueSet{}}
	for _, is := range d.Issues {
		if is.Range != nil {
			g.IssuesValues[is.Name] = gwValueSet{Range: &gwRange{
				Low:  json.Number(strconv.FormatInt(is.Range.Low, 10)),
				High: json.Number(strconv.FormatInt(is.Range.High, 10)),
				Step: json.Number(strconv.FormatInt(is.Range.step(), 10)),
			}}
			continue
		}
		vals := make([]json.RawMessage, len(is.Options))
		for k, o := range is.Options {
			vals[k], _ = json.Marshal(o)
		}
		g.IssuesValues[is.Name] = gwValueSet{Values: &vals}
	}
	return g
}

func gwProfileOf(p *Profile, d *Domain) (*gwProfile, error) {
	if p.Nonlinear != nil {
		return nil, fmt.Errorf("GeniusWeb has no hyper-rectangle profiles")
	}
	for _, is := range d.Issues {
		if is.Real != nil {
			return nil, fmt.Errorf("issue %s: GeniusWeb export supports integer ranges only", is.Name)
		}
	}
	if p.Capped {
		// A capped profile is a plain one when its weights sum to 1 and
		// its scores are in [0,1].
		c := *p
		c.Capped = false
		if err := c.validate(d, false, gwNames); err != nil {
			return nil, fmt.Errorf("not expressible in GeniusWeb (weights must sum to 1, scores lie in [0,1]): %w", err)
		}
	}
	g := &gwProfile{
		Name:           p.Name,
		IssueWeights:   p.Weights,
		Domain:         gwDomainOf(d),
		IssueUtilities: map[string]gwUtilities{},
	}
	for _, is := range d.Issues {
		s := p.Scores[is.Name]
		if is.Range == nil || len(s.Points) == 0 {
			vu := map[string]float64{}
			for o := range is.Len() {
				v, ok := s.score(&is, o)
				if ok {
					vu[is.Label(o)] = v
				}
			}
			if is.Range != nil {
				return nil, fmt.Errorf("issue %s: GeniusWeb scores a range issue only by a linear function", is.Name)
			}
			g.IssueUtilities[is.Name] = gwUtilities{Discrete: &gwDiscrete{ValueUtilities: vu}}
			continue
		}
		lo, hi := is.Range.Low, is.Range.High
		lu, hu := interpolate(s.Points, float64(lo)), interpolate(s.Points, float64(hi))
		// GeniusWeb interpolates linearly between the ends; refuse to
		// write a piecewise function that is not a straight line.
		for o := range is.Len() {
			x := is.Range.Value(o)
			want := lu
			if hi > lo {
				want = lu + (hu-lu)*float64(x-lo)/float64(hi-lo)
			}
			if math.Abs(interpolate(s.Points, float64(x))-want) > 1e-12 {
				return nil, fmt.Errorf("issue %s: GeniusWeb scores a range issue only by a linear function", is.Name)
			}
		}
		g.IssueUtilities[is.Name] = gwUtilities{Number: &gwNumber{
			LowValue: json.Number(strconv.FormatInt(lo, 10)), LowUtility: lu,
			HighValue: json.Number(strconv.FormatInt(hi, 10)), HighUtility: hu,
		}}
	}
	if p.ReservationBid != nil {
		b := &gwBid{IssueValues: map[string]json.RawMessage{}}
		for k, v := range p.ReservationBid {
			i := d.Issue(k)
			if i >= 0 && d.Issues[i].Range != nil {
				b.IssueValues[k] = json.RawMessage(v)
				continue
			}
			b.IssueValues[k], _ = json.Marshal(v)
		}
		g.ReservationBid = b
	}
	return g, nil
}
