package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"parley/settle"
)

// runSettleElicit runs "parley settle elicit": it asks which of two
// packages the party prefers, a number of times, and prints the profile
// its answers suggest with a confidence per weight.
func runSettleElicit(m *Main, args []string) error {
	fs := m.newFlagSet("settle elicit", "--domain D [--questions N] [--answers-from PROFILE] [--to yaml|json|genius|geniusweb]")
	domain := fs.String("domain", "", "domain `file`")
	questions := fs.Int("questions", 20, "number of questions")
	from := fs.String("answers-from", "", "answer from this profile `file` instead of asking (to try the method)")
	to := fs.String("to", "yaml", "format of the estimated profile: yaml, json, genius or geniusweb")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := settle.Format(*to)
	switch {
	case fs.NArg() > 0:
		return usageError(m, fs, "unexpected argument %q", fs.Arg(0))
	case *domain == "":
		return usageError(m, fs, "--domain is required")
	case *questions < 0 || *questions > 1000:
		return usageError(m, fs, "--questions must be in 0..1000")
	case settleExt[f] == "":
		return usageError(m, fs, "--to must be yaml, json, genius or geniusweb")
	}
	data, err := os.ReadFile(*domain)
	if err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	d, err := settle.ReadDomain(*domain, data)
	if err != nil {
		return err
	}
	var truth *settle.Space
	if *from != "" {
		if truth, err = settleLoad(*domain, []string{*from}); err != nil {
			return err
		}
	}
	e, err := settle.NewElicitor(d, *seed)
	if err != nil {
		return err
	}
	in := bufio.NewScanner(m.Stdin)
ask:
	for q := 1; q <= *questions; q++ {
		a, b := e.Next()
		var preferA bool
		if truth != nil {
			preferA = truth.Utility(0, a) >= truth.Utility(0, b)
		} else {
			fmt.Fprintf(m.Stdout, "question %d of %d: which package do you prefer?\n  1: %s\n  2: %s\n", q, *questions, d.FormatPackage(a), d.FormatPackage(b))
			for {
				fmt.Fprint(m.Stdout, "answer 1 or 2 (q to stop): ")
				if !in.Scan() {
					fmt.Fprintln(m.Stdout)
					break ask
				}
				switch strings.TrimSpace(in.Text()) {
				case "1":
					preferA = true
				case "2":
					preferA = false
				case "q", "Q":
					break ask
				default:
					continue
				}
				break
			}
		}
		if err := e.Answer(a, b, preferA); err != nil {
			return err
		}
	}
	est := e.Estimate()
	fmt.Fprintf(m.Stdout, "estimated weights after %d answers (mean, standard deviation, 90%% interval):\n", est.Questions)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	for _, w := range est.Weights {
		fmt.Fprintf(tw, "  %s\t%.3f\t± %.3f\t[%.3f, %.3f]\n", w.Issue, w.Mean, w.StdDev, w.Low, w.High)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if truth != nil {
		fmt.Fprintf(m.Stdout, "the estimate orders %.0f%% of random package pairs as %s does\n", 100*settleAgreement(d, truth.Profiles[0], est.Profile), *from)
	}
	fmt.Fprintln(m.Stdout)
	return settle.WriteProfile(m.Stdout, est.Profile, d, f)
}

// settleAgreement is the share of 1000 random package pairs that two
// profiles order alike (pairs the first finds equal are skipped).
func settleAgreement(d *settle.Domain, truth, est *settle.Profile) float64 {
	s, err := settle.New(d, truth, est)
	if err != nil {
		return 0
	}
	e, _ := settle.NewElicitor(d, 99)
	same, n := 0, 0
	for range 1000 {
		a, b := e.RandomPair()
		dt := s.Utility(0, a) - s.Utility(0, b)
		if dt == 0 {
			continue
		}
		n++
		if dt*(s.Utility(1, a)-s.Utility(1, b)) > 0 {
			same++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(same) / float64(n)
}
