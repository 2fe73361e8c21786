package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"parley/auth"
	"parley/postgres"
)

func init() {
	register("bench", "measure the server over HTTP (posting, event streams, memory) against what the store alone does; --in-process for the service, ledger and settlement figures", runBench)
}

// benchResult is one measured figure of the in-process bench.
type benchResult struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline string  `json:"baseline,omitempty"`
	Ratio    float64 `json:"ratio,omitempty"`
}

// benchReport is what parley bench prints with --json.
type benchReport struct {
	Machine  benchMachine    `json:"machine"`
	Config   benchConfig     `json:"config"`
	Result   *httpResult     `json:"result"`
	Baseline *baselineResult `json:"baseline,omitempty"`
	// Fraction is the acknowledged messages per second over the
	// baseline's events per second.
	Fraction    float64  `json:"fraction_of_baseline,omitempty"`
	ServerError []string `json:"server_errors"`
}

// benchMachine describes where a run was made.
type benchMachine struct {
	CPUs      int     `json:"cpus"`
	GoVersion string  `json:"go_version"`
	LoadStart float64 `json:"load_average_start"`
	LoadEnd   float64 `json:"load_average_end"`
	Engine    string  `json:"engine"`
	Server    string  `json:"server"`
}

// benchConfig is a run's settings, as given.
type benchConfig struct {
	Parties     int     `json:"parties"`
	Posters     int     `json:"posters"`
	Subscribers int     `json:"subscribers"`
	Messages    int     `json:"messages,omitempty"`
	Duration    float64 `json:"duration_s,omitempty"`
	Rate        float64 `json:"rate,omitempty"`
	Size        int     `json:"text_bytes"`
	CatchUp     int     `json:"catch_up_clients,omitempty"`
	History     int     `json:"history,omitempty"`
	Slow        int     `json:"slow_subscribers,omitempty"`
}

