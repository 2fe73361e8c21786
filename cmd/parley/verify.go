package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"parley/ledger"
)

func init() {
	register("verify", "verify a ledger bundle or checkpoint consistency offline", runVerify)
}

// runVerify checks a member's bundle, or that a newer checkpoint extends an
// older one, using nothing but the files and the verifier key.
func runVerify(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("verify", "BUNDLE.json --key VERIFIERKEY [--witness KEY ... --quorum N] | --old CP1 --new CP2 --proof PROOF --key VERIFIERKEY")
	key := fs.String("key", "", "verifier key `origin+hash+key` as printed by 'parley admin ledger-key', or @FILE to read it from FILE")
	oldPath := fs.String("old", "", "older signed checkpoint `file`")
	newPath := fs.String("new", "", "newer signed checkpoint `file`")
	proofPath := fs.String("proof", "", "consistency proof `file`: one base64 hash per line, or the JSON from /api/v1/ledger/proof/consistency")
	var witnesses keyList
	fs.Var(&witnesses, "witness", "a witness's verifier `key` (or @FILE) whose cosignature counts; repeat for several")
	quorum := fs.Int("quorum", 0, "refuse a bundle whose checkpoint lacks this many valid cosignatures of the --witness keys")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	usage := func(msg string) error {
		fmt.Fprintf(m.Stderr, "parley verify: %s\n", msg)
		fs.Usage()
		return errUsage
	}
	if *key == "" {
		return usage("--key is required")
	}
	vkey, err := readKey(*key)
	if err != nil {
		return err
	}
	consistency := *oldPath != "" || *newPath != "" || *proofPath != ""
	switch {
	case consistency && len(paths) > 0:
		return usage("give either a bundle or --old/--new/--proof, not both")
	case consistency && (*oldPath == "" || *newPath == "" || *proofPath == ""):
		return usage("--old, --new and --proof go together")
	case consistency:
		return verifyConsistency(m, *oldPath, *newPath, *proofPath, vkey)
	case len(paths) != 1:
		return usage("want exactly one bundle file (or - for standard input)")
	}
	if *quorum < 0 || *quorum > len(witnesses) {
		return usage("--quorum must be between 0 and the number of --witness keys")
	}
	return verifyBundle(m, paths[0], vkey, witnesses, *quorum)
}

// keyList is a repeatable flag of keys, each given as is or as @FILE.
type keyList []string

func (k *keyList) String() string { return strings.Join(*k, ",") }

// Set adds one key.
func (k *keyList) Set(v string) error {
	key, err := readKey(v)
	if err != nil {
		return err
	}
	*k = append(*k, key)
	return nil
}

// parseInterspersed parses flags that may come before or after positional
// arguments, as in "parley verify bundle.json --key K". Everything after
// "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// readKey returns the verifier key, reading it from a file for @FILE.
func readKey(arg string) (string, error) {
	if path, ok := strings.CutPrefix(arg, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("verify: key: %w", err)
		}
		arg = string(data)
	}
	return strings.TrimSpace(arg), nil
}

// readInput reads a file, or standard input for "-".
func readInput(m *Main, path string) ([]byte, error) {
	if path == "-" {
		if m.Stdin == nil {
			return nil, errors.New("verify: no standard input")
		}
		return io.ReadAll(m.Stdin)
	}
	return os.ReadFile(path)
}

func verifyBundle(m *Main, path, vkey string, witnesses []string, quorum int) error {
	data, err := readInput(m, path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	b, err := ledger.ParseBundle(data)
	if err != nil {
		return err
	}
	c, err := ledger.VerifyBundleCheckpoint(b, vkey)
	if err != nil {
		return err
	}
	cosigned := ""
	if len(witnesses) > 0 {
		n, err := ledger.VerifyWitnesses([]byte(b.Checkpoint), vkey, witnesses, quorum)
		if err != nil {
			return err
		}
		cosigned = fmt.Sprintf(" and cosigned by %d of %d witnesses", n, len(witnesses))
	}
	noun := "entries"
	if len(b.Entries) == 1 {
		noun = "entry"
	}
	fmt.Fprintf(m.Stdout, "bundle ok: %d %s verified against checkpoint of size %d signed by %s%s\n",
		len(b.Entries), noun, c.Tree.N, c.Origin, cosigned)
	return nil
}

func verifyConsistency(m *Main, oldPath, newPath, proofPath, vkey string) error {
	var files [3][]byte
	stdin := 0
	for _, path := range []string{oldPath, newPath, proofPath} {
		if path == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return fmt.Errorf("verify: only one of --old, --new and --proof can be - (standard input)")
	}
	for i, path := range []string{oldPath, newPath, proofPath} {
		data, err := readInput(m, path)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		files[i] = data
	}
	p, err := ledger.ParseConsistencyProof(files[2])
	if err != nil {
		return err
	}
	if err := ledger.VerifyConsistency(files[0], files[1], p, vkey); err != nil {
		return err
	}
	// Both opened successfully inside VerifyConsistency.
	oldCP, _ := ledger.OpenCheckpoint(files[0], vkey)
	newCP, _ := ledger.OpenCheckpoint(files[1], vkey)
	fmt.Fprintf(m.Stdout, "consistency ok: checkpoint of size %d extends checkpoint of size %d, both signed by %s\n",
		newCP.Tree.N, oldCP.Tree.N, newCP.Origin)
	return nil
}
