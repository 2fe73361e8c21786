package main

import (
	"context"
	"fmt"

	"parley"
)

func init() {
	register("export", "write a member's ledger bundle for offline verification", runExport)
}

func runExport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("export", "--user NAME [--data DIR] [--db URL] [--ledger-key-file FILE] [--cosigned N] > bundle.json")
	d := deploymentFlags(fs)
	user := fs.String("user", "", "the member whose visible events to export")
	cosignedMin := fs.Int("cosigned", 0, "prove against the newest checkpoint with at least `N` witness cosignatures (0: the latest)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *user == "" {
		fmt.Fprintln(m.Stderr, "parley export: --user NAME is required")
		return errUsage
	}
	a, err := d.open(ctx, "", false)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.talks.User(ctx, nil, *user)
	if err != nil {
		return fmt.Errorf("export: %s", parley.ErrorDetail(err))
	}
	b, err := a.talks.BundleCosigned(ctx, u, *cosignedMin)
	if err != nil {
		return fmt.Errorf("export: %s", parley.ErrorDetail(err))
	}
	return b.WriteJSON(m.Stdout)
}
