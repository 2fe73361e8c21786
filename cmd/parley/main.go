// Command parley runs the parley negotiation back-channel and its tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand of the parley binary.
type command struct {
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands lists every subcommand; each lives in its own file.
var commands = map[string]command{}

// register adds a subcommand; called from init in each subcommand's file.
func register(name, summary string, run func(ctx context.Context, m *Main, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// Main holds the process-wide streams so that commands can be tested.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// errUsage marks an error already reported to the user as a usage problem.
var errUsage = errors.New("usage")

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Run dispatches to the named subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(m.Stderr, "parley: unknown command %q\n\n", args[0])
		m.usage()
		return errUsage
	}
	return cmd.run(ctx, m, args[1:])
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "parley — a secure back-channel for mediated negotiations")
	fmt.Fprintln(m.Stderr, "\nUsage: parley COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(m.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(m.Stderr, "\nRun 'parley COMMAND -h' for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func (m *Main) newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: parley %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; -h yields flag.ErrHelp which Run treats as success.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	err := m.Run(ctx, os.Args[1:])
	os.Exit(exitCode(m, err))
}

// exitCode reports err and turns it into a process exit status.
func exitCode(m *Main, err error) int {
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ee):
		fmt.Fprintf(m.Stderr, "parley: %v\n", ee.err)
		return ee.code
	default:
		fmt.Fprintf(m.Stderr, "parley: %v\n", err)
		return 1
	}
}

// usageError prints "parley CMD: message" and the command's usage, and
// returns errUsage (exit status 2).
func usageError(m *Main, fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(m.Stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}
