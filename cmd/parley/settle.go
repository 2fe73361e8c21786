package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"parley/settle"
)

func init() {
	register("settle", "compute Pareto frontier and fair settlements over a domain", runSettle)
}

// settleList is a repeatable string flag (--profile, --agent).
type settleList []string

func (l *settleList) String() string     { return strings.Join(*l, ",") }
func (l *settleList) Set(v string) error { *l = append(*l, v); return nil }

// runSettle dispatches "parley settle" and its subcommands simulate,
// winner, tournament, generate, convert and elicit.
func runSettle(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "simulate":
			return runSettleSimulate(ctx, m, args[1:])
		case "winner":
			return runSettleWinner(m, args[1:])
		case "tournament":
			return runSettleTournament(ctx, m, args[1:])
		case "generate":
			return runSettleGenerate(m, args[1:])
		case "convert":
			return runSettleConvert(m, args[1:])
		case "elicit":
			return runSettleElicit(m, args[1:])
		}
	}
	fs := m.newFlagSet("settle", "--domain D.json --profile A.json --profile B.json [flags]\n"+
		"       parley settle simulate --domain D.json --profile A.json --profile B.json --agent boulware --agent conceder [flags]\n"+
		"       parley settle winner [--json] POINTS.yaml\n"+
		"       parley settle tournament [--agent A ...] [--rounds N] [--csv|--json] DIR\n"+
		"       parley settle generate --out DIR [--kind linear|nonlinear] [--parties 2|3] [--issues N] [--format genius|geniusweb|yaml|json]\n"+
		"       parley settle convert --to genius|geniusweb|yaml|json --domain D [--profile P]\n"+
		"       parley settle elicit --domain D [--questions N] [--answers-from PROFILE] [--to yaml|json|genius|geniusweb]")
	var profiles settleList
	domain := fs.String("domain", "", "domain `file` (parley YAML/JSON, GeniusWeb JSON or Genius XML); defaults to the domain inside a GeniusWeb or Genius profile")
	fs.Var(&profiles, "profile", "profile `file` of one party (repeat: one per party, in party order)")
	asJSON := fs.Bool("json", false, "print JSON")
	frontier := fs.Bool("frontier", false, "print the whole Pareto frontier (--json always lists it)")
	improve := fs.String("improve", "", "tentative package `file`: list the Pareto improvements over it")
	enumerate := fs.Bool("enumerate", false, "compute the frontier by enumerating every package (slow; a cross-check)")
	pareto := fs.String("pareto", "", "published frontier `file` (ANAC 2014 pareto.xml, columns in party order) to compare with the exact one")
	budget := fs.Duration("budget", time.Minute, "time limit for the exact frontier of non-linear profiles; past it, the points found and the remaining gap are reported (0: no limit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(m, fs, "unexpected argument %q", fs.Arg(0))
	}
	if len(profiles) == 0 {
		return usageError(m, fs, "at least one --profile is required")
	}
	s, err := settleLoad(*domain, profiles)
	if err != nil {
		return err
	}
	if *budget < 0 {
		return usageError(m, fs, "--budget must not be negative")
	}
	var f *settle.Frontier
	start := time.Now()
	if *enumerate {
		f, err = s.ParetoByEnumeration(ctx)
	} else {
		f, err = s.ParetoWithin(ctx, *budget)
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	st := s.Solve(f)
	var cmpPareto *settle.ParetoComparison
	if *pareto != "" {
		data, err := os.ReadFile(*pareto)
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		pts, err := settle.ReadParetoFile(*pareto, data)
		if err != nil {
			return err
		}
		c := f.Compare(pts, 1e-6)
		cmpPareto = &c
	}
	var im *settle.Improvement
	if *improve != "" {
		data, err := os.ReadFile(*improve)
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		pkg, err := settle.ReadPackage(*improve, data, s.Domain)
		if err != nil {
			return err
		}
		if im, err = s.Improve(f, pkg); err != nil {
			return err
		}
	}
	if *asJSON {
		r := settleReport(s, st, im)
		r.Seconds = elapsed.Seconds()
		if c := cmpPareto; c != nil {
			r.Pareto = &settleParetoJSON{c.Published, c.OnFrontier, c.Dominated, c.Beyond, c.Exact, c.Missing}
		}
		return settleWriteJSON(m.Stdout, r)
	}
	if err := settlePrint(m.Stdout, s, st, *frontier, im, elapsed); err != nil {
		return err
	}
	if cmpPareto != nil {
		fmt.Fprintf(m.Stdout, "\ncompared with %s: %s\n", *pareto, cmpPareto)
		if !f.Exact {
			fmt.Fprintln(m.Stdout, "(against the points found: the frontier is not proven exact)")
		}
	}
	return nil
}

