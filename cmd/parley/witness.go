package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"parley/ledger"
)

func init() {
	register("witness", "cosign the ledger's checkpoints from a party's own machine (keygen, run)", runWitness)
}

const witnessUsage = `Usage: parley witness SUBCOMMAND [flags]

Subcommands:
  keygen   make a witness key: --name NAME --out FILE; prints the verifier key
           to give to the server's administrator and to whoever verifies
  run      follow a server's ledger and cosign each new checkpoint that
           extends the last one this witness cosigned:
           --server URL --token TOKEN|@FILE --key @FILE --log-key KEY|@FILE
           --state FILE [--every DURATION] [--once]

A witness runs on a party's own machine with its own key. It fetches the
latest checkpoint and a consistency proof from the last checkpoint it
cosigned, checks both against the log's key, keeps only the newest
checkpoint per log (in --state), and posts back a cosignature in the C2SP
tlog-cosignature format. A checkpoint that does not extend the one it holds
(a forked or rolled-back log) is refused: the command says so and exits 1.
`

func runWitness(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(m.Stderr, witnessUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "keygen":
		return witnessKeygen(m, args[1:])
	case "run":
		return witnessRun(ctx, m, args[1:])
	}
	fmt.Fprintf(m.Stderr, "parley witness: unknown subcommand %q\n\n%s", args[0], witnessUsage)
	return errUsage
}

func witnessKeygen(m *Main, args []string) error {
	fs := m.newFlagSet("witness keygen", "--name NAME --out FILE")
	name := fs.String("name", "", "the witness's `name`, e.g. witness.israel.example")
	out := fs.String("out", "", "`file` to write the signer key to (mode 0600); it must not exist")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *name == "" || *out == "" {
		fmt.Fprintln(m.Stderr, "parley witness keygen: --name and --out are required")
		return errUsage
	}
	skey, vkey, err := ledger.GenerateWitnessKey(*name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("witness keygen: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("witness keygen: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("witness keygen: %w", err)
	}
	fmt.Fprintln(m.Stdout, vkey)
	return nil
}

// witnessState is what a witness keeps between runs: the newest
// checkpoint it cosigned, per log origin.
type witnessState struct {
	Logs map[string]string `json:"logs"`
}

func witnessRun(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("witness run", "--server URL --token TOKEN|@FILE --key @FILE --log-key KEY|@FILE --state FILE [--every DURATION] [--once]")
	server := fs.String("server", "", "the parley server's base `URL`")
	token := fs.String("token", "", "a member's bearer token (read-only is enough), or @FILE")
	keyArg := fs.String("key", "", "the witness's signer key, @FILE (as written by keygen)")
	logKeyArg := fs.String("log-key", "", "the ledger's verifier key (parley admin ledger-key), or @FILE")
	statePath := fs.String("state", "", "`file` keeping the newest checkpoint cosigned, per log")
	every := fs.Duration("every", 10*time.Second, "how often to look for a new checkpoint")
	once := fs.Bool("once", false, "look once and stop")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *server == "" || *token == "" || *keyArg == "" || *logKeyArg == "" || *statePath == "" {
		fmt.Fprintln(m.Stderr, "parley witness run: --server, --token, --key, --log-key and --state are required")
		return errUsage
	}
	tok, err := readKey(*token)
	if err != nil {
		return err
	}
	skey, err := readKey(*keyArg)
	if err != nil {
		return err
	}
	logKey, err := readKey(*logKeyArg)
	if err != nil {
		return err
	}
	cs, err := ledger.NewCosigner(skey)
	if err != nil {
		return err
	}
	c := &witnessClient{base: strings.TrimSuffix(*server, "/"), token: tok, hc: &http.Client{Timeout: 30 * time.Second}}
	for {
		size, err := witnessOnce(ctx, c, cs, logKey, *statePath)
		switch {
		case errors.Is(err, ledger.ErrFork):
			return &exitError{code: 1, err: err}
		case err != nil && *once:
			return err
		case err != nil:
			fmt.Fprintf(m.Stderr, "parley witness: %v\n", err)
		default:
			fmt.Fprintf(m.Stdout, "cosigned checkpoint of size %d\n", size)
		}
		if *once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}

// witnessOnce fetches the latest checkpoint, checks that it extends the
// one held, keeps it and posts a cosignature. It returns the size cosigned.
func witnessOnce(ctx context.Context, c *witnessClient, cs *ledger.Cosigner, logKey, statePath string) (int64, error) {
	st, err := loadWitnessState(statePath)
	if err != nil {
		return 0, err
	}
	w := &ledger.Witness{LogKey: logKey}
	cp, err := c.get(ctx, "/api/v1/ledger/checkpoint")
	if err != nil {
		return 0, err
	}
	next, err := ledger.OpenCheckpoint(cp, logKey)
	if err != nil {
		return 0, err
	}
	var proof ledger.ConsistencyProof
	if held, ok := st.Logs[next.Origin]; ok {
		latest, err := ledger.OpenCheckpoint([]byte(held), logKey)
		if err != nil {
			return 0, fmt.Errorf("witness: state %s: %w", statePath, err)
		}
		w.Latest = &latest
		if latest.Tree.N > 0 && latest.Tree.N < next.Tree.N {
			body, err := c.get(ctx, "/api/v1/ledger/proof/consistency?from="+strconv.FormatInt(latest.Tree.N, 10)+"&to="+strconv.FormatInt(next.Tree.N, 10))
			if err != nil {
				return 0, err
			}
			if proof, err = ledger.ParseConsistencyProof(body); err != nil {
				return 0, err
			}
		}
	}
	got, err := w.Advance(cp, proof)
	if err != nil {
		return 0, err
	}
	// Keep the new checkpoint before cosigning it: a witness never signs
	// what it would not hold on to.
	st.Logs[got.Origin] = string(got.Note)
	if err := saveWitnessState(statePath, st); err != nil {
		return 0, err
	}
	line, err := cs.Cosign(got)
	if err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{"size": got.Tree.N, "cosignature": line})
	if err := c.post(ctx, "/api/v1/ledger/cosignatures", body); err != nil {
		return 0, err
	}
	return got.Tree.N, nil
}

func loadWitnessState(path string) (*witnessState, error) {
	st := &witnessState{Logs: map[string]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("witness: state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("witness: state %s: %w", path, err)
	}
	if st.Logs == nil {
		st.Logs = map[string]string{}
	}
	return st, nil
}

// saveWitnessState writes the state durably: a crash leaves the old or
// the new state, never half of one.
func saveWitnessState(path string, st *witnessState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("witness: state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("witness: state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("witness: state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("witness: state: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// witnessClient talks to a parley server with a bearer token.
type witnessClient struct {
	base, token string
	hc          *http.Client
}

func (c *witnessClient) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	u, err := url.Parse(c.base + path)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("witness: %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("witness: %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(out)))
	}
	return out, nil
}

func (c *witnessClient) get(ctx context.Context, path string) ([]byte, error) {
	return c.do(ctx, "GET", path, nil)
}

func (c *witnessClient) post(ctx context.Context, path string, body []byte) error {
	_, err := c.do(ctx, "POST", path, body)
	return err
}
