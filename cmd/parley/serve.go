package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	parleyhttp "parley/http"
	"parley/scenario"
)

func init() {
	register("serve", "run the server (pages, JSON API, live events)", runServe)
}

// demoPassword is the password of every demo login; printed by serve --demo.
const demoPassword = "parley-demo-2024"

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("serve", "[--addr HOST:PORT] [--data DIR] [--db URL] [--ledger-key-file FILE] [--demo] [--origin NAME] [--max-db-size BYTES] [--trusted-proxy CIDR] [--alerts-every DURATION] [--debug-addr HOST:PORT]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	d := deploymentFlags(fs)
	demo := fs.Bool("demo", false, "load the seed scenario (once), print its logins and fix the clock at the scenario's day")
	origin := fs.String("origin", "", "ledger origin naming this deployment, fixed at first start (default \""+defaultOrigin+"\")")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (when served over TLS)")
	var proxies []netip.Prefix
	fs.Func("trusted-proxy", "a reverse proxy's address or `CIDR` (repeatable): sign-in limits then count the client address it sends in X-Forwarded-For", func(v string) error {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, err2 := netip.ParseAddr(v)
			if err2 != nil {
				return err
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		proxies = append(proxies, p)
		return nil
	})
	fs.Int64Var(&d.maxSize, "max-db-size", 0, "cap the SQLite database at this many `bytes` (0: no cap); past it, writes answer 507 storage_full and reads go on")
	sec := securityFlags(fs)
	alertsEvery := fs.Duration("alerts-every", time.Minute, "how often deadline alerts that came due are fired (each once, on one node; at start, those missed while stopped fire late)")
	debugAddr := fs.String("debug-addr", "", "serve Go profiles (/debug/pprof/) and the process's CPU, memory, goroutines and open files (/debug/process) on this loopback `address`, apart from the public one (e.g. 127.0.0.1:6060; they have no sign-in, so other addresses are refused; default: off)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "parley serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *alertsEvery <= 0 {
		fmt.Fprintln(m.Stderr, "parley serve: --alerts-every must be positive")
		return errUsage
	}
	d.log = slog.New(slog.NewTextHandler(m.Stderr, nil))
	a, err := d.open(ctx, *origin, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		if err := loadDemo(ctx, m, a); err != nil {
			return err
		}
		// The demo's "today" is its article's day, so that its figures
		// (425 days in captivity, 46 days to the inauguration) hold.
		today, ok, err := scenario.Today(ctx, a.talks)
		if err != nil {
			return err
		}
		if ok {
			a.talks.Now = func() time.Time { return today }
			fmt.Fprintf(m.Stdout, "the demo's clock is fixed at %s, the day of its article\n", today.Format(time.RFC3339))
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := parleyhttp.NewServer(a.talks, a.auth)
	srv.SecureCookies = *secure
	srv.TrustedProxies = proxies
	srv.Log = d.log
	stopSealer, err := sec.apply(ctx, a, srv, ln.Addr(), *demo)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopSealer()
	// Deadline alerts fire by the service clock; the scheduler stops
	// before the store closes.
	actx, stopAlerts := context.WithCancel(ctx)
	alertsDone := make(chan struct{})
	go func() { a.talks.RunAlerts(actx, *alertsEvery, srv.Log); close(alertsDone) }()
	defer func() { stopAlerts(); <-alertsDone }()
	if *debugAddr != "" {
		da, err := startDebug(ctx, *debugAddr)
		if err != nil {
			return fmt.Errorf("debug listener: %w", err)
		}
		fmt.Fprintf(m.Stdout, "parley debug endpoints on http://%s/debug/\n", da)
	}
	fmt.Fprintf(m.Stdout, "parley listening on http://%s (data in %s, ledger origin %s)\n", ln.Addr(), d.where(), a.signer.Origin())
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
		return fmt.Errorf("--demo: this deployment holds other data; the demo, whose password is public, loads only into a new one (use --data with an empty directory, or an empty --db)")
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
