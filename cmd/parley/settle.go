package main

import (
	"context"
	"encoding/json"
	"errors"
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

// runSettle dispatches "parley settle", "parley settle simulate" and
// "parley settle winner".
func runSettle(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "simulate":
			return runSettleSimulate(ctx, m, args[1:])
		case "winner":
			return runSettleWinner(m, args[1:])
		}
	}
	fs := m.newFlagSet("settle", "--domain D.json --profile A.json --profile B.json [flags]\n"+
		"       parley settle simulate --domain D.json --profile A.json --profile B.json --agent boulware --agent conceder [flags]\n"+
		"       parley settle winner [--json] POINTS.yaml")
	var profiles settleList
	domain := fs.String("domain", "", "domain `file` (parley YAML/JSON or GeniusWeb JSON); defaults to the domain inside a GeniusWeb profile")
	fs.Var(&profiles, "profile", "profile `file` of one party (repeat: one per party, in party order)")
	asJSON := fs.Bool("json", false, "print JSON")
	frontier := fs.Bool("frontier", false, "print the whole Pareto frontier")
	improve := fs.String("improve", "", "tentative package `file`: list the Pareto improvements over it")
	enumerate := fs.Bool("enumerate", false, "compute the frontier by enumerating every package (slow; a cross-check)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "parley settle: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	s, err := settleLoad(*domain, profiles)
	if err != nil {
		if errors.Is(err, errUsage) {
			fs.Usage()
		}
		return err
	}
	var f *settle.Frontier
	if *enumerate {
		f, err = s.ParetoByEnumeration(ctx)
	} else {
		f, err = s.Pareto(ctx)
	}
	if err != nil {
		return err
	}
	st := s.Solve(f)
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
		return settleWriteJSON(m.Stdout, settleReport(s, st, *frontier, im))
	}
	return settlePrint(m.Stdout, s, st, *frontier, im)
}

// settleLoad reads the domain and the profiles named on the command line.
func settleLoad(domainPath string, profiles []string) (*settle.Space, error) {
	if len(profiles) == 0 {
		return nil, fmt.Errorf("settle: at least one --profile is required: %w", errUsage)
	}
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
	out := &settleOutcome{Utilities: o.Utilities, Count: o.Count}
	if o.Package != nil {
		out.Package = s.Domain.Bid(o.Package)
	}
	return out
}

type settleParty struct {
	Name         string         `json:"name"`
	Reservation  float64        `json:"reservation"`
	Disagreement float64        `json:"disagreement"`
	Best         *settleOutcome `json:"best"`
	Worst        *settleOutcome `json:"worst"`
}

type settleJSON struct {
	Domain      string                    `json:"domain"`
	Issues      int                       `json:"issues"`
	Size        string                    `json:"size"`
	Parties     []settleParty             `json:"parties"`
	Method      string                    `json:"method"`
	Frontier    int                       `json:"frontierPoints"`
	Packages    uint64                    `json:"frontierPackages"`
	Rational    int                       `json:"rationalPoints"`
	NoAgreement bool                      `json:"noAgreement"`
	Ideal       []float64                 `json:"ideal,omitempty"`
	Solutions   map[string]*settleOutcome `json:"solutions,omitempty"`
	Points      []*settleOutcome          `json:"frontier,omitempty"`
	Improve     *settleImproveJSON        `json:"improve,omitempty"`
}

type settleImproveJSON struct {
	Base         *settleOutcome   `json:"base"`
	Optimal      bool             `json:"paretoOptimal"`
	Improvements []*settleOutcome `json:"improvements"`
	Nash         *settleOutcome   `json:"nash,omitempty"`
}

func settleUtil(s *settle.Space, pkg settle.Package) *settleOutcome {
	u, _ := s.Utilities(pkg)
	return &settleOutcome{Package: s.Domain.Bid(pkg), Utilities: u}
}