func runBench(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("bench", "[--posters C] [--subscribers S] [--parties N] [--messages M | --duration D] [--rate R] [--db URL | --url URL --token T [--debug-url U]] [--json] | --in-process [--events N] [--writers K]")
	inProcess := fs.Bool("in-process", false, "measure through the service in this process instead (posting on one node and two, reads, bundles, settlement): the figures of earlier docs")
	db := fs.String("db", "", "PostgreSQL database `URL` to measure on, in a temporary schema dropped at the end (default: SQLite in a temporary directory)")
	target := fs.String("url", "", "measure a running server at this base `URL` instead of starting one (needs --token)")
	token := fs.String("token", "", "an administrator's bearer `token` for --url: the bench creates its accounts and talks with it")
	debugURL := fs.String("debug-url", "", "the --url server's debug listener (serve --debug-addr), for its CPU, memory and goroutines")
	var cfg httpConfig
	fs.IntVar(&cfg.parties, "parties", 4, "parties in the talks (each with a caucus and a head who posts in it)")
	fs.IntVar(&cfg.posters, "posters", 64, "concurrent posters, each on a connection of its own")
	fs.IntVar(&cfg.subscribers, "subscribers", 16, "event-stream subscribers (the mediator and the party heads in turn)")
	fs.IntVar(&cfg.messages, "messages", 20000, "messages to post (unless --duration)")
	fs.DurationVar(&cfg.duration, "duration", 0, "post for this long instead of a number of messages (e.g. 10m)")
	fs.DurationVar(&cfg.interval, "interval", 0, "keep a row of figures every interval (default: 1m for runs of 2m or more)")
	fs.Float64Var(&cfg.rate, "rate", 0, "cap the posts per second of all posters together (0: as fast as acknowledged)")
	fs.IntVar(&cfg.size, "size", 200, "bytes of text per message")
	fs.IntVar(&cfg.catchup, "catch-up", 0, "clients that replay the whole log (?from=0) while the run goes on")
	fs.IntVar(&cfg.history, "history", 0, "messages to post before measuring, for the catch-up clients to replay")
	fs.IntVar(&cfg.slow, "slow", 0, "subscribers (mediators) that stop reading after their first message")
	fs.StringVar(&cfg.profileDir, "profile", "", "save the server's CPU, heap and goroutine profiles and an execution trace under load in this `directory`")
	baseline := fs.Bool("baseline", true, "also measure the store alone with the same messages (with a local server)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	events := fs.Int("events", 2000, "--in-process: messages to post in each append run")
	writers := fs.Int("writers", 8, "--in-process: concurrent writers for the group-commit runs (on one node, then split between two)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The bench's accounts are throwaway: hash their passwords cheaply.
	auth.Argon2 = auth.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	if *inProcess {
		return runInProcess(ctx, m, *db, *events, *writers, *asJSON)
	}
	switch {
	case cfg.parties < 1 || cfg.posters < 0 || cfg.subscribers < 0 || cfg.size < 50 || cfg.catchup < 0 || cfg.slow < 0 || cfg.history < 0:
		return usageError(m, fs, "--parties must be at least 1, --size at least 50, and counts not negative")
	case cfg.duration == 0 && cfg.messages < 1:
		return usageError(m, fs, "--messages must be at least 1")
	case *target != "" && *token == "":
		return usageError(m, fs, "--url needs --token (an administrator's bearer token)")
	case *target != "" && *db != "":
		return usageError(m, fs, "--url measures a running server; --db is for the server the bench starts")
	case cfg.slow > cfg.subscribers/(cfg.parties+1):
		return usageError(m, fs, "--slow may be at most the mediator subscribers (%d)", cfg.subscribers/(cfg.parties+1))
	}
	if cfg.interval == 0 && cfg.duration >= 2*time.Minute {
		cfg.interval = time.Minute
	}
	rep := &benchReport{Machine: benchMachine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), LoadStart: loadAverage()},
		Config: benchConfig{Parties: cfg.parties, Posters: cfg.posters, Subscribers: cfg.subscribers, Duration: cfg.duration.Seconds(),
			Rate: cfg.rate, Size: cfg.size, CatchUp: cfg.catchup, History: cfg.history, Slow: cfg.slow}, ServerError: []string{}}
	if cfg.duration == 0 {
		rep.Config.Messages = cfg.messages
	}
	hc := &http.Client{Timeout: time.Minute}
	b := &httpBench{cfg: cfg}
	var d *deployment
	var srv *localServer
	if *target != "" {
		b.api = &apiClient{base: strings.TrimSuffix(*target, "/"), hc: hc}
		if *debugURL != "" {
			b.dbg = &debugClient{base: strings.TrimSuffix(*debugURL, "/"), hc: hc}
		}
		rep.Machine.Server, rep.Machine.Engine = *target, "as that server runs"
		*baseline = false
	} else {
		dir, err := os.MkdirTemp("", "parley-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		d = &deployment{data: dir}
		rep.Machine.Engine = "SQLite (WAL, synchronous=FULL) in a temporary directory"
		if *db != "" {
			sdsn, drop, err := tempSchema(ctx, *db)
			if err != nil {
				return err
			}
			defer drop()
			d.db = sdsn
			rep.Machine.Engine = "PostgreSQL " + postgres.Redact(*db) + ", in a temporary schema"
		}
		admin, err := adminToken(ctx, d)
		if err != nil {
			return err
		}
		*token = admin
		// The bench drives the server from one address with password
		// sign-in, on purpose: limits meant for people are lifted.
		args := []string{"--data", d.data, "--passwords", "--limits-scale", "100000"}
		if d.db != "" {
			args = append(args, "--db", d.db)
		}
		if srv, err = startServer(ctx, args...); err != nil {
			return err
		}
		defer srv.stop()
		b.api = &apiClient{base: srv.url, hc: hc}
		b.dbg = &debugClient{base: srv.debugURL, hc: hc}
		rep.Machine.Server = "parley serve in a subprocess on " + srv.url
	}
	var err error
	if b.talks, err = setupTalks(ctx, b.api, *token, cfg.parties); err != nil {
		return fmt.Errorf("setting up the talks: %w", err)
	}
	if rep.Result, err = b.run(ctx, m.Stderr); err != nil {
		return err
	}
	if srv != nil {
		srv.stop()
		rep.ServerError = append(rep.ServerError, srv.errorLines()...)
	}
	if *baseline && d != nil {
		bd, cleanup, err := baselineDeployment(ctx, d)
		if err != nil {
			return err
		}
		defer cleanup()
		n := int(min(max(rep.Result.Acked, 2000), 50000))
		if rep.Baseline, err = baselineRun(ctx, bd, n, max(cfg.posters, 1), cfg.size); err != nil {
			return err
		}
		rep.Fraction = rep.Result.AckedPerSec / rep.Baseline.PerSec
	}
	rep.Machine.LoadEnd = loadAverage()
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(m, rep)
	return nil
}

// tempSchema makes a temporary schema in the PostgreSQL database at dsn.
func tempSchema(ctx context.Context, dsn string) (string, func() error, error) {
	if !postgres.IsDSN(dsn) {
		return "", nil, fmt.Errorf("--db %q: want a postgres:// or postgresql:// URL", postgres.Redact(dsn))
	}
	return postgres.TempSchema(ctx, dsn, "parley_bench_")
}

// printReport prints a run for people.
func printReport(m *Main, rep *benchReport) {
	w := m.Stdout
	c, r := rep.Config, rep.Result
	what := fmt.Sprintf("%d messages", c.Messages)
	if c.Duration > 0 {
		what = fmt.Sprintf("%s of posting", time.Duration(c.Duration*float64(time.Second)))
	}
	if c.Rate > 0 {
		what += fmt.Sprintf(" at most %.0f/s", c.Rate)
	}
	fmt.Fprintf(w, "parley bench over HTTP: %d posters, %d subscribers, %d parties, %s of %d bytes\n", c.Posters, c.Subscribers, c.Parties, what, c.Size)
	fmt.Fprintf(w, "server: %s; %s\n", rep.Machine.Server, rep.Machine.Engine)
	fmt.Fprintf(w, "machine: %d CPUs, %s, load average %.1f at start and %.1f at end (bench client and server share it)\n\n",
		rep.Machine.CPUs, rep.Machine.GoVersion, rep.Machine.LoadStart, rep.Machine.LoadEnd)
	errs := "no errors"
	if len(r.Errors) > 0 {
		errs = "errors: " + strings.Join(sortedErrors(r.Errors), ", ")
	}
	fmt.Fprintf(w, "%-22s %10.0f /s   (%d in %.1f s; %s)\n", "acknowledged messages", r.AckedPerSec, r.Acked, r.Elapsed, errs)
	fmt.Fprintf(w, "%-22s p50 %.1f ms   p99 %.1f ms   p99.9 %.1f ms\n", "post latency", r.PostP50, r.PostP99, r.PostP999)
	if c.Subscribers > 0 {
		fmt.Fprintf(w, "%-22s p50 %.1f ms   p99 %.1f ms   (%d of %d deliveries)\n", "delivery latency", r.DeliveryP50, r.DeliveryP99, r.Delivered, r.Expected)
	}
	fmt.Fprintf(w, "%-22s %.2f cores (the bench client: %.2f)\n", "server CPU", r.ServerCores, r.ClientCores)
	fmt.Fprintf(w, "%-22s RSS %s (peak %s), Go heap %s (peak %s), %d goroutines (peak %d), %d open files\n", "server memory",
		mib(r.End.RSSBytes), mib(r.PeakRSS), mib(int64(r.End.HeapBytes)), mib(int64(r.PeakHeap)), r.End.Goroutines, r.PeakRoutines, r.End.OpenFiles)
	if i := r.Idle; i != nil {
		fmt.Fprintf(w, "%-22s %d connected in %.1f s; each costs the server %.1f KiB of Go memory (%.1f KiB heap, %.1f KiB stacks) and %.1f goroutines; RSS %+.1f MiB in all (%.1f KiB per stream)\n", "idle streams",
			i.Streams, i.ConnectSecs, i.GoPer/1024, i.HeapPer/1024, i.StackPer/1024, i.RoutinesPer, float64(i.RSSGrowth)/(1<<20), i.RSSPer/1024)
	}
	if cu := r.CatchUp; cu != nil {
		fmt.Fprintf(w, "%-22s %d of %d clients replayed the log from 0 (%d events each on average) and reached the present in %.1f s on average, %.1f s at most\n",
			"catch-up", cu.Caught, cu.Clients, cu.Events/int64(max(cu.Caught, 1)), cu.MeanSecs, cu.MaxSecs)
	}
	if c.Slow > 0 {
		fmt.Fprintf(w, "%-22s %d mediator subscribers stopped reading after their first message; the others' figures are above\n", "slow subscribers", c.Slow)
	}
	if bl := rep.Baseline; bl != nil {
		fmt.Fprintf(w, "%-22s %10.0f /s   (the store alone: %d events, %d writers, %.1f events per commit)\n", "baseline", bl.PerSec, bl.Events, bl.Writers, bl.PerCommit)
		fmt.Fprintf(w, "%-22s %10.1f %%   of the baseline\n", "over HTTP", 100*rep.Fraction)
	}
	if len(r.Intervals) > 0 {
		fmt.Fprintf(w, "\n%8s %9s %9s %9s %9s %9s %9s %6s %9s %9s %6s %6s %5s\n", "end", "acked/s", "post p50", "p99", "p99.9", "deliv p50", "p99", "cores", "RSS", "heap", "gorout", "files", "load")
		for _, row := range r.Intervals {
			fmt.Fprintf(w, "%7.0fs %9.0f %9.1f %9.1f %9.1f %9.1f %9.1f %6.2f %9s %9s %6d %6d %5.1f\n", row.End, row.Acked, row.PostP50, row.PostP99, row.PostP999,
				row.DeliveryP50, row.DeliveryP99, row.ServerCores, mib(row.RSSBytes), mib(int64(row.HeapBytes)), row.Goroutines, row.OpenFiles, row.LoadAverage1)
		}
	}
	if r.Soak != nil {
		printSoak(w, r.Soak)
	}
	if len(rep.ServerError) > 0 {
		fmt.Fprintf(w, "\nthe server logged %d errors; the first: %s\n", len(rep.ServerError), rep.ServerError[0])
	}
}
