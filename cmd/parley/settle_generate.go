package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"parley/settle"
)

// settleExt is the file extension written for each format.
var settleExt = map[settle.Format]string{settle.Genius: ".xml", settle.GeniusWeb: ".json", settle.JSON: ".json", settle.YAML: ".yaml"}

// runSettleGenerate runs "parley settle generate": random scenario
// directories for tournaments, tests and benchmarks.
func runSettleGenerate(m *Main, args []string) error {
	fs := m.newFlagSet("settle generate", "--out DIR [flags]")
	out := fs.String("out", "", "directory to create the scenarios in (one subdirectory each)")
	kind := fs.String("kind", "linear", "linear (additive profiles) or nonlinear (ANAC 2014-shaped hyper-rectangles)")
	parties := fs.Int("parties", 2, "number of parties (2 or 3)")
	issues := fs.Int("issues", 5, "number of issues")
	values := fs.Int("values", 10, "options (linear) or integer values (nonlinear) per issue")
	rects := fs.Int("rectangles", 0, "rectangles per nonlinear profile (0: twice the issues)")
	opposed := fs.Bool("opposed", true, "linear: the second party's scores oppose the first's")
	reservation := fs.Bool("reservation", false, "nonlinear: reservation values in [0.3, 0.7) (linear profiles always get one in [0, 0.3))")
	discount := fs.Bool("discount", false, "discount factors drawn from [0.5, 1)")
	count := fs.Int("count", 1, "number of scenarios")
	seed := fs.Uint64("seed", 1, "random seed")
	format := fs.String("format", "genius", "file format: genius (XML), geniusweb, yaml or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := settle.Format(*format)
	switch {
	case fs.NArg() > 0:
		return usageError(m, fs, "unexpected argument %q", fs.Arg(0))
	case *out == "":
		return usageError(m, fs, "--out is required")
	case *kind != "linear" && *kind != "nonlinear":
		return usageError(m, fs, "--kind must be linear or nonlinear")
	case *parties < 2 || *parties > 3:
		return usageError(m, fs, "--parties must be 2 or 3")
	case *issues < 1 || *issues > 1000 || *values < 1 || *values > 1000 || *count < 1 || *count > 10000 || *rects < 0 || *rects > settle.MaxRectangles:
		return usageError(m, fs, "--issues and --values must be in 1..1000, --count in 1..10000, --rectangles in 0..%d", settle.MaxRectangles)
	case settleExt[f] == "":
		return usageError(m, fs, "unknown --format %q", *format)
	}
	r := rand.New(rand.NewPCG(*seed, 0x6e6e))
	for k := range *count {
		var d *settle.Domain
		var ps []*settle.Profile
		if *kind == "linear" {
			d, ps = settle.Generate(r, *parties, *issues, *values, *opposed)
			if *discount {
				for _, p := range ps {
					p.Discount = 0.5 + 0.5*r.Float64()
				}
			}
		} else {
			d, ps = settle.GenerateNonlinear(r, settle.NonlinearConfig{Issues: *issues, Values: *values, Rectangles: *rects,
				Parties: *parties, Reservation: *reservation, Discount: *discount})
		}
		dir := filepath.Join(*out, fmt.Sprintf("%s-%d", d.Name, k+1))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("settle: generate: %w", err)
		}
		var buf bytes.Buffer
		if err := settle.WriteDomain(&buf, d, f); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "domain"+settleExt[f]), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("settle: generate: %w", err)
		}
		for i, p := range ps {
			buf.Reset()
			if err := settle.WriteProfile(&buf, p, d, f); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("profile-%d%s", i+1, settleExt[f])), buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("settle: generate: %w", err)
			}
		}
		fmt.Fprintln(m.Stdout, dir)
	}
	return nil
}

// runSettleConvert runs "parley settle convert": a domain, or a profile
// over it, written in another format.
func runSettleConvert(m *Main, args []string) error {
	fs := m.newFlagSet("settle convert", "--to FORMAT --domain D [--profile P]")
	to := fs.String("to", "", "format to write: genius (XML), geniusweb, yaml or json")
	domain := fs.String("domain", "", "domain `file` (defaults to the domain inside the profile)")
	profile := fs.String("profile", "", "profile `file` to convert; without it the domain is converted")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := settle.Format(*to)
	switch {
	case fs.NArg() > 0:
		return usageError(m, fs, "unexpected argument %q", fs.Arg(0))
	case settleExt[f] == "":
		return usageError(m, fs, "--to must be genius, geniusweb, yaml or json")
	case *domain == "" && *profile == "":
		return usageError(m, fs, "give --domain, --profile or both")
	}
	path := *domain
	if path == "" {
		path = *profile
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	d, err := settle.ReadDomain(path, data)
	if err != nil {
		return err
	}
	if *profile == "" {
		return settle.WriteDomain(m.Stdout, d, f)
	}
	if data, err = os.ReadFile(*profile); err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	p, err := settle.ReadProfile(*profile, data, d)
	if err != nil {
		return err
	}
	return settle.WriteProfile(m.Stdout, p, d, f)
}