func settleReport(s *settle.Space, st *settle.Settlement, all bool, im *settle.Improvement) *settleJSON {
	f := st.Frontier
	r := &settleJSON{
		Domain: s.Domain.Name, Issues: len(s.Domain.Issues), Size: s.Size().String(),
		Method: f.Method, Frontier: f.Len(), Packages: f.Packages(), Rational: st.Rational,
		NoAgreement: st.NoAgreement, Ideal: st.Ideal,
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
		r.Solutions = map[string]*settleOutcome{
			"nash":             settleOut(s, st.Nash),
			"kalaiSmorodinsky": settleOut(s, st.KalaiSmorodinsky),
			"egalitarian":      settleOut(s, st.Egalitarian),
			"utilitarian":      settleOut(s, st.Utilitarian),
		}
	}
	if all {
		for i := range f.Points {
			o := settleOut(s, &f.Points[i])
			ir := settleRational(s, f.Points[i].Utilities)
			o.Rational = &ir
			r.Points = append(r.Points, o)
		}
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

func settlePrint(w io.Writer, s *settle.Space, st *settle.Settlement, all bool, im *settle.Improvement) error {
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
	fmt.Fprintf(w, "Pareto frontier (%s): %d points, %d packages, %d individually rational\n", f.Method, f.Len(), f.Packages(), st.Rational)
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
			fmt.Fprintf(tw, "\t%d\t%s\t%s\n", pt.Count, ir, s.Domain.FormatPackage(pt.Package))
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

// runSettleSimulate runs "parley settle simulate".
func runSettleSimulate(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("settle simulate", "--domain D.json --profile A.json --profile B.json --agent boulware --agent conceder [flags]")
	var profiles, agents settleList
	domain := fs.String("domain", "", "domain `file`; defaults to the domain inside a GeniusWeb profile")
	fs.Var(&profiles, "profile", "profile `file` (give two)")
	fs.Var(&agents, "agent", "agent for each party, in order: boulware, linear, conceder, time:E, tft (give two)")
	rounds := fs.Int("rounds", 1000, "deadline in rounds")
	limit := fs.Duration("time", 0, "deadline in wall-clock time (overrides --rounds)")
	protocol := fs.String("protocol", string(settle.AlternatingOffers), "alternating-offers or single-text (mediator)")
	sample := fs.Int("sample", 0, "agents bid from this many random packages instead of the Pareto frontier")
	seed := fs.Uint64("seed", 1, "seed for --sample")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(profiles) != 2 || len(agents) != 2 || fs.NArg() > 0 || *rounds <= 0 || *sample < 0 || *limit < 0 {
		fmt.Fprintln(m.Stderr, "parley settle simulate: need exactly two --profile and two --agent flags, a positive --rounds and no other arguments")
		fs.Usage()
		return errUsage
	}
	var strat [2]settle.Strategy
	for i, a := range agents {
		st, err := settle.ParseStrategy(a)
		if err != nil {
			return err
		}
		strat[i] = st
	}
	proto := settle.Protocol(*protocol)
	if proto != settle.AlternatingOffers && proto != settle.SingleText {
		return fmt.Errorf("settle: unknown protocol %q (want %s or %s)", *protocol, settle.AlternatingOffers, settle.SingleText)
	}
	s, err := settleLoad(*domain, profiles)
	if err != nil {
		return err
	}
	st, err := s.Settle(ctx)
	if err != nil {
		return err
	}
	res, err := s.Simulate(ctx, st, settle.SimConfig{
		Agents: strat, Protocol: proto, Rounds: *rounds, Time: *limit, Sample: *sample, Seed: *seed,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return settleWriteJSON(m.Stdout, struct {
			Protocol         settle.Protocol `json:"protocol"`
			Agents           [2]string       `json:"agents"`
			Agreement        bool            `json:"agreement"`
			Outcome          *settleOutcome  `json:"outcome"`
			AcceptedBy       string          `json:"acceptedBy,omitempty"`
			Rounds           int             `json:"rounds"`
			Offers           int             `json:"offers"`
			FrontierDistance float64         `json:"frontierDistance"`
			NashDistance     *float64        `json:"nashDistance,omitempty"`
			Nash             *settleOutcome  `json:"nash,omitempty"`
			Seconds          float64         `json:"seconds"`
		}{res.Protocol, res.Agents, res.Agreement, settleOut(s, &res.Outcome), settleAccepter(s, res), res.Rounds, res.Offers,
			res.FrontierDistance, res.NashDistance, settleOut(s, st.Nash), res.Elapsed.Seconds()})
	}
	w := m.Stdout
	deadline := fmt.Sprintf("%d rounds", *rounds)
	if *limit > 0 {
		deadline = limit.String()
	}
	fmt.Fprintf(w, "%s: %s (%s) vs %s (%s), deadline %s\n", res.Protocol, s.Profiles[0].Name, res.Agents[0], s.Profiles[1].Name, res.Agents[1], deadline)
	if res.Agreement {
		by := "both parties (mediator's text)"
		if res.AcceptedBy >= 0 {
			by = s.Profiles[res.AcceptedBy].Name
		}
		fmt.Fprintf(w, "agreement after %d rounds (%d offers), accepted by %s\n", res.Rounds, res.Offers, by)
		fmt.Fprintf(w, "package: %s\n", s.Domain.FormatPackage(res.Outcome.Package))
	} else {
		fmt.Fprintf(w, "no agreement after %d rounds (%d offers); parties fall back to their disagreement values\n", res.Rounds, res.Offers)
	}
	fmt.Fprintf(w, "utilities: %s\n", settleUtils(s, res.Outcome.Utilities))
	fmt.Fprintf(w, "distance to the Pareto frontier: %.4f\n", res.FrontierDistance)
	if res.NashDistance != nil {
		fmt.Fprintf(w, "distance to the Nash point (%s): %.4f\n", settleUtils(s, st.Nash.Utilities), *res.NashDistance)
	} else {
		fmt.Fprintln(w, "no Nash point: no package gives every party at least its reservation value")
	}
	fmt.Fprintf(w, "time: %s\n", res.Elapsed.Round(time.Microsecond))
	return nil
}

func settleAccepter(s *settle.Space, res *settle.SimResult) string {
	if res.AcceptedBy < 0 {
		return ""
	}
	return s.Profiles[res.AcceptedBy].Name
}

// runSettleWinner runs "parley settle winner": Adjusted Winner on a points
// file.
func runSettleWinner(m *Main, args []string) error {
	fs := m.newFlagSet("settle winner", "[--json] POINTS.yaml")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	a, err := settle.ReadAllocation(path, data)
	if err != nil {
		return err
	}
	d, err := settle.AdjustedWinner(a.Items)
	if err != nil {
		return fmt.Errorf("%w (in %s)", err, path)
	}
	names := a.Parties
	for i := range names {
		if names[i] == "" {
			names[i] = fmt.Sprintf("party %d", i+1)
		}
	}
	if *asJSON {
		type item struct {
			Name   string     `json:"name"`
			Points [2]float64 `json:"points"`
			Share  [2]float64 `json:"share"`
		}
		out := struct {
			Parties    [2]string  `json:"parties"`
			Items      []item     `json:"items"`
			Points     [2]float64 `json:"points"`
			Split      string     `json:"split,omitempty"`
			SplitShare string     `json:"splitShareFirst,omitempty"`
		}{Parties: names, Points: d.Points, SplitShare: d.SplitShare}
		for i, it := range a.Items {
			out.Items = append(out.Items, item{it.Name, it.Points, [2]float64{d.Share[i], 1 - d.Share[i]}})
		}
		if d.Split >= 0 {
			out.Split = a.Items[d.Split].Name
		}
		return settleWriteJSON(m.Stdout, out)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "item\t%s points\t%s points\t%s share\t%s share\n", names[0], names[1], names[0], names[1])
	for i, it := range a.Items {
		note := ""
		if i == d.Split {
			note = "\t(split)"
		}
		fmt.Fprintf(tw, "%s\t%g\t%g\t%.4f\t%.4f%s\n", it.Name, it.Points[0], it.Points[1], d.Share[i], 1-d.Share[i], note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "each party gets %.4f of its own points\n", d.Points[0])
	if d.Split >= 0 {
		fmt.Fprintf(m.Stdout, "split item: %s, %s gets %s of it\n", a.Items[d.Split].Name, names[0], d.SplitShare)
	} else {
		fmt.Fprintln(m.Stdout, "no item needs splitting")
	}
	return nil
}
