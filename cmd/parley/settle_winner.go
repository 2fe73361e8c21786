package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"parley/settle"
)

// settleWinnerItem is one item of the Adjusted Winner JSON report.
type settleWinnerItem struct {
	Name   string     `json:"name"`
	Points [2]float64 `json:"points"`
	Share  [2]float64 `json:"share"`
}

// settleWinnerJSON is the JSON report of "parley settle winner --json".
type settleWinnerJSON struct {
	Parties    [2]string          `json:"parties"`
	Items      []settleWinnerItem `json:"items"`
	Points     [2]float64         `json:"points"`
	Split      string             `json:"split,omitempty"`
	SplitShare string             `json:"split_share_first,omitempty"`
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
		return usageError(m, fs, "want exactly one POINTS file")
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
		out := settleWinnerJSON{Parties: names, Points: d.Points, SplitShare: d.SplitShare, Items: []settleWinnerItem{}}
		for i, it := range a.Items {
			out.Items = append(out.Items, settleWinnerItem{it.Name, it.Points, [2]float64{d.Share[i], 1 - d.Share[i]}})
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
