package main

import (
	"context"
	"fmt"
)

func init() {
	register("demo", "load the seed scenario into a data directory", runDemo)
}

func runDemo(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("demo", "[--data DIR] [--db URL] [--ledger-key-file FILE]")
	d := deploymentFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "parley demo: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	a, err := d.open(ctx, "", true)
	if err != nil {
		return err
	}
	defer a.Close()
	return loadDemo(ctx, m, a)
}
