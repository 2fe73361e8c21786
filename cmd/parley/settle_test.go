package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley/settle"
)

const settleData = "../../settle/testdata"

func runSettleCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb}
	err := m.Run(context.Background(), append([]string{"settle"}, args...))
	return out.String(), errb.String(), err
}

func ceasefireArgs() []string {
	d := filepath.Join(settleData, "ceasefire")
	return []string{"--domain", filepath.Join(d, "domain.yaml"), "--profile", filepath.Join(d, "side-a.yaml"), "--profile", filepath.Join(d, "side-b.yaml")}
}

// ceasefireSettlement computes the expected results through the library.
func ceasefireSettlement(t *testing.T) (*settle.Space, *settle.Settlement) {
	t.Helper()
	s, err := settleLoad(filepath.Join(settleData, "ceasefire", "domain.yaml"), []string{
		filepath.Join(settleData, "ceasefire", "side-a.yaml"), filepath.Join(settleData, "ceasefire", "side-b.yaml"),
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

func TestSettleText(t *testing.T) {
	out, _, err := runSettleCmd(t, ceasefireArgs()...)
	if err != nil {
		t.Fatal(err)
	}
	s, st := ceasefireSettlement(t)
	for _, want := range []string{
		"domain ceasefire: 4 issues, 912 packages",
		"party side-b: reservation 0.3000, disagreement 0.2000",
		"nash ", s.Domain.FormatPackage(st.Nash.Package),
		"kalai-smorodinsky ", s.Domain.FormatPackage(st.KalaiSmorodinsky.Package),
		"egalitarian ", "utilitarian ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSettleJSON(t *testing.T) {
	out, _, err := runSettleCmd(t, append(ceasefireArgs(), "--json", "--frontier")...)
	if err != nil {
		t.Fatal(err)
	}
	var got settleJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s, st := ceasefireSettlement(t)
	if got.Size != "912" || got.Frontier != st.Frontier.Len() || len(got.Points) != st.Frontier.Len() || got.Rational != st.Rational {
		t.Errorf("size %s, frontier %d (%d listed), rational %d; want 912, %d, %d", got.Size, got.Frontier, len(got.Points), got.Rational, st.Frontier.Len(), st.Rational)
	}
	if diff := cmp.Diff(s.Domain.Bid(st.Nash.Package), got.Solutions.Nash.Package); diff != "" {
		t.Errorf("nash package (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(st.Utilitarian.Utilities, got.Solutions.Utilitarian.Utilities); diff != "" {
		t.Errorf("utilitarian utilities (-want +got):\n%s", diff)
	}
}

func TestSettleEnumerateAgrees(t *testing.T) {
	merged, _, err := runSettleCmd(t, append(ceasefireArgs(), "--json", "--frontier")...)
	if err != nil {
		t.Fatal(err)
	}
	enum, _, err := runSettleCmd(t, append(ceasefireArgs(), "--json", "--frontier", "--enumerate")...)
	if err != nil {
		t.Fatal(err)
	}
	var a, b settleJSON
	if err := json.Unmarshal([]byte(merged), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(enum), &b); err != nil {
		t.Fatal(err)
	}
	if a.Method != "merge" || b.Method != "enumerate" {
		t.Errorf("methods %s, %s", a.Method, b.Method)
	}
	var ua, ub [][]float64
	for i := range a.Points {
		ua = append(ua, a.Points[i].Utilities)
	}
	for i := range b.Points {
		ub = append(ub, b.Points[i].Utilities)
	}
	if diff := cmp.Diff(ua, ub); diff != "" {
		t.Errorf("frontiers differ (-merge +enumerate):\n%s", diff)
	}
}

func TestSettleImprove(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "tentative.json")
	if err := os.WriteFile(pkg, []byte(`{"days":90,"phase1-releases":"10","aid-trucks":"100","withdrawal":"none"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runSettleCmd(t, append(ceasefireArgs(), "--improve", pkg, "--json")...)
	if err != nil {
		t.Fatal(err)
	}
	var got settleJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	s, st := ceasefireSettlement(t)
	base, err := settle.ReadPackage("p", []byte(`{"days":90,"phase1-releases":"10","aid-trucks":"100","withdrawal":"none"}`), s.Domain)
	if err != nil {
		t.Fatal(err)
	}
	im, err := s.Improve(st.Frontier, base)
	if err != nil {
		t.Fatal(err)
	}
	if got.Improve == nil || got.Improve.Optimal || len(got.Improve.Improvements) != len(im.Improvements) || len(im.Improvements) == 0 {
		t.Fatalf("improve = %+v, want %d improvements", got.Improve, len(im.Improvements))
	}
	if diff := cmp.Diff(s.Domain.Bid(im.Nash.Package), got.Improve.Nash.Package); diff != "" {
		t.Errorf("nash improvement (-want +got):\n%s", diff)
	}
}

func TestSettleBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	domain := write("d.json", `{"name":"d","issuesValues":{"drinks":{"values":["beer","wine"]}}}`)
	good := write("a.json", `{"LinearAdditiveUtilitySpace":{"issueWeights":{"drinks":1},"issueUtilities":{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":1,"wine":0}}}},"name":"a"}}`)
	bad := write("b.json", `{"LinearAdditiveUtilitySpace":{"issueWeights":{"drinks":0.9},"issueUtilities":{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":0,"wine":1}}}},"name":"b"}}`)
	unknown := write("c.json", `{"LinearAdditiveUtilitySpace":{"issueWeights":{"drinks":1},"issueUtilities":{"drinks":{"DiscreteValueSetUtilities":{"valueUtilities":{"beer":0,"cider":1}}}},"name":"c"}}`)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--domain", domain, "--profile", good, "--profile", bad}, "profile " + bad + ": issueWeights: weights sum to 0.9, want 1"},
		{[]string{"--domain", domain, "--profile", good, "--profile", unknown}, "profile " + unknown + `: issueUtilities.drinks: unknown option "cider"`},
		{[]string{"--domain", filepath.Join(dir, "missing.json"), "--profile", good}, "missing.json"},
		{[]string{"--domain", good, "--profile", good}, `domain ` + good + `: LinearAdditiveUtilitySpace.domain: missing`},
	}
	for _, c := range cases {
		_, _, err := runSettleCmd(t, c.args...)
		if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to contain %q", c.args, err, c.want)
		}
	}
	if _, errs, code := cliRun(t, "settle", "--domain", domain); code != 2 || !strings.HasPrefix(errs, "parley settle: at least one --profile is required\nUsage: parley settle") {
		t.Errorf("no profiles: exit %d, stderr %q; want 2 and the reason before the usage", code, errs)
	}
	if _, errs, code := cliRun(t, "settle", "winner"); code != 2 || !strings.HasPrefix(errs, "parley settle winner: want exactly one POINTS file\n") {
		t.Errorf("winner without a file: exit %d, stderr %q", code, errs)
	}
	if _, _, err := runSettleCmd(t, "--nonsense"); !errors.Is(err, errUsage) {
		t.Errorf("bad flag: err = %v, want a usage error", err)
	}
}

func TestSettleNoAgreement(t *testing.T) {
	dir := t.TempDir()
	domain := filepath.Join(dir, "d.yaml")
	if err := os.WriteFile(domain, []byte("issues:\n  - {name: x, options: [a, b]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.yaml")
	b := filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(a, []byte("name: A\nreservation: 0.6\nweights: {x: 1}\nscores: {x: {a: 1, b: 0}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("name: B\nreservation: 0.6\nweights: {x: 1}\nscores: {x: {a: 0, b: 1}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runSettleCmd(t, "--domain", domain, "--profile", a, "--profile", b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "no agreement: no package gives every party at least its reservation value") {
		t.Errorf("output:\n%s", out)
	}
	out, _, err = runSettleCmd(t, "simulate", "--domain", domain, "--profile", a, "--profile", b, "--agent", "linear", "--agent", "linear", "--rounds", "10")
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is acceptable to both, so nothing is offered.
	if !strings.Contains(out, "no agreement after 0 rounds (0 offers)") || !strings.Contains(out, "no Nash point") {
		t.Errorf("simulate output:\n%s", out)
	}
}

func TestSettleSimulate(t *testing.T) {
	party := filepath.Join(settleData, "party")
	args := []string{"simulate", "--profile", filepath.Join(party, "host.json"), "--profile", filepath.Join(party, "guest.json"), "--agent", "boulware", "--agent", "conceder", "--rounds", "300"}
	out, _, err := runSettleCmd(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alternating-offers: host (boulware(e=0.2)) vs guest (conceder(e=2)), deadline 300 rounds", "agreement after", "distance to the Pareto frontier: 0.0000", "distance to the Nash point"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runSettleCmd(t, append(args, "--json", "--protocol", "single-text")...)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Protocol  string
		Agreement bool
		Rounds    int
		Outcome   struct{ Utilities []float64 }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Protocol != "single-text" || !got.Agreement || got.Rounds < 1 || got.Rounds > 300 || len(got.Outcome.Utilities) != 2 {
		t.Errorf("single-text result %+v", got)
	}
	for _, bad := range [][]string{
		{"simulate", "--profile", filepath.Join(party, "host.json"), "--agent", "boulware"},
		{"simulate", "--profile", filepath.Join(party, "host.json"), "--profile", filepath.Join(party, "guest.json"), "--agent", "boulware", "--agent", "linear", "--rounds", "0"},
	} {
		if _, _, err := runSettleCmd(t, bad...); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", bad, err)
		}
	}
	if _, _, err := runSettleCmd(t, "simulate", "--profile", filepath.Join(party, "host.json"), "--profile", filepath.Join(party, "guest.json"), "--agent", "greedy", "--agent", "linear"); err == nil || !strings.Contains(err.Error(), `unknown agent "greedy"`) {
		t.Errorf("unknown agent: err = %v", err)
	}
}

func TestSettleWinner(t *testing.T) {
	out, _, err := runSettleCmd(t, "winner", "--json", filepath.Join(settleData, "winner.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Items []struct {
			Name  string
			Share [2]float64
		}
		Split           string
		SplitShareFirst string `json:"split_share_first"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// The hand-worked example in settle/winner_test.go: 5/6 of the house
	// stays with the first party.
	if got.Split != "house" || got.SplitShareFirst != "5/6" || got.Items[2].Share != [2]float64{1, 0} {
		t.Errorf("winner = %+v", got)
	}
	text, _, err := runSettleCmd(t, "winner", filepath.Join(settleData, "winner.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "split item: house, first gets 5/6 of it") {
		t.Errorf("output:\n%s", text)
	}
	if _, _, err := runSettleCmd(t, "winner"); !errors.Is(err, errUsage) {
		t.Errorf("no file: err = %v", err)
	}
}

// jsonKeys collects every object key in a JSON document.
func jsonKeys(t *testing.T, data string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var keys []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				keys = append(keys, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return keys
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestSettleJSONSnakeCase: every key the settle commands print is
// snake_case (package maps are keyed by issue names, which are data, so
// they are checked apart), and lists are [] rather than null.
func TestSettleJSONSnakeCase(t *testing.T) {
	party := filepath.Join(settleData, "party")
	dir := t.TempDir()
	domain := filepath.Join(dir, "d.yaml")
	a := filepath.Join(dir, "a.yaml")
	b := filepath.Join(dir, "b.yaml")
	for name, data := range map[string]string{
		domain: "issues:\n  - {name: x, options: [a, b]}\n",
		a:      "name: A\nreservation: 0.6\nweights: {x: 1}\nscores: {x: {a: 1, b: 0}}\n",
		b:      "name: B\nreservation: 0.6\nweights: {x: 1}\nscores: {x: {a: 0, b: 1}}\n",
	} {
		if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runs := [][]string{
		append(ceasefireArgs(), "--json"),
		{"--domain", domain, "--profile", a, "--profile", b, "--json"},
		{"simulate", "--profile", filepath.Join(party, "host.json"), "--profile", filepath.Join(party, "guest.json"), "--agent", "boulware", "--agent", "conceder", "--json"},
		{"winner", "--json", filepath.Join(settleData, "winner.yaml")},
	}
	issues := map[string]bool{"days": true, "phase1-releases": true, "aid-trucks": true, "withdrawal": true, "x": true, "drinks": true, "food": true, "guests": true, "music": true}
	for _, args := range runs {
		out, _, err := runSettleCmd(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range jsonKeys(t, out) {
			if !snakeCase.MatchString(k) && !issues[k] {
				t.Errorf("%v: key %q is not snake_case", args, k)
			}
		}
		if strings.Contains(out, "null") {
			t.Errorf("%v: output has a null:\n%s", args, out)
		}
	}
	out, _, err := runSettleCmd(t, "--domain", domain, "--profile", a, "--profile", b, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if string(got["no_agreement"]) != "true" || string(got["ideal"]) != "[]" {
		t.Errorf("no agreement: no_agreement %s, ideal %s; want true and []", got["no_agreement"], got["ideal"])
	}
}

// TestSettleGeniusXML runs the command on Genius XML files: an additive
// domain and a non-linear one, with and without --domain.
func TestSettleGeniusXML(t *testing.T) {
	g := filepath.Join(settleData, "genius")
	out, _, err := runSettleCmd(t, "--domain", filepath.Join(g, "grid_domain.xml"), "--profile", filepath.Join(g, "grid_a.xml"), "--profile", filepath.Join(g, "grid_b.xml"), "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got settleJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	s, err := settleLoad(filepath.Join(g, "grid_domain.xml"), []string{filepath.Join(g, "grid_a.xml"), filepath.Join(g, "grid_b.xml")})
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.ParetoByEnumeration(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "branch-and-bound" || !got.Exact || got.Gap != 0 || got.Frontier != want.Len() || len(got.Points) != want.Len() {
		t.Fatalf("method %s exact %v gap %v, %d points (%d listed); want an exact frontier of %d", got.Method, got.Exact, got.Gap, got.Frontier, len(got.Points), want.Len())
	}
	for k, pt := range got.Points {
		if diff := cmp.Diff(want.Points[k].Utilities, pt.Utilities); diff != "" || len(pt.Package) != 3 {
			t.Errorf("point %d (-enumeration +json):\n%s package %v", k, diff, pt.Package)
		}
	}
	// Without --domain the first profile's own issues are the domain.
	text, _, err := runSettleCmd(t, "--profile", filepath.Join(g, "grid_a.xml"), "--profile", filepath.Join(g, "grid_b.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "domain grid: 3 issues, 1000 packages") || !strings.Contains(text, "party "+filepath.Join(g, "grid_a.xml")+": reservation 0.3000") || !strings.Contains(text, "proven exact") {
		t.Errorf("output:\n%s", text)
	}
	// The buyer lists a fourth hard disk, which the seller does not
	// evaluate: Genius could not compute the seller's utility there.
	_, _, err = runSettleCmd(t, "--profile", filepath.Join(g, "laptop_buyer.xml"), "--profile", filepath.Join(g, "laptop_seller.xml"))
	if err == nil || !strings.Contains(err.Error(), `laptop_seller.xml: <issue index="2" name="Harddisk"> (line 9): value "240 Gb" has no evaluation`) {
		t.Errorf("err = %v", err)
	}
	text, _, err = runSettleCmd(t, "--domain", filepath.Join(g, "grid_domain.xml"), "--profile", filepath.Join(g, "grid_a.xml"), "--profile", filepath.Join(g, "grid_b.xml"), "--pareto", filepath.Join(g, "grid_pareto.xml"))
	if err != nil || !strings.Contains(text, "3 published points: 2 on the exact frontier, 1 strictly dominated by it, 0 unreachable; the exact frontier has 3 points, 1 of them not published") {
		t.Errorf("pareto comparison: %v\n%s", err, text)
	}
	text, _, err = runSettleCmd(t, "--domain", filepath.Join(g, "laptop_domain.xml"), "--profile", filepath.Join(g, "laptop_buyer.xml"), "--profile", filepath.Join(g, "laptop_seller.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "domain Laptop: 3 issues, 27 packages") || !strings.Contains(text, "Pareto frontier (merge") {
		t.Errorf("output:\n%s", text)
	}
}

// TestSettleBudget: a non-linear frontier cut short by --budget is
// reported as not proven exact, with its gap.
func TestSettleBudget(t *testing.T) {
	dir := t.TempDir()
	d, ps := settle.GenerateNonlinear(rand.New(rand.NewPCG(5, 6)), settle.NonlinearConfig{Issues: 30, Rectangles: 60})
	args := []string{"--domain", filepath.Join(dir, "domain.xml")}
	var buf bytes.Buffer
	if err := settle.WriteDomain(&buf, d, settle.Genius); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(args[1], buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, p := range ps {
		buf.Reset()
		if err := settle.WriteProfile(&buf, p, d, settle.Genius); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("profile-%d.xml", k+1))
		if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--profile", name)
	}
	out, _, err := runSettleCmd(t, append(args, "--budget", "1ns")...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "NOT proven exact: the time budget ran out") || !strings.Contains(out, "30 issues, 1"+strings.Repeat("0", 30)+" packages") {
		t.Errorf("output:\n%s", out)
	}
	if _, errs, code := cliRun(t, append([]string{"settle"}, append(args, "--budget", "-1s")...)...); code != 2 || !strings.Contains(errs, "--budget must not be negative") {
		t.Errorf("negative budget: %d %q", code, errs)
	}
}

// writeScenario writes a generated space as a scenario directory.
func writeScenario(t *testing.T, dir string, f settle.Format, d *settle.Domain, ps []*settle.Profile) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := settle.WriteDomain(&buf, d, f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "domain"+settleExt[f]), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, p := range ps {
		buf.Reset()
		if err := settle.WriteProfile(&buf, p, d, f); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("profile-%d%s", k+1, settleExt[f])), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSettleTournament(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	d, ps := settle.Generate(r, 2, 4, 4, true)
	writeScenario(t, filepath.Join(dir, "a"), settle.Genius, d, ps)
	d, ps = settle.Generate(r, 3, 3, 3, true)
	writeScenario(t, filepath.Join(dir, "b"), settle.YAML, d, ps)
	d, ps = settle.GenerateNonlinear(r, settle.NonlinearConfig{Issues: 5, Rectangles: 10, Discount: true})
	writeScenario(t, filepath.Join(dir, "c"), settle.Genius, d, ps)
	// A pareto.xml beside the profiles is not a profile.
	if err := os.WriteFile(filepath.Join(dir, "c", "pareto.xml"), []byte("0.5, 0.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runSettleCmd(t, "tournament", "--rounds", "100", "--sample", "50", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "tournament: 3 scenarios, 4 agents, 48 sessions") || !strings.Contains(out, "boulware(e=0.2)") {
		t.Errorf("table:\n%s", out)
	}
	js, _, err := runSettleCmd(t, "tournament", "--rounds", "100", "--sample", "50", "--json", dir)
	if err != nil {
		t.Fatal(err)
	}
	var got settleTournamentJSON
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sessions) != 48 || len(got.Scores) != 4 || got.Offers == 0 || len(got.Scenarios) != 3 {
		t.Fatalf("json: %d sessions, %d scores, %d offers, scenarios %v", len(got.Sessions), len(got.Scores), got.Offers, got.Scenarios)
	}
	for _, k := range jsonKeys(t, js) {
		if !snakeCase.MatchString(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
	csvOut, _, err := runSettleCmd(t, "tournament", "--rounds", "100", "--sample", "50", "--csv", "--agent", "boulware", "--agent", "conceder", dir)
	if err == nil {
		t.Errorf("two agents for a three-party scenario: no error\n%s", csvOut)
	}
	csvOut, _, err = runSettleCmd(t, "tournament", "--rounds", "100", "--csv", "--agent", "boulware", "--agent", "conceder", filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csvOut), "\n")
	if len(lines) != 3 || lines[0] != "agent,sessions,agreements,agreement_rate,mean_utility,mean_nash_distance,mean_frontier_distance,mean_social_welfare" || !strings.HasPrefix(lines[1], "boulware(e=0.2),2,") && !strings.HasPrefix(lines[2], "boulware(e=0.2),2,") {
		t.Errorf("csv:\n%s", csvOut)
	}
	for _, bad := range [][]string{{"tournament"}, {"tournament", "--csv", "--json", dir}, {"tournament", "--rounds", "0", dir}} {
		if _, _, err := runSettleCmd(t, bad...); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
	if _, _, err := runSettleCmd(t, "tournament", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no domain file") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := &progressBar{w: &b}
	for k := 1; k <= 60; k++ {
		bar.update(k, 60)
	}
	if !strings.HasSuffix(b.String(), "\r[##############################] 60/60 sessions\n") || !strings.Contains(b.String(), "\r[###############...............] 30/60 sessions") {
		t.Errorf("bar: %q", b.String())
	}
}

func TestSettleGenerateConvert(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runSettleCmd(t, "generate", "--out", dir, "--kind", "nonlinear", "--issues", "4", "--count", "2")
	if err != nil {
		t.Fatal(err)
	}
	scs := strings.Fields(out)
	if len(scs) != 2 {
		t.Fatalf("generated %v", scs)
	}
	d := filepath.Join(scs[0], "domain.xml")
	p := filepath.Join(scs[0], "profile-1.xml")
	text, _, err := runSettleCmd(t, "--domain", d, "--profile", p, "--profile", filepath.Join(scs[0], "profile-2.xml"))
	if err != nil || !strings.Contains(text, "proven exact") {
		t.Fatalf("%v\n%s", err, text)
	}
	yml, _, err := runSettleCmd(t, "convert", "--to", "yaml", "--domain", d, "--profile", p)
	if err != nil || !strings.Contains(yml, "nonlinear:") || !strings.Contains(yml, "rectangles:") {
		t.Fatalf("%v\n%s", err, yml)
	}
	if _, _, err := runSettleCmd(t, "convert", "--to", "geniusweb", "--domain", d, "--profile", p); err == nil || !strings.Contains(err.Error(), "GeniusWeb has no hyper-rectangle profiles") {
		t.Errorf("geniusweb: %v", err)
	}
	gw, _, err := runSettleCmd(t, "convert", "--to", "geniusweb", "--domain", filepath.Join(settleData, "genius", "robot_domain.xml"), "--profile", filepath.Join(settleData, "genius", "robot_a.xml"))
	if err == nil || !strings.Contains(err.Error(), "not expressible in GeniusWeb") {
		t.Errorf("robot a (weights sum to 1.1) to GeniusWeb: %v\n%s", err, gw)
	}
	// The seller's weights sum to 1: GeniusWeb computes the same utilities.
	gw, _, err = runSettleCmd(t, "convert", "--to", "geniusweb", "--domain", filepath.Join(settleData, "genius", "laptop_domain.xml"), "--profile", filepath.Join(settleData, "genius", "laptop_seller.xml"))
	if err != nil || !strings.Contains(gw, `"LinearAdditiveUtilitySpace"`) {
		t.Errorf("seller to GeniusWeb: %v\n%s", err, gw)
	}
	if _, _, err := runSettleCmd(t, "generate", "--out", dir, "--parties", "4"); !errors.Is(err, errUsage) {
		t.Errorf("4 parties: %v", err)
	}
}

func TestSettleElicit(t *testing.T) {
	party := filepath.Join(settleData, "party")
	out, _, err := runSettleCmd(t, "elicit", "--domain", filepath.Join(party, "domain.json"), "--answers-from", filepath.Join(party, "host.json"), "--questions", "20")
	if err != nil {
		t.Fatal(err)
	}
	var pct int
	if _, err := fmt.Sscanf(out[strings.Index(out, "the estimate orders "):], "the estimate orders %d%%", &pct); err != nil || pct < 80 {
		t.Errorf("agreement %d%% (%v):\n%s", pct, err, out)
	}
	if !strings.Contains(out, "estimated weights after 20 answers") || !strings.Contains(out, "weights:") {
		t.Errorf("output:\n%s", out)
	}
	// Asked in person: two answers, a stray line, then q.
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader("1\nmaybe\n2\nq\n"), Stdout: &stdout, Stderr: &stderr}
	if err := m.Run(context.Background(), []string{"settle", "elicit", "--domain", filepath.Join(party, "domain.json"), "--questions", "5", "--to", "json"}); err != nil {
		t.Fatal(err)
	}
	o := stdout.String()
	if !strings.Contains(o, "question 3 of 5") || strings.Contains(o, "question 4 of 5") || !strings.Contains(o, "estimated weights after 2 answers") || !strings.Contains(o, `"weights": {`) {
		t.Errorf("interactive output:\n%s", o)
	}
	if _, _, err := runSettleCmd(t, "elicit"); !errors.Is(err, errUsage) {
		t.Errorf("no domain: %v", err)
	}
}
