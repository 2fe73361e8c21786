package settle_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley/settle"
)

// load reads a domain and profiles from testdata.
func load(tb testing.TB, dir string, domain string, profiles ...string) (*settle.Domain, []*settle.Profile) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, domain))
	if err != nil {
		tb.Fatal(err)
	}
	d, err := settle.ReadDomain(domain, data)
	if err != nil {
		tb.Fatal(err)
	}
	var ps []*settle.Profile
	for _, name := range profiles {
		data, err := os.ReadFile(filepath.Join("testdata", dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		p, err := settle.ReadProfile(name, data, d)
		if err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, p)
	}
	return d, ps
}

// mustSpace loads testdata into a Space.
func mustSpace(tb testing.TB, dir, domain string, profiles ...string) *settle.Space {
	tb.Helper()
	d, ps := load(tb, dir, domain, profiles...)
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestReadParleyFormat(t *testing.T) {
	s := mustSpace(t, "ceasefire", "domain.yaml", "side-a.yaml", "side-b.yaml")
	if got, want := s.Size().String(), "912"; got != want {
		t.Errorf("size = %s, want %s (19 × 4 × 3 × 4)", got, want)
	}
	if got := s.Domain.Issues[0].Label(3); got != "15" {
		t.Errorf("days option 3 = %q, want 15", got)
	}
	// days=15 lies on the first segment of side-a's piecewise-linear score:
	// 1 + (0.8-1)*15/30 = 0.9.
	pkg, err := s.Domain.Package(map[string]string{"days": "15", "phase1-releases": "all", "aid-trucks": "300", "withdrawal": "buffer-zone"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Utilities(pkg)
	if err != nil {
		t.Fatal(err)
	}
	// side-a: 0.2*0.9 + 0.45*1 + 0.1*0.7 + 0.25*0.8 = 0.9
	// side-b: 0.3*(0.7*15/45) + 0.15*0 + 0.2*0.6 + 0.35*0.3 = 0.295
	want := []float64{0.9, 0.295}
	if diff := cmp.Diff(want, u, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("utilities (-want +got):\n%s", diff)
	}
	if got := s.Disagreement(1); got != 0.2 {
		t.Errorf("disagreement of side-b = %v, want 0.2", got)
	}
	if got := s.Disagreement(0); got != 0.35 {
		t.Errorf("disagreement of side-a = %v, want its reservation 0.35", got)
	}
}

func TestReadGeniusWeb(t *testing.T) {
	d, ps := load(t, "party", "domain.json", "host.json", "guest.json")
	var names []string
	for _, is := range d.Issues {
		names = append(names, is.Name)
	}
	if diff := cmp.Diff([]string{"drinks", "food", "guests", "music"}, names); diff != "" {
		t.Errorf("issues sorted by name (-want +got):\n%s", diff)
	}
	// host's reservation bid: juice 0.3*0.2 + finger-food 0.3*0.6 +
	// 30 guests 0.15*0.6 + dj 0.25*0.4 = 0.43.
	if got := ps[0].Reservation; got < 0.43-1e-12 || got > 0.43+1e-12 {
		t.Errorf("host reservation = %v, want 0.43", got)
	}
	if got := ps[1].Reservation; got != 0 {
		t.Errorf("guest reservation = %v, want 0 (null reservationBid)", got)
	}
	// The domain embedded in a profile reads as the same domain.
	data, err := os.ReadFile(filepath.Join("testdata", "party", "host.json"))
	if err != nil {
		t.Fatal(err)
	}
	d2, err := settle.ReadDomain("host.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, d2); diff != "" {
		t.Errorf("embedded domain (-file +embedded):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		dir, domain string
		profiles    []string
		formats     []settle.Format
	}{
		{"ceasefire", "domain.yaml", []string{"side-a.yaml", "side-b.yaml"}, []settle.Format{settle.YAML, settle.JSON}},
		{"party", "domain.json", []string{"host.json", "guest.json"}, []settle.Format{settle.YAML, settle.JSON, settle.GeniusWeb}},
	}
	for _, c := range cases {
		d, ps := load(t, c.dir, c.domain, c.profiles...)
		for _, f := range c.formats {
			t.Run(c.dir+"/"+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				if err := settle.WriteDomain(&buf, d, f); err != nil {
					t.Fatal(err)
				}
				d2, err := settle.ReadDomain("out", buf.Bytes())
				if err != nil {
					t.Fatalf("%v\n%s", err, buf.Bytes())
				}
				if f == settle.GeniusWeb {
					// GeniusWeb objects are unordered; compare sorted.
					d = sortedIssues(d)
				}
				if diff := cmp.Diff(d, d2); diff != "" {
					t.Errorf("domain (-want +got):\n%s", diff)
				}
				for _, p := range ps {
					buf.Reset()
					if err := settle.WriteProfile(&buf, p, d, f); err != nil {
						t.Fatal(err)
					}
					p2, err := settle.ReadProfile("out", buf.Bytes(), d2)
					if err != nil {
						t.Fatalf("%v\n%s", err, buf.Bytes())
					}
					if diff := cmp.Diff(p, p2, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("profile %s (-want +got):\n%s\n%s", p.Name, diff, buf.Bytes())
					}
				}
			})
		}
	}
}

func sortedIssues(d *settle.Domain) *settle.Domain {
	c := *d
	c.Issues = append([]settle.Issue(nil), d.Issues...)
	for i := range c.Issues {
		for j := i + 1; j < len(c.Issues); j++ {
			if c.Issues[j].Name < c.Issues[i].Name {
				c.Issues[i], c.Issues[j] = c.Issues[j], c.Issues[i]
			}
		}
	}
	return &c
}

func TestBadFiles(t *testing.T) {
	domain := `{"name":"d","issuesValues":{"drinks":{"values":["beer","wine"]},"days":{"range":{"low":0,"high":90,"step":1}}}}`
	gw := func(weights, utilities, extra string) string {
		return `{"LinearAdditiveUtilitySpace":{"issueWeights":` + weights + `,"issueUtilities":` + utilities + extra + `,"name":"b"}}`
	}
	okUtil := `{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1,"wine":0}}},"days":{"NumberValueSetUtilities":{"lowValue":0,"lowUtility":0,"highValue":90,"highUtility":1}}}`
	cases := []struct {
		name, file, data, want string
	}{
		{"weights", "b.json", gw(`{"drinks":0.5,"days":0.4}`, okUtil, ""), "settle: profile b.json: issueWeights: weights sum to 0.9, want 1"},
		{"missing-weight", "b.json", gw(`{"drinks":1}`, okUtil, ""), `profile b.json: issueWeights: missing issue "days"`},
		{"unknown-option", "b.json", gw(`{"drinks":0.5,"days":0.5}`, `{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1,"cider":0}}},"days":{"NumberValueSetUtilities":{"lowValue":0,"lowUtility":0,"highValue":90,"highUtility":1}}}`, ""), `issueUtilities.drinks: unknown option "cider"`},
		{"missing-issue", "b.json", gw(`{"drinks":0.5,"days":0.5}`, `{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1}}}}`, ""), `issueUtilities: missing issue "days"`},
		{"unknown-issue", "b.json", gw(`{"drinks":0.5,"days":0.5,"food":0}`, okUtil, ""), `issueWeights: unknown issue "food"`},
		{"score-range", "b.json", gw(`{"drinks":0.5,"days":0.5}`, `{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1.5}}},"days":{"NumberValueSetUtilities":{"lowValue":0,"lowUtility":0,"highValue":90,"highUtility":1}}}`, ""), `issueUtilities.drinks: option "beer": score 1.5 not in [0,1]`},
		{"span", "b.json", gw(`{"drinks":0.5,"days":0.5}`, `{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1}}},"days":{"NumberValueSetUtilities":{"lowValue":0,"lowUtility":0,"highValue":80,"highUtility":1}}}`, ""), `issueUtilities.days: utilities span 0..80 but the range is 0..90`},
		{"bad-bid", "b.json", gw(`{"drinks":0.5,"days":0.5}`, okUtil, `,"reservationBid":{"issuevalues":{"drinks":"cider","days":3}}`), `reservationBid: drinks: unknown option "cider"`},
		{"bid-missing", "b.json", gw(`{"drinks":0.5,"days":0.5}`, okUtil, `,"reservationBid":{"issuevalues":{"drinks":"beer"}}`), `reservationBid: missing issue "days"`},
		{"yaml-weights", "a.yaml", "weights: {drinks: 0.7, days: 0.7}\nscores: {drinks: {beer: 1, wine: 0}, days: [[0, 0], [90, 1]]}\n", "settle: profile a.yaml: weights: weights sum to 1.4, want 1"},
		{"yaml-unscored", "a.yaml", "weights: {drinks: 0.5, days: 0.5}\nscores: {drinks: {beer: 1}, days: [[0, 0], [90, 1]]}\n", `scores.drinks: option "wine" has no score`},
		{"yaml-range-unscored", "a.yaml", "weights: {drinks: 0.5, days: 0.5}\nscores: {drinks: {beer: 1, wine: 0}, days: {\"3\": 1}}\n", `scores.days: value 0 has no score`},
		{"yaml-unknown-field", "a.yaml", "weight: {drinks: 1}\n", "field weight not found"},
		{"yaml-points-order", "a.yaml", "weights: {drinks: 0.5, days: 0.5}\nscores: {drinks: {beer: 1, wine: 0}, days: [[50, 0], [10, 1]]}\n", "scores.days: points[1]: value 10 not above 50"},
		{"disagreement", "a.yaml", "reservation: 0.2\ndisagreement: 0.5\nweights: {drinks: 0.5, days: 0.5}\nscores: {drinks: {beer: 1, wine: 0}, days: [[0, 0], [90, 1]]}\n", "disagreement: 0.5 above the reservation value 0.2"},
		{"not-yaml", "a.yaml", "[[[", "settle: profile a.yaml:"},
		{"empty", "a.yaml", "", "empty file"},
	}
	d, err := settle.ReadDomain("d.json", []byte(domain))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settle.ReadProfile(c.file, []byte(c.data), d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestBadDomains(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"no-issues", `{"name":"d","issuesValues":{}}`, "settle: domain d.json: issuesValues: no issues"},
		{"decimal-range", `{"issuesValues":{"x":{"range":{"low":0.5,"high":2,"step":0.5}}}}`, "issuesValues.x.range: 0.5 is not an integer"},
		{"neither", `{"issuesValues":{"x":{}}}`, "issuesValues.x: neither values nor range"},
		{"dup-option", `{"issuesValues":{"x":{"values":["a","a"]}}}`, `issuesValues.x: duplicate option "a"`},
		{"yaml-empty-options", "issues:\n  - name: x\n", "issues.x: no options"},
		{"yaml-dup-issue", "issues:\n  - {name: x, options: [a]}\n  - {name: x, options: [b]}\n", `issues: duplicate issue "x"`},
		{"yaml-step", "issues:\n  - {name: x, range: {low: 0, high: 10, step: 3}}\n", "issues.x: range 0..10 is not a multiple of step 3"},
		{"yaml-huge", "issues:\n  - {name: x, range: {low: -9223372036854775808, high: 9223372036854775807}}\n", "more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settle.ReadDomain("d.json", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestReadPackage(t *testing.T) {
	d, _ := load(t, "party", "domain.json")
	want := settle.Package{2, 1, 2, 0} // juice, finger-food, 30 guests, playlist
	for _, data := range []string{
		`{"issuevalues":{"drinks":"juice","food":"finger-food","guests":30,"music":"playlist"}}`,
		`{"drinks":"juice","food":"finger-food","guests":30,"music":"playlist"}`,
		"drinks: juice\nfood: finger-food\nguests: 30\nmusic: playlist\n",
	} {
		got, err := settle.ReadPackage("p", []byte(data), d)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", data, diff)
		}
	}
	if _, err := settle.ReadPackage("p.json", []byte(`{"drinks":"juice"}`), d); err == nil || !strings.Contains(err.Error(), `package p.json: missing issue "food"`) {
		t.Errorf("err = %v", err)
	}
}
