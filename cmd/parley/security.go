package main

import (
	"flag"
	"time"

	"parley/auth"
	parleyhttp "parley/http"
)

// securityOptions are serve's flags for credentials, sign-in and the
// ledger's publication.
type securityOptions struct {
	passwords   *bool
	sessionTTL  *time.Duration
	sessionIdle *time.Duration
}

// securityFlags defines serve's security flags on fs.
func securityFlags(fs *flag.FlagSet) *securityOptions {
	return &securityOptions{
		passwords:   fs.Bool("passwords", false, "allow signing in with a password (always allowed with --demo); otherwise passkeys only"),
		sessionTTL:  fs.Duration("session-ttl", auth.SessionTTL, "a browser session's absolute lifetime"),
		sessionIdle: fs.Duration("session-idle", auth.SessionIdle, "end a browser session unused for this long"),
	}
}

// apply configures the services and the server.
func (o *securityOptions) apply(a *app, srv *parleyhttp.Server, demo bool) {
	a.auth.Passwords = *o.passwords || demo
	a.auth.SessionTTL, a.auth.SessionIdle = *o.sessionTTL, *o.sessionIdle
}
