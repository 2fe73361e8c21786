package settle

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Strategy decides what utility an agent asks for as the deadline
// approaches. The protocol turns the target into a bid: the package with
// the lowest utility for the agent that still meets the target.
type Strategy interface {
	// Name describes the strategy, e.g. "boulware(e=0.2)".
	Name() string
	// Target returns the utility the agent aims for at normalised time t
	// in [0,1], given what it has seen.
	Target(t float64, v *View) float64
}

// View is what an agent knows when choosing its target.
type View struct {
	// Max is the agent's best utility among the bids it can make.
	Max float64
	// Min is the lowest utility it will ever ask for: its reservation
	// value or its worst bid, whichever is higher.
	Min float64
	// Last is the agent's previous target (Max before its first move).
	Last float64
	// OpponentOffers counts the offers received so far.
	OpponentOffers int
	// OpponentPrev and OpponentLast are the opponent's own utilities of
	// its last two offers (the simulator knows both profiles, so agents
	// have a perfect opponent model).
	OpponentPrev, OpponentLast float64
}

// TimeDependent concedes with time: target(t) = Min + (Max-Min)·(1 - t^(1/E)).
// E < 1 is Boulware (holds firm until late), E = 1 linear, E > 1 Conceder.
type TimeDependent struct {
	// E is the concession exponent; it must be positive.
	E float64
}

// Name implements Strategy.
func (a TimeDependent) Name() string {
	kind := "linear"
	switch {
	case a.E < 1:
		kind = "boulware"
	case a.E > 1:
		kind = "conceder"
	}
	return kind + "(e=" + formatFloat(a.E) + ")"
}

// Target implements Strategy.
func (a TimeDependent) Target(t float64, v *View) float64 {
	var f float64
	switch {
	case t <= 0:
		f = 0
	case t >= 1:
		f = 1
	case a.E == 1:
		f = t
	default:
		f = math.Pow(t, 1/a.E)
	}
	return v.Min + (v.Max-v.Min)*(1-f)
}

// TitForTat is relative tit-for-tat: it concedes in the same proportion as
// the opponent's last concession, measured in the opponent's own utility,
// starting from its best bid.
type TitForTat struct{}

// Name implements Strategy.
func (TitForTat) Name() string { return "tit-for-tat" }

// Target implements Strategy.
func (TitForTat) Target(_ float64, v *View) float64 {
	if v.OpponentOffers < 2 || v.OpponentPrev <= 0 {
		return v.Last
	}
	return min(max(v.Last*v.OpponentLast/v.OpponentPrev, v.Min), v.Max)
}

// Boulware, Linear and Conceder are the usual time-dependent agents.
var (
	// Boulware concedes little until close to the deadline (e = 0.2).
	Boulware = TimeDependent{E: 0.2}
	// Linear concedes at a constant rate (e = 1).
	Linear = TimeDependent{E: 1}
	// Conceder concedes early (e = 2).
	Conceder = TimeDependent{E: 2}
)

// ParseStrategy reads a strategy name: "boulware", "linear", "conceder",
// "tft" (or "tit-for-tat"), optionally with an exponent for the
// time-dependent ones ("boulware:0.1", "conceder:5", "time:0.5").
func ParseStrategy(spec string) (Strategy, error) {
	name, arg, hasArg := strings.Cut(strings.ToLower(strings.TrimSpace(spec)), ":")
	var st TimeDependent
	switch name {
	case "boulware":
		st = Boulware
	case "linear":
		st = Linear
	case "conceder":
		st = Conceder
	case "time":
		if !hasArg {
			return nil, fmt.Errorf("settle: agent %q: time needs an exponent, e.g. time:0.5", spec)
		}
	case "tft", "tit-for-tat", "titfortat":
		if hasArg {
			return nil, fmt.Errorf("settle: agent %q: tit-for-tat takes no parameter", spec)
		}
		return TitForTat{}, nil
	default:
		return nil, fmt.Errorf("settle: unknown agent %q (want boulware, linear, conceder, time:E or tft)", spec)
	}
	if hasArg {
		e, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(e > 0) || math.IsInf(e, 0) {
			return nil, fmt.Errorf("settle: agent %q: exponent must be a positive number", spec)
		}
		st.E = e
	}
	return st, nil
}
