package main

import (
	"context"
	"fmt"

	"parley/ledger"
	"parley/textdoc"
)

func init() {
	register("verify-text", "verify an exported agreed text against a ledger bundle offline", runVerifyText)
}

// runVerifyText checks an exported agreed text (Markdown or HTML) against
// a member's bundle, using nothing but the files and the verifier key.
func runVerifyText(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("verify-text", "DOCUMENT --bundle BUNDLE.json --key VERIFIERKEY")
	bundlePath := fs.String("bundle", "", "the member's ledger bundle `file`, from 'parley export' or GET /api/v1/ledger/bundle, exported after the agreement")
	key := fs.String("key", "", "verifier key `origin+hash+key` as printed by 'parley admin ledger-key', or @FILE to read it from FILE")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	usage := func(msg string) error {
		fmt.Fprintf(m.Stderr, "parley verify-text: %s\n", msg)
		fs.Usage()
		return errUsage
	}
	switch {
	case *key == "":
		return usage("--key is required")
	case *bundlePath == "":
		return usage("--bundle is required")
	case len(paths) != 1:
		return usage("want exactly one document (or - for standard input)")
	case paths[0] == "-" && *bundlePath == "-":
		return usage("only one of the document and the bundle can be - (standard input)")
	}
	vkey, err := readKey(*key)
	if err != nil {
		return err
	}
	doc, err := readInput(m, paths[0])
	if err != nil {
		return fmt.Errorf("verify-text: %w", err)
	}
	data, err := readInput(m, *bundlePath)
	if err != nil {
		return fmt.Errorf("verify-text: %w", err)
	}
	b, err := ledger.ParseBundle(data)
	if err != nil {
		return err
	}
	res, err := textdoc.Verify(doc, b, vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "agreed text ok (%s): version %d of the text of talks %s, agreement %s at ledger index %d, SHA-256 %s; checkpoint of size %d signed by %s\n",
		res.Format, res.Doc.Version, res.Doc.Talks, res.Doc.Agreement, res.Doc.AgreementIndex, res.Doc.SHA256, res.Checkpoint.Tree.N, res.Checkpoint.Origin)
	return nil
}
