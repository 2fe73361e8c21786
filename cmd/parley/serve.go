package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	parleyhttp "parley/http"
	"parley/scenario"
	"parley/sqlite"
)

func init() {
	register("serve", "run the server (pages, JSON API, live events)", runServe)
}

// demoPassword is the password of every demo login; printed by serve --demo.
const demoPassword = "parley-demo-2024"

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("serve", "[--addr HOST:PORT] [--data DIR] [--demo] [--origin NAME] [--max-db-size BYTES]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fs.String("data", "./parley-data", "data directory (SQLite database and ledger key)")
	demo := fs.Bool("demo", false, "load the seed scenario (once) and print its logins")
	origin := fs.String("origin", "", "ledger origin naming this deployment, fixed at first start (default \""+defaultOrigin+"\")")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (when served over TLS)")
	maxSize := fs.Int64("max-db-size", 0, "cap the database at this many `bytes` (0: no cap); past it, writes answer 507 storage_full and reads go on")
	sec := securityFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "parley serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	a, err := openApp(ctx, *data, *origin, true, sqlite.MaxSize(*maxSize))
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		if err := loadDemo(ctx, m, a); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := parleyhttp.NewServer(a.talks, a.auth)
	srv.SecureCookies = *secure
	srv.Log = slog.New(slog.NewTextHandler(m.Stderr, nil))
	stopSealer, err := sec.apply(ctx, a, srv, ln.Addr(), *demo)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopSealer()
	fmt.Fprintf(m.Stdout, "parley listening on http://%s (data in %s, ledger origin %s)\n", ln.Addr(), *data, a.signer.Origin())
	err = srv.Serve(ctx, ln)
	fmt.Fprintln(m.Stdout, "parley stopped")
	return err
}

// loadDemo loads the seed scenario and prints the demo logins. It refuses
// a data directory that holds anything but the demo.
func loadDemo(ctx context.Context, m *Main, a *app) error {
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		return err
	}
	res, err := scenario.Load(ctx, a.talks, f, demoPassword)
	if errors.Is(err, scenario.ErrNotEmpty) {
		return fmt.Errorf("--demo: this data directory holds other data; the demo, whose password is public, loads only into a new one (use --data with an empty directory)")
	}
	if err != nil {
		return err
	}
	if res.Loaded {
		fmt.Fprintf(m.Stdout, "loaded the seed scenario %q\n", f.Title)
	} else {
		fmt.Fprintf(m.Stdout, "the seed scenario %q is already loaded\n", f.Title)
	}
	fmt.Fprintf(m.Stdout, "demo logins (password %q):\n", demoPassword)
	for _, l := range res.Logins {
		fmt.Fprintf(m.Stdout, "  %-14s %-42s %s\n", l.Name, l.Display, l.Delegation)
	}
	return nil
}