// settleLoad reads the domain and the profiles named on the command line.
func settleLoad(domainPath string, profiles []string) (*settle.Space, error) {
	if domainPath == "" {
		domainPath = profiles[0]
	}
	data, err := os.ReadFile(domainPath)
	if err != nil {
		return nil, fmt.Errorf("settle: %w", err)
	}
	d, err := settle.ReadDomain(domainPath, data)
	if err != nil {
		return nil, err
	}
	var ps []*settle.Profile
	for _, path := range profiles {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("settle: %w", err)
		}
		p, err := settle.ReadProfile(path, data, d)
		if err != nil {
			return nil, err
		}
		if p.Name == "" {
			p.Name = path
		}
		ps = append(ps, p)
	}
	return settle.New(d, ps...)
}

// settleOutcome is the JSON form of an outcome.
type settleOutcome struct {
	Package   map[string]string `json:"package,omitempty"`
	Utilities []float64         `json:"utilities"`
	Count     uint64            `json:"count,omitempty"`
	Rational  *bool             `json:"rational,omitempty"`
}

func settleOut(s *settle.Space, o *settle.Outcome) *settleOutcome {
	if o == nil {
		return nil
	}
	out := &settleOutcome{Utilities: nonNil(o.Utilities), Count: o.Count}
	if o.Package != nil {
		out.Package = s.Domain.Bid(o.Package)
	}
	return out
}

// nonNil returns s, or an empty slice when s is nil, so that JSON lists
// are [] and never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// settleParty is one party in the JSON report.
type settleParty struct {
	Name         string         `json:"name"`
	Reservation  float64        `json:"reservation"`
	Disagreement float64        `json:"disagreement"`
	Best         *settleOutcome `json:"best"`
	Worst        *settleOutcome `json:"worst"`
}

// settleSolutions holds the bargaining solutions in the JSON report.
type settleSolutions struct {
	Nash             *settleOutcome `json:"nash"`
	KalaiSmorodinsky *settleOutcome `json:"kalai_smorodinsky"`
	Egalitarian      *settleOutcome `json:"egalitarian"`
	Utilitarian      *settleOutcome `json:"utilitarian"`
}

// settleJSON is the JSON report of "parley settle --json".
type settleJSON struct {
	Domain      string             `json:"domain"`
	Issues      int                `json:"issues"`
	Size        string             `json:"size"`
	Parties     []settleParty      `json:"parties"`
	Method      string             `json:"method"`
	Exact       bool               `json:"exact"`
	Gap         float64            `json:"gap"`
	Nodes       int64              `json:"search_nodes,omitempty"`
	Seconds     float64            `json:"seconds"`
	Frontier    int                `json:"frontier_points"`
	Packages    uint64             `json:"frontier_packages"`
	Rational    int                `json:"rational_points"`
	NoAgreement bool               `json:"no_agreement"`
	Ideal       []float64          `json:"ideal"`
	Solutions   *settleSolutions   `json:"solutions,omitempty"`
	Points      []*settleOutcome   `json:"frontier"`
	Improve     *settleImproveJSON `json:"improve,omitempty"`
	Pareto      *settleParetoJSON  `json:"pareto_comparison,omitempty"`
}

// settleParetoJSON compares a published frontier with the exact one.
type settleParetoJSON struct {
	Published  int `json:"published_points"`
	OnFrontier int `json:"on_exact_frontier"`
	Dominated  int `json:"strictly_dominated"`
	Beyond     int `json:"unreachable"`
	Exact      int `json:"exact_points"`
	Missing    int `json:"exact_points_not_published"`
}

