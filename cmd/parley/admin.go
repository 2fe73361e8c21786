package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley"
	"parley/auth"
	parleyhttp "parley/http"
	"parley/talks"
)

func init() {
	register("admin", "administer a data directory: users, tokens, ledger key and check", runAdmin)
}

const adminUsage = `Usage: parley admin SUBCOMMAND [--data DIR | --db URL] [flags]

Subcommands:
  users          list users and their delegations
  add-user       create a user (--user NAME --display NAME --password P [--admin])
  token          print a new bearer token for --user NAME [--read-only] [--talks ID] [--ttl DURATION]
  disable        disable the account --user NAME: it signs in no more; its sessions, tokens and streams end
  enable         enable the account --user NAME again
  sign-out       end every session and token of --user NAME
  witness-add    keep the cosignatures of the witness whose verifier key is --key KEY
  invite         print a single-use link inviting a person into --delegation SLUG of
                 --talks ID as --role ROLE [--title T] [--invite-ttl DURATION] [--public-url URL]
                 (the command line invites as an administrator: the first member of an
                 empty delegation, during set-up)
  ledger-key     print the ledger's verifier key
  ledger-check   recompute the whole ledger tree and compare it with what is stored
  migrate        apply the database migrations (serve also applies them at start)
  copy           copy a SQLite deployment into an empty PostgreSQL database (--from DIR --to URL)

The database is SQLite in --data DIR, or PostgreSQL with --db URL; the
ledger key is DIR/ledger.key, or --ledger-key-file FILE.
`

func runAdmin(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(m.Stderr, adminUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub := args[0]
	switch sub {
	case "copy":
		return runCopy(ctx, m, args[1:])
	case "users", "add-user", "token", "ledger-key", "ledger-check", "migrate", "disable", "enable", "sign-out", "witness-add", "invite":
	default:
		fmt.Fprintf(m.Stderr, "parley admin: unknown subcommand %q\n\n%s", sub, adminUsage)
		return errUsage
	}
	fs := m.newFlagSet("admin "+sub, "[--data DIR | --db URL] [--ledger-key-file FILE] [flags]")
	d := deploymentFlags(fs)
	user := fs.String("user", "", "user name")
	display := fs.String("display", "", "display name (add-user)")
	password := fs.String("password", "", "password (add-user)")
	admin := fs.Bool("admin", false, "make the user an administrator (add-user)")
	readOnly := fs.Bool("read-only", false, "issue a read-only token (token)")
	ttl := fs.Duration("ttl", auth.TokenTTL, "the token's lifetime, at most 90 days (token)")
	witnessKey := fs.String("key", "", "a witness's verifier key, or @FILE (witness-add)")
	talksRef := fs.String("talks", "", "talks `id` (invite; token: limit the token to it)")
	delegation := fs.String("delegation", "", "delegation slug (invite)")
	role := fs.String("role", "head", "role: head, negotiator or staff (invite)")
	title := fs.String("title", "", "the member's title (invite)")
	invTTL := fs.Duration("invite-ttl", talks.InvitationTTL, "how long the link works, at most 14 days (invite)")
	publicURL := fs.String("public-url", "http://localhost:8080", "the site's address, for the link (invite)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "parley admin %s: unexpected argument %q\n", sub, fs.Arg(0))
		return errUsage
	}
	if sub == "migrate" {
		return adminMigrate(ctx, m, d)
	}
	a, err := d.open(ctx, "", false)
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "users":
		return adminUsers(ctx, m, a)
	case "add-user":
		u, err := a.talks.CreateUser(ctx, nil, talks.NewUser{Name: *user, DisplayName: *display, Password: *password, Admin: *admin})
		if err != nil {
			return fmt.Errorf("add-user: %s", parley.ErrorDetail(err))
		}
		fmt.Fprintf(m.Stdout, "created %s (%s)\n", u.Name, u.ID)
		return nil
	case "token":
		if *user == "" {
			return fmt.Errorf("token: --user NAME is required")
		}
		u, err := a.talks.User(ctx, nil, *user)
		if err != nil {
			return fmt.Errorf("token: %s", parley.ErrorDetail(err))
		}
		access := parley.AccessReadWrite
		if *readOnly {
			access = parley.AccessRead
		}
		tok, _, err := a.auth.NewToken(ctx, u, auth.TokenOptions{Name: "issued by parley admin token", Access: access, Talks: *talksRef, TTL: *ttl})
		if err != nil {
			return fmt.Errorf("token: %s", parley.ErrorDetail(err))
		}
		fmt.Fprintln(m.Stdout, tok)
		return nil
	case "ledger-key":
		fmt.Fprintln(m.Stdout, a.signer.VerifierKey())
		return nil
	case "disable", "enable", "sign-out":
		return adminAccount(ctx, m, a, sub, *user)
	case "invite":
		inv, secret, err := a.talks.Invite(ctx, nil, *talksRef, talks.NewInvitation{Delegation: *delegation, Role: parley.MemberRole(*role), Title: *title, ExpiresIn: int64(*invTTL / time.Second)})
		if err != nil {
			return fmt.Errorf("invite: %s", parley.ErrorDetail(err))
		}
		fmt.Fprintf(m.Stderr, "invitation %s, valid until %s; the link works once:\n", inv.ID, inv.ExpiresAt.Format(time.RFC3339))
		fmt.Fprintln(m.Stdout, parleyhttp.InviteLink(*publicURL, secret))
		return nil
	case "witness-add":
		k, err := readKey(*witnessKey)
		if err != nil {
			return err
		}
		w, err := a.talks.AddWitness(ctx, nil, k)
		if err != nil {
			return fmt.Errorf("witness-add: %s", parley.ErrorDetail(err))
		}
		fmt.Fprintf(m.Stdout, "witness %s added\n", w.Name)
		return nil
	default:
		return ledgerCheck(ctx, m, a)
	}
}

