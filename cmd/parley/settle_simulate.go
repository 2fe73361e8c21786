package main

import (
	"context"
	"fmt"
	"time"

	"parley/settle"
)

// settleSimJSON is the JSON report of "parley settle simulate --json".
type settleSimJSON struct {
	Protocol         settle.Protocol `json:"protocol"`
	Agents           []string        `json:"agents"`
	Agreement        bool            `json:"agreement"`
	Outcome          *settleOutcome  `json:"outcome"`
	AcceptedBy       string          `json:"accepted_by,omitempty"`
	Rounds           int             `json:"rounds"`
	Offers           int             `json:"offers"`
	FrontierDistance float64         `json:"frontier_distance"`
	NashDistance     *float64        `json:"nash_distance,omitempty"`
	Nash             *settleOutcome  `json:"nash,omitempty"`
	Seconds          float64         `json:"seconds"`
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
		return usageError(m, fs, "need exactly two --profile and two --agent flags, a positive --rounds and no other arguments")
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
		return settleWriteJSON(m.Stdout, settleSimJSON{res.Protocol, res.Agents[:], res.Agreement, settleOut(s, &res.Outcome), settleAccepter(s, res), res.Rounds, res.Offers,
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