// settleImproveJSON is the "--improve" part of the JSON report.
type settleImproveJSON struct {
	Base         *settleOutcome   `json:"base"`
	Optimal      bool             `json:"pareto_optimal"`
	Improvements []*settleOutcome `json:"improvements"`
	Nash         *settleOutcome   `json:"nash,omitempty"`
}

func settleUtil(s *settle.Space, pkg settle.Package) *settleOutcome {
	u, _ := s.Utilities(pkg)
	return &settleOutcome{Package: s.Domain.Bid(pkg), Utilities: nonNil(u)}
}

// settleReport builds the JSON report; every frontier point is listed with
// its utilities and package.
func settleReport(s *settle.Space, st *settle.Settlement, im *settle.Improvement) *settleJSON {
	f := st.Frontier
	r := &settleJSON{
		Domain: s.Domain.Name, Issues: len(s.Domain.Issues), Size: s.Size().String(),
		Method: f.Method, Exact: f.Exact, Gap: f.Gap, Nodes: f.Nodes, Frontier: f.Len(), Packages: f.Packages(), Rational: st.Rational,
		NoAgreement: st.NoAgreement, Ideal: nonNil(st.Ideal), Parties: []settleParty{}, Points: []*settleOutcome{},
	}
	for p, pr := range s.Profiles {
		best, _ := s.Best(p)
		worst, _ := s.Worst(p)
		r.Parties = append(r.Parties, settleParty{
			Name: pr.Name, Reservation: s.Reservation(p), Disagreement: s.Disagreement(p),
			Best: settleUtil(s, best), Worst: settleUtil(s, worst),
		})
	}
	if !st.NoAgreement {
		r.Solutions = &settleSolutions{
			Nash:             settleOut(s, st.Nash),
			KalaiSmorodinsky: settleOut(s, st.KalaiSmorodinsky),
			Egalitarian:      settleOut(s, st.Egalitarian),
			Utilitarian:      settleOut(s, st.Utilitarian),
		}
	}
	for i := range f.Points {
		o := settleOut(s, &f.Points[i])
		ir := settleRational(s, f.Points[i].Utilities)
		o.Rational = &ir
		r.Points = append(r.Points, o)
	}
	if im != nil {
		j := &settleImproveJSON{Base: settleOut(s, &im.Base), Optimal: im.Optimal(), Nash: settleOut(s, im.Nash), Improvements: []*settleOutcome{}}
		j.Base.Count = 0
		for i := range im.Improvements {
			j.Improvements = append(j.Improvements, settleOut(s, &im.Improvements[i]))
		}
		r.Improve = j
	}
	return r
}

func settleRational(s *settle.Space, u []float64) bool {
	for p, x := range u {
		if x < s.Reservation(p) {
			return false
		}
	}
	return true
}

func settleWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// settleUtils formats utilities as "name 0.8000, name 0.6000".
func settleUtils(s *settle.Space, u []float64) string {
	parts := make([]string, len(u))
	for p, x := range u {
		parts[p] = fmt.Sprintf("%s %.4f", s.Profiles[p].Name, x)
	}
	return strings.Join(parts, ", ")
}

