package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"parley/settle"
)

// settleScoreJSON is one agent's line in the tournament JSON report.
type settleScoreJSON struct {
	Agent                string   `json:"agent"`
	Sessions             int      `json:"sessions"`
	Agreements           int      `json:"agreements"`
	AgreementRate        float64  `json:"agreement_rate"`
	MeanUtility          float64  `json:"mean_utility"`
	MeanNashDistance     *float64 `json:"mean_nash_distance,omitempty"`
	MeanFrontierDistance float64  `json:"mean_frontier_distance"`
	MeanSocialWelfare    float64  `json:"mean_social_welfare"`
}

// settleSessionJSON is one negotiation in the tournament JSON report.
type settleSessionJSON struct {
	Scenario         string    `json:"scenario"`
	Agents           []string  `json:"agents"`
	Agreement        bool      `json:"agreement"`
	Round            int       `json:"round"`
	Time             float64   `json:"time"`
	Offers           int       `json:"offers"`
	Utilities        []float64 `json:"utilities"`
	Discounted       []float64 `json:"discounted_utilities"`
	SocialWelfare    float64   `json:"social_welfare"`
	NashDistance     *float64  `json:"nash_distance,omitempty"`
	FrontierDistance float64   `json:"frontier_distance"`
}

// settleTournamentJSON is the JSON report of "parley settle tournament".
type settleTournamentJSON struct {
	Scenarios       []string            `json:"scenarios"`
	Rounds          int                 `json:"rounds"`
	Scores          []settleScoreJSON   `json:"scores"`
	Sessions        []settleSessionJSON `json:"sessions"`
	Offers          int64               `json:"offers"`
	Seconds         float64             `json:"seconds"`
	OffersPerSecond float64             `json:"offers_per_second"`
}

func finite(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// runSettleTournament runs "parley settle tournament".
func runSettleTournament(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("settle tournament", "[flags] DIR\n\n"+
		"DIR holds one scenario per subdirectory (or is itself one scenario): a domain file\n"+
		"named domain.* or *domain.* and two or three profile files (Genius XML, GeniusWeb\n"+
		"JSON or parley YAML/JSON; a pareto.xml is ignored).")
	var agents settleList
	fs.Var(&agents, "agent", "agent to enter (repeat; default boulware, linear, conceder and tft): boulware, linear, conceder, time:E, tft")
	rounds := fs.Int("rounds", 1000, "deadline in rounds")
	sample := fs.Int("sample", 1000, "random packages agents may bid besides the Pareto frontier (0: none)")
	seed := fs.Uint64("seed", 1, "seed for the sample")
	budget := fs.Duration("budget", time.Minute, "time limit for each non-linear scenario's exact frontier")
	asCSV := fs.Bool("csv", false, "print the scores as CSV")
	asJSON := fs.Bool("json", false, "print scores and sessions as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar (it is drawn only when standard error is a terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return usageError(m, fs, "want exactly one scenario directory")
	case *rounds <= 0:
		return usageError(m, fs, "--rounds must be positive")
	case *sample < 0 || *budget < 0:
		return usageError(m, fs, "--sample and --budget must not be negative")
	case *asCSV && *asJSON:
		return usageError(m, fs, "--csv and --json exclude each other")
	}
	var strat []settle.Strategy
	for _, a := range agents {
		st, err := settle.ParseStrategy(a)
		if err != nil {
			return err
		}
		strat = append(strat, st)
	}
	if len(strat) == 0 {
		strat = settle.BuiltinAgents()
	}
	scs, err := settleScenarios(fs.Arg(0))
	if err != nil {
		return err
	}
	s := *sample
	if s == 0 {
		s = -1 // none
	}
	cfg := settle.TournamentConfig{Agents: strat, Rounds: *rounds, Sample: s, Seed: *seed, Budget: *budget}
	if f, ok := m.Stderr.(*os.File); ok && !*quiet {
		// Only a terminal gets the bar: a log file would fill with it.
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			bar := &progressBar{w: m.Stderr}
			cfg.Progress = bar.update
		}
	}
	res, err := settle.RunTournament(ctx, scs, cfg)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return settleWriteJSON(m.Stdout, tournamentJSON(scs, *rounds, res))
	case *asCSV:
		return tournamentCSV(m.Stdout, res)
	}
	return tournamentTable(m.Stdout, scs, strat, res)
}

// progressBar draws "[#####.....] 12/48 sessions" on one line.
type progressBar struct {
	w    io.Writer
	last int
}

func (b *progressBar) update(done, total int) {
	const width = 30
	filled := done * width / total
	if filled == b.last && done != total && done != 1 {
		return
	}
	b.last = filled
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d sessions", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
	if done == total {
		fmt.Fprintln(b.w)
	}
}

