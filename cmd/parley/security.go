package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net"
	"strings"
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
	every       *time.Duration
	cover       *int
	publicURL   *string
	limits      *float64
}

// securityFlags defines serve's security flags on fs.
func securityFlags(fs *flag.FlagSet) *securityOptions {
	return &securityOptions{
		passwords:   fs.Bool("passwords", false, "allow signing in with a password (always allowed with --demo); otherwise passkeys only"),
		sessionTTL:  fs.Duration("session-ttl", auth.SessionTTL, "a browser session's absolute lifetime"),
		sessionIdle: fs.Duration("session-idle", auth.SessionIdle, "end a browser session unused for this long"),
		every:       fs.Duration("checkpoint-every", 5*time.Second, "sign a ledger checkpoint at this cadence when the log grew (0: at every commit, which lets members time others' activity)"),
		publicURL:   fs.String("public-url", "", "the site's address as people's browsers reach it, for passkeys and invitation links (default http://localhost:PORT when listening on loopback; passkeys need a name, not an IP address)"),
		limits:      fs.Float64("limits-scale", 1, "multiply every per-account and per-address rate limit, and the open event streams allowed per account, by `K` (above 1 for many users behind one address or a load test; below 1 to be stricter)"),
		cover:       fs.Int("cover-traffic", 0, "add up to `N` cover events to the ledger at each checkpoint, so that its growth says less of how much people talk"),
	}
}

// apply configures the services and the server, and starts the
// checkpoint sealer, which runs until ctx is done; the returned function
// waits for it and seals what it left.
func (o *securityOptions) apply(ctx context.Context, a *app, srv *parleyhttp.Server, addr net.Addr, demo bool) (func(), error) {
	a.auth.Passwords = *o.passwords || demo
	if k := *o.limits; !(k > 0) || math.IsInf(k, 0) {
		// NaN or infinity would turn every limit off (or on for good).
		return nil, fmt.Errorf("--limits-scale must be a positive finite number, not %v", k)
	}
	if *o.limits != 1 {
		srv.ScaleLimits(*o.limits)
		srv.MaxStreams = int(min(max(float64(srv.MaxStreams)**o.limits, 1), 1<<20))
	}
	a.auth.SessionTTL, a.auth.SessionIdle = *o.sessionTTL, *o.sessionIdle
	public := *o.publicURL
	if tcp, ok := addr.(*net.TCPAddr); ok && public == "" && tcp.IP.IsLoopback() {
		public = fmt.Sprintf("http://localhost:%d", tcp.Port)
	}
	if public != "" {
		if err := a.auth.ConfigurePasskeys(public); err != nil {
			return nil, err
		}
		srv.PublicURL = strings.TrimSuffix(public, "/")
		srv.Log.Info("passkeys and invitation links", "public_url", srv.PublicURL, "passwords", a.auth.Passwords)
	}
	if *o.every <= 0 {
		return func() {}, nil
	}
	// Checkpoints at a cadence, not at every commit.
	a.store.Seal = nil
	a.talks.Cover = *o.cover
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.talks.RunSealer(ctx, *o.every, srv.Log)
	}()
	return func() {
		<-done
		if _, err := a.talks.Seal(context.WithoutCancel(ctx)); err != nil {
			srv.Log.Warn("sealing the last checkpoint", "err", err)
		}
	}, nil
}