func settlePrint(w io.Writer, s *settle.Space, st *settle.Settlement, all bool, im *settle.Improvement, elapsed time.Duration) error {
	f := st.Frontier
	fmt.Fprintf(w, "domain %s: %d issues, %s packages\n", s.Domain.Name, len(s.Domain.Issues), s.Size())
	for p, pr := range s.Profiles {
		best, ub := s.Best(p)
		worst, uw := s.Worst(p)
		extra := ""
		if s.Disagreement(p) != s.Reservation(p) {
			extra = fmt.Sprintf(", disagreement %.4f", s.Disagreement(p))
		}
		fmt.Fprintf(w, "party %s: reservation %.4f%s\n", pr.Name, s.Reservation(p), extra)
		fmt.Fprintf(w, "  best  %.4f  %s\n", ub, s.Domain.FormatPackage(best))
		fmt.Fprintf(w, "  worst %.4f  %s\n", uw, s.Domain.FormatPackage(worst))
	}
	packages := fmt.Sprintf("%d packages", f.Packages())
	if f.Packages() == 0 && f.Len() > 0 {
		packages = "packages not counted"
	}
	how := f.Method
	if f.Method == "branch-and-bound" {
		how = fmt.Sprintf("%s, %d nodes", f.Method, f.Nodes)
	}
	fmt.Fprintf(w, "Pareto frontier (%s, %s): %d points, %s, %d individually rational\n", how, elapsed.Round(time.Microsecond), f.Len(), packages, st.Rational)
	if f.Exact {
		if f.Method == "branch-and-bound" {
			fmt.Fprintln(w, "proven exact: the search finished, and every subtree it cut off was shown unable to add a point")
		}
	} else {
		fmt.Fprintf(w, "NOT proven exact: the time budget ran out; for every package, some point found is at most %.6f below it in each party's utility\n", f.Gap)
		fmt.Fprintln(w, "the solutions below are the best among the points found")
	}
	if st.NoAgreement {
		fmt.Fprintln(w, "no agreement: no package gives every party at least its reservation value")
	} else {
		fmt.Fprintf(w, "ideal point: %s\n\n", settleUtils(s, st.Ideal))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprint(tw, "solution")
		for _, pr := range s.Profiles {
			fmt.Fprintf(tw, "\t%s", pr.Name)
		}
		fmt.Fprintln(tw, "\tpackage")
		for _, sol := range []struct {
			name string
			o    *settle.Outcome
		}{{"nash", st.Nash}, {"kalai-smorodinsky", st.KalaiSmorodinsky}, {"egalitarian", st.Egalitarian}, {"utilitarian", st.Utilitarian}} {
			settleRow(tw, s, sol.name, sol.o)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if all {
		fmt.Fprintln(w, "\nfrontier:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprint(tw, "#")
		for _, pr := range s.Profiles {
			fmt.Fprintf(tw, "\t%s", pr.Name)
		}
		fmt.Fprintln(tw, "\tpackages\trational\tpackage")
		for i := range f.Points {
			pt := &f.Points[i]
			fmt.Fprintf(tw, "%d", i+1)
			for _, x := range pt.Utilities {
				fmt.Fprintf(tw, "\t%.4f", x)
			}
			ir := "no"
			if settleRational(s, pt.Utilities) {
				ir = "yes"
			}
			count := "-"
			if pt.Count > 0 {
				count = fmt.Sprint(pt.Count)
			}
			fmt.Fprintf(tw, "\t%s\t%s\t%s\n", count, ir, s.Domain.FormatPackage(pt.Package))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if im != nil {
		fmt.Fprintf(w, "\ntentative package: %s\n  utilities: %s\n", s.Domain.FormatPackage(im.Base.Package), settleUtils(s, im.Base.Utilities))
		if im.Optimal() {
			fmt.Fprintln(w, "  it is Pareto optimal: no package is better for one party without being worse for another")
			return nil
		}
		fmt.Fprintf(w, "  %d Pareto-optimal improvements; best Nash product of gains over it:\n", len(im.Improvements))
		fmt.Fprintf(w, "  %s\n  utilities: %s\n", s.Domain.FormatPackage(im.Nash.Package), settleUtils(s, im.Nash.Utilities))
		if all {
			for i := range im.Improvements {
				o := &im.Improvements[i]
				fmt.Fprintf(w, "  - %s: %s\n", settleUtils(s, o.Utilities), s.Domain.FormatPackage(o.Package))
			}
		}
	}
	return nil
}

func settleRow(tw io.Writer, s *settle.Space, name string, o *settle.Outcome) {
	fmt.Fprint(tw, name)
	for _, x := range o.Utilities {
		fmt.Fprintf(tw, "\t%.4f", x)
	}
	fmt.Fprintf(tw, "\t%s\n", s.Domain.FormatPackage(o.Package))
}