// settleScenarios loads the scenarios under dir: one per subdirectory, or
// dir itself when it has none.
func settleScenarios(dir string) ([]*settle.Scenario, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("settle: tournament: %w", err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, filepath.Join(dir, e.Name()))
		}
	}
	if len(dirs) == 0 {
		dirs = []string{dir}
	}
	var out []*settle.Scenario
	for _, d := range dirs {
		sc, err := settleScenario(d)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// settleScenario loads one scenario directory.
func settleScenario(dir string) (*settle.Scenario, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("settle: tournament: %w", err)
	}
	var domain string
	var profiles []string
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || strings.HasPrefix(name, ".") || !slices.Contains([]string{".xml", ".json", ".yaml", ".yml"}, ext) {
			continue
		}
		base := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
		switch {
		case base == "pareto":
		case strings.HasSuffix(base, "domain"):
			if domain != "" {
				return nil, fmt.Errorf("settle: tournament: %s: two domain files, %s and %s", dir, filepath.Base(domain), name)
			}
			domain = filepath.Join(dir, name)
		default:
			profiles = append(profiles, filepath.Join(dir, name))
		}
	}
	if domain == "" {
		return nil, fmt.Errorf("settle: tournament: %s: no domain file (name it domain.xml, domain.yaml, ... or *_domain.*)", dir)
	}
	if len(profiles) < 2 || len(profiles) > 3 {
		return nil, fmt.Errorf("settle: tournament: %s: %d profile files, want 2 or 3", dir, len(profiles))
	}
	s, err := settleLoad(domain, profiles)
	if err != nil {
		return nil, err
	}
	return &settle.Scenario{Name: filepath.Base(dir), Space: s}, nil
}

func tournamentJSON(scs []*settle.Scenario, rounds int, res *settle.TournamentResult) *settleTournamentJSON {
	out := &settleTournamentJSON{Rounds: rounds, Offers: res.Offers, Seconds: res.Elapsed.Seconds(),
		Scenarios: []string{}, Scores: []settleScoreJSON{}, Sessions: []settleSessionJSON{}}
	if s := res.Elapsed.Seconds(); s > 0 {
		out.OffersPerSecond = float64(res.Offers) / s
	}
	for _, sc := range scs {
		out.Scenarios = append(out.Scenarios, sc.Name)
	}
	for _, a := range res.Scores {
		out.Scores = append(out.Scores, settleScoreJSON{a.Agent, a.Sessions, a.Agreements, a.AgreementRate, a.MeanUtility,
			finite(a.MeanNashDistance), a.MeanFrontierDistance, a.MeanWelfare})
	}
	for _, s := range res.Sessions {
		out.Sessions = append(out.Sessions, settleSessionJSON{s.Scenario, s.Agents, s.Agreement, s.Round, s.Time, s.Offers,
			s.Utilities, s.Discounted, s.Welfare, finite(s.NashDistance), s.FrontierDistance})
	}
	return out
}

func tournamentCSV(w io.Writer, res *settle.TournamentResult) error {
	cw := csv.NewWriter(w)
	f := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', 6, 64)
	}
	cw.Write([]string{"agent", "sessions", "agreements", "agreement_rate", "mean_utility", "mean_nash_distance", "mean_frontier_distance", "mean_social_welfare"})
	for _, a := range res.Scores {
		cw.Write([]string{a.Agent, strconv.Itoa(a.Sessions), strconv.Itoa(a.Agreements), f(a.AgreementRate), f(a.MeanUtility),
			f(a.MeanNashDistance), f(a.MeanFrontierDistance), f(a.MeanWelfare)})
	}
	cw.Flush()
	return cw.Error()
}

func tournamentTable(w io.Writer, scs []*settle.Scenario, agents []settle.Strategy, res *settle.TournamentResult) error {
	rate := 0.0
	if s := res.Elapsed.Seconds(); s > 0 {
		rate = float64(res.Offers) / s
	}
	fmt.Fprintf(w, "tournament: %d scenarios, %d agents, %d sessions, %d offers in %s (%.1f M offers/s)\n\n",
		len(scs), len(agents), len(res.Sessions), res.Offers, res.Elapsed.Round(time.Millisecond), rate/1e6)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "agent\tsessions\tagreements\tmean utility\tNash distance\tfrontier distance\tsocial welfare")
	for _, a := range res.Scores {
		nash := "-"
		if !math.IsNaN(a.MeanNashDistance) {
			nash = fmt.Sprintf("%.4f", a.MeanNashDistance)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%.4f\t%s\t%.4f\t%.4f\n", a.Agent, a.Sessions, 100*a.AgreementRate, a.MeanUtility, nash, a.MeanFrontierDistance, a.MeanWelfare)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nmean utility is discounted at the agreement time (reservation value, discounted at the deadline, without agreement);")
	fmt.Fprintln(w, "distances are in undiscounted utility space; social welfare sums every party's discounted utility.")
	return nil
}