func adminUsers(ctx context.Context, m *Main, a *app) error {
	return a.store.View(ctx, func(tx parley.Tx) error {
		users, err := tx.ListUsers(ctx)
		if err != nil {
			return err
		}
		talksTitle := map[string]string{}
		all, err := tx.ListTalks(ctx)
		if err != nil {
			return err
		}
		for _, t := range all {
			talksTitle[t.ID] = t.Title
		}
		fmt.Fprintf(m.Stdout, "%-16s %-44s %s\n", "USER", "NAME", "DELEGATIONS")
		for _, u := range users {
			ms, err := tx.Memberships(ctx, u.ID)
			if err != nil {
				return err
			}
			var dels []string
			for _, x := range ms {
				dels = append(dels, fmt.Sprintf("%s (%s, %s) in %q", x.Slug, x.Kind, x.Role, talksTitle[x.TalksID]))
			}
			if u.Admin {
				dels = append([]string{"administrator"}, dels...)
			}
			if len(dels) == 0 {
				dels = []string{"-"}
			}
			fmt.Fprintf(m.Stdout, "%-16s %-44s %s\n", u.Name, u.DisplayName, strings.Join(dels, "; "))
		}
		return nil
	})
}

// ledgerCheck runs the server-side ledger check and reports it.
func ledgerCheck(ctx context.Context, m *Main, a *app) error {
	size, err := a.talks.CheckLedger(ctx)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(m.Stdout, "ledger ok: %d events, every leaf and tree hash recomputed, every message matches its event\n", size)
	return nil
}

// adminMigrate applies the migrations the database lacks and lists them.
func adminMigrate(ctx context.Context, m *Main, d *deployment) error {
	store, err := d.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer store.Close()
	all, err := store.Migrations(ctx)
	if err != nil {
		return err
	}
	for _, name := range store.Applied() {
		fmt.Fprintf(m.Stdout, "applied %s\n", name)
	}
	fmt.Fprintf(m.Stdout, "%s is up to date: %d migrations, the last %s\n", d.where(), len(all), all[len(all)-1])
	return nil
}

// adminAccount disables, enables or signs out an account.
func adminAccount(ctx context.Context, m *Main, a *app, sub, name string) error {
	if name == "" {
		return fmt.Errorf("%s: --user NAME is required", sub)
	}
	u, err := a.talks.User(ctx, nil, name)
	if err != nil {
		return fmt.Errorf("%s: %s", sub, parley.ErrorDetail(err))
	}
	switch sub {
	case "sign-out":
		err = a.auth.SignOutEverywhere(ctx, u.ID)
	default:
		_, err = a.talks.SetDisabled(ctx, nil, u.ID, sub == "disable")
	}
	if err != nil {
		return fmt.Errorf("%s: %s", sub, parley.ErrorDetail(err))
	}
	fmt.Fprintf(m.Stdout, "%s: done for %s\n", sub, u.Name)
	return nil
}
