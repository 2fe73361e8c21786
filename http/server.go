// Package http serves parley over HTTP: the JSON API under /api/v1, the
// live event stream, and the server-rendered pages.
package http

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
	"parley/auth"
	"parley/talks"
)

// Server holds the services the handlers call.
type Server struct {
	Talks *talks.Service
	Auth  *auth.Service
	Log   *slog.Logger
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// HeartbeatEvery is how often an idle event stream gets a comment line.
	HeartbeatEvery time.Duration
	// ReadTimeout bounds reading a whole request (headers and body); open
	// event streams are not cut by it.
	ReadTimeout time.Duration
	// TrustedProxies are the reverse proxies in front of the server: for a
	// request from one of them, sign-in limits count the client address
	// it puts in X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// PublicURL is the site's address for links (invitations); "" uses
	// the address each request was made to.
	PublicURL string
	// WriteTimeout bounds writing any response but a stream;
	// StreamWriteTimeout ends a stream whose client stops reading.
	WriteTimeout, StreamWriteTimeout time.Duration
	// MaxStreams is how many event streams one account may hold open.
	MaxStreams int

	mux *http.ServeMux
	// patterns lists every route, as registered.
	patterns []string
	limits   *limiter
	guards   *guards
	pages    *pages
	keys     keys
	// frames holds encoded events for the event streams (sse.go).
	frames frameCache
}

// NewServer wires the routes.
func NewServer(ts *talks.Service, as *auth.Service) *Server {
	s := &Server{Talks: ts, Auth: as, Log: slog.Default(), HeartbeatEvery: 25 * time.Second, ReadTimeout: 30 * time.Second,
		mux: http.NewServeMux(), limits: newLimiter(loginEvery, loginBurst, maxLimiters), guards: newGuards(),
		WriteTimeout: DefaultWriteTimeout, StreamWriteTimeout: DefaultStreamWriteTimeout, MaxStreams: DefaultMaxStreams}
	s.keys.talks = ts
	s.pages = mustLoadPages()
	s.routes()
	return s
}

// routes is the one table of every route: API, event stream and pages.
func (s *Server) routes() {
	for _, rt := range []struct {
		pattern string
		h       http.HandlerFunc
	}{
		// Accounts.
		{"POST /api/v1/login", s.apiLogin},
		{"POST /api/v1/logout", s.apiLogout},
		{"GET /api/v1/me", s.api(s.apiMe)},
		{"GET /api/v1/tokens", s.api(s.apiTokens)},
		{"POST /api/v1/tokens", s.api(s.apiCreateToken)},
		{"DELETE /api/v1/tokens/current", s.api(s.apiRevokeCurrentToken)},
		{"GET /api/v1/tokens/{tok}", s.api(s.apiGetToken)},
		{"DELETE /api/v1/tokens/{tok}", s.api(s.apiRevokeToken)},
		{"GET /api/v1/users", s.api(s.apiUsers)},
		{"POST /api/v1/users", s.api(s.apiCreateUser)},
		{"GET /api/v1/users/{user}", s.api(s.apiUser)},
		// Credentials that can be cut off.
		{"POST /api/v1/sign-out-everywhere", s.api(s.apiSignOutEverywhere)},
		{"POST /api/v1/me/password", s.api(s.apiChangePassword)},
		{"GET /api/v1/users/{user}/tokens", s.api(s.apiUserTokens)},
		{"DELETE /api/v1/users/{user}/tokens/{tok}", s.api(s.apiRevokeUserToken)},
		{"POST /api/v1/users/{user}/sign-out", s.api(s.apiSignOutUser)},
		{"POST /api/v1/users/{user}/disabled", s.api(s.apiDisableUser)},
		{"DELETE /api/v1/talks/{id}/delegations/{del}/members/{user}", s.api(s.apiRemoveMember)},
		{"POST /api/v1/talks/{id}/delegations/{del}/removal", s.api(s.apiRemoveDelegation)},
		// Passkeys and invitations.
		{"POST /api/v1/passkeys/login/options", s.apiPasskeyLoginOptions},
		{"POST /api/v1/passkeys/login", s.apiPasskeyLogin},
		{"GET /api/v1/me/passkeys", s.api(s.apiPasskeys)},
		{"POST /api/v1/me/passkeys/options", s.api(s.apiPasskeyOptions)},
		{"POST /api/v1/me/passkeys", s.api(s.apiAddPasskey)},
		{"DELETE /api/v1/me/passkeys/{passkey}", s.api(s.apiRemovePasskey)},
		{"POST /api/v1/invitations/lookup", s.anonymous(s.apiLookupInvitation)},
		{"POST /api/v1/invitations/options", s.anonymous(s.apiAcceptOptions)},
		{"POST /api/v1/invitations/accept", s.anonymous(s.apiAcceptInvitation)},
		{"POST /api/v1/talks/{id}/invitations", s.api(s.apiInvite)},
		{"GET /api/v1/talks/{id}/invitations", s.api(s.apiInvitations)},
		{"DELETE /api/v1/talks/{id}/invitations/{inv}", s.api(s.apiRevokeInvitation)},
		{"GET /invite", s.invitePage},
		{"GET /account", s.page(s.accountPage)},
		{"POST /account/passkeys/{passkey}/remove", s.form(s.removePasskeySubmit)},
		{"POST /account/sign-out-everywhere", s.form(s.signOutEverywhereSubmit)},
		// Talks and who takes part.
		{"GET /api/v1/talks", s.api(s.apiListTalks)},
		{"POST /api/v1/talks", s.api(s.apiCreateTalks)},
		{"GET /api/v1/talks/{id}", s.api(s.apiGetTalks)},
		{"POST /api/v1/talks/{id}/status", s.api(s.apiTalksStatus)},
		{"POST /api/v1/talks/{id}/plenary", s.api(s.apiPlenary)},
		{"GET /api/v1/talks/{id}/delegations", s.api(s.apiListDelegations)},
		{"POST /api/v1/talks/{id}/delegations", s.api(s.apiAddDelegation)},
		{"GET /api/v1/talks/{id}/delegations/{del}", s.api(s.apiGetDelegation)},
		{"POST /api/v1/talks/{id}/delegations/{del}/members", s.api(s.apiAddMember)},
		{"POST /api/v1/talks/{id}/delegations/{del}/presence", s.api(s.apiPresence)},
		// Rooms and messages.
		{"GET /api/v1/talks/{id}/rooms", s.api(s.apiRooms)},
		{"GET /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiMessages)},
		{"POST /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiPost)},
		{"GET /api/v1/talks/{id}/rooms/{room}/messages/{msg}", s.api(s.apiMessage)},
		{"POST /api/v1/talks/{id}/relays", s.api(s.apiRelay)},
		{"GET /api/v1/talks/{id}/search", s.api(s.apiSearch)},
		// Agreements.
		{"GET /api/v1/talks/{id}/agreements", s.api(s.apiAgreements)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}", s.api(s.apiAgreement)},
		// The single negotiating text, the negotiation domain, proposals,
		// preference profiles and the settlement engine.
		{"GET /api/v1/talks/{id}/text", s.api(s.apiText)},
		{"POST /api/v1/talks/{id}/text", s.api(s.apiReviseText)},
		{"GET /api/v1/talks/{id}/text/versions", s.api(s.apiTextVersions)},
		{"GET /api/v1/talks/{id}/text/versions/{n}", s.api(s.apiTextVersion)},
		{"GET /api/v1/talks/{id}/text/diff", s.api(s.apiTextDiff)},
		{"GET /api/v1/talks/{id}/text/positions", s.api(s.apiPositions)},
		{"POST /api/v1/talks/{id}/text/positions", s.api(s.apiRecordPositions)},
		{"POST /api/v1/talks/{id}/text/agree", s.api(s.apiAgreeText)},
		{"GET /api/v1/talks/{id}/text/export", s.api(s.apiExportText)},
		{"GET /api/v1/talks/{id}/domain", s.api(s.apiDomain)},
		{"PUT /api/v1/talks/{id}/domain", s.api(s.apiSetDomain)},
		{"GET /api/v1/talks/{id}/proposals", s.api(s.apiProposals)},
		{"POST /api/v1/talks/{id}/proposals", s.api(s.apiPropose)},
		{"GET /api/v1/talks/{id}/profile", s.api(s.apiProfile)},
		{"PUT /api/v1/talks/{id}/profile", s.api(s.apiPutProfile)},
		{"DELETE /api/v1/talks/{id}/profile", s.api(s.apiDeleteProfile)},
		{"PUT /api/v1/talks/{id}/profile/consent", s.api(s.apiGiveConsent)},
		{"DELETE /api/v1/talks/{id}/profile/consent", s.api(s.apiWithdrawConsent)},
		{"GET /api/v1/talks/{id}/settlement", s.api(s.apiSettlement)},
		{"GET /api/v1/talks/{id}/settlement/improve", s.api(s.apiImprove)},
		{"GET /api/v1/talks/{id}/dance", s.api(s.apiDance)},
		{"GET /api/v1/talks/{id}/reflections", s.api(s.apiReflections)},
		{"POST /api/v1/talks/{id}/reflections", s.api(s.apiReflect)},
		{"GET /api/v1/talks/{id}/reflections/{rid}", s.api(s.apiReflection)},
		{"POST /api/v1/talks/{id}/reflections/{rid}/answer", s.api(s.apiAnswerReflection)},
		{"DELETE /api/v1/talks/{id}/reflections/{rid}", s.api(s.apiWithdrawReflection)},
		// People and promises: captives, implementation, meetings, reports,
		// deadlines, the talks' history.
		{"GET /api/v1/talks/{id}/captives", s.api(s.apiCaptives)},
		{"POST /api/v1/talks/{id}/captives", s.api(s.apiRecordCaptive)},
		{"GET /api/v1/talks/{id}/captives/aggregates", s.api(s.apiCaptiveAggregates)},
		{"POST /api/v1/talks/{id}/captives/import", s.api(s.apiImportCaptives)},
		{"GET /api/v1/talks/{id}/captives/export", s.api(s.apiExportCaptives)},
		{"GET /api/v1/talks/{id}/captives/access", s.api(s.apiRecordAccess)},
		{"POST /api/v1/talks/{id}/captives/access", s.api(s.apiSetRecordAccess)},
		{"GET /api/v1/talks/{id}/captives/{ref}", s.api(s.apiCaptive)},
		{"POST /api/v1/talks/{id}/captives/{ref}/status", s.api(s.apiCaptiveStatus)},
		{"POST /api/v1/talks/{id}/agreements", s.api(s.apiRecordAgreement)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/phases", s.api(s.apiPhases)},
		{"POST /api/v1/talks/{id}/agreements/{agreement}/phases", s.api(s.apiAddPhase)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/phases/{n}", s.api(s.apiPhase)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/obligations", s.api(s.apiObligations)},
		{"POST /api/v1/talks/{id}/agreements/{agreement}/obligations", s.api(s.apiAddObligation)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/obligations/{obligation}", s.api(s.apiObligation)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/verifications", s.api(s.apiVerifications)},
		{"POST /api/v1/talks/{id}/agreements/{agreement}/verifications", s.api(s.apiVerify)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}/compliance", s.api(s.apiCompliance)},
		{"GET /api/v1/talks/{id}/meetings", s.api(s.apiMeetings)},
		{"POST /api/v1/talks/{id}/meetings", s.api(s.apiRecordMeeting)},
		{"GET /api/v1/talks/{id}/meetings/{meeting}", s.api(s.apiMeeting)},
		{"GET /api/v1/talks/{id}/reports", s.api(s.apiReports)},
		{"POST /api/v1/talks/{id}/reports", s.api(s.apiRecordReport)},
		{"GET /api/v1/talks/{id}/reports/{report}", s.api(s.apiReport)},
		{"GET /api/v1/talks/{id}/deadlines", s.api(s.apiDeadlines)},
		{"POST /api/v1/talks/{id}/deadlines", s.api(s.apiSetDeadline)},
		{"GET /api/v1/talks/{id}/deadlines/{deadline}", s.api(s.apiDeadline)},
		{"GET /api/v1/talks/{id}/timeline", s.api(s.apiTimeline)},
		// Per-user view state of the pages: language, read markers,
		// notification choices.
		{"GET /api/v1/me/language", s.api(s.apiLanguage)},
		{"PUT /api/v1/me/language", s.api(s.apiSetLanguage)},
		{"GET /api/v1/talks/{id}/unread", s.api(s.apiUnread)},
		{"POST /api/v1/talks/{id}/rooms/{room}/read", s.api(s.apiMarkRead)},
		{"PUT /api/v1/talks/{id}/rooms/{room}/notify", s.api(s.apiSetNotify)},
		// The event stream.
		{"GET /api/v1/events", s.api(s.apiEvents)},
		// The ledger.
		{"GET /api/v1/ledger/checkpoint", s.api(s.apiCheckpoint)},
		{"GET /api/v1/ledger/key", s.api(s.apiLedgerKey)},
		{"GET /api/v1/ledger/proof/inclusion", s.api(s.apiInclusion)},
		{"GET /api/v1/ledger/proof/consistency", s.api(s.apiConsistency)},
		{"GET /api/v1/ledger/leaves", s.api(s.apiLeaves)},
		{"GET /api/v1/ledger/entries/{seq}", s.api(s.apiLedgerEntry)},
		{"GET /api/v1/ledger/bundle", s.api(s.apiBundle)},
		// Witnesses.
		{"GET /api/v1/ledger/checkpoints/{size}", s.api(s.apiCheckpointAt)},
		{"GET /api/v1/ledger/witnesses", s.api(s.apiWitnesses)},
		{"POST /api/v1/ledger/witnesses", s.api(s.apiAddWitness)},
		{"POST /api/v1/ledger/cosignatures", s.api(s.apiAddCosignature)},
		// Pages.
		{"GET /static/{hash}/{file}", s.static},
		{"GET /{$}", s.home},
		{"GET /login", s.loginPage},
		{"POST /login", s.loginSubmit},
		{"POST /logout", s.logoutSubmit},
		{"GET /talks", s.page(s.talksPage)},
		{"GET /talks/{id}", s.page(s.overviewPage)},
		{"GET /talks/{id}/rooms/{room}", s.page(s.roomPage)},
		{"POST /talks/{id}/status", s.form(s.statusSubmit)},
		{"POST /talks/{id}/presence", s.form(s.presenceSubmit)},
		{"POST /talks/{id}/plenary", s.form(s.plenarySubmit)},
		{"POST /talks/{id}/rooms/{room}/post", s.postSubmit},
		{"GET /talks/{id}/relay", s.page(s.relayPage)},
		{"POST /talks/{id}/relay", s.relaySubmit},
		// Pages of issue 10: room fragments, notifications, confirmations,
		// search, the ledger, the operator's pages, the language switch.
		{"GET /talks/{id}/rooms/{room}/messages", s.fragment(s.roomFragment)},
		{"POST /talks/{id}/rooms/{room}/notify", s.form(s.notifySubmit)},
		{"GET /talks/{id}/confirm", s.page(s.confirmPage)},
		{"GET /talks/{id}/search", s.page(s.searchPage)},
		{"POST /talks/{id}/delegations", s.form(s.addDelegationSubmit)},
		{"POST /talks/{id}/members", s.form(s.addMemberSubmit)},
		{"GET /ledger", s.page(s.ledgerPage)},
		{"GET /admin", s.page(s.adminPage)},
		{"POST /admin/users", s.form(s.createUserSubmit)},
		{"POST /admin/talks", s.form(s.createTalksSubmit)},
		{"POST /language", s.languageSubmit},
		// Pages of the single negotiating text, proposals, preferences and
		// the settlement engine.
		{"GET /talks/{id}/text", s.page(s.textPage)},
		{"POST /talks/{id}/text", s.form(s.reviseSubmit)},
		{"GET /talks/{id}/text/edit", s.page(s.editPage)},
		{"GET /talks/{id}/text/diff", s.page(s.diffPage)},
		{"GET /talks/{id}/text/positions", s.page(s.positionsPage)},
		{"POST /talks/{id}/text/positions", s.form(s.positionsSubmit)},
		{"POST /talks/{id}/text/agree", s.form(s.agreeSubmit)},
		{"GET /talks/{id}/text/agreed", s.agreedPage},
		{"GET /talks/{id}/proposals", s.page(s.proposalsPage)},
		{"POST /talks/{id}/proposals", s.form(s.proposeSubmit)},
		{"POST /talks/{id}/domain", s.form(s.domainSubmit)},
		{"POST /talks/{id}/reflections", s.form(s.reflectSubmit)},
		{"POST /talks/{id}/reflections/{rid}/answer", s.form(s.answerSubmit)},
		{"POST /talks/{id}/reflections/{rid}/withdraw", s.form(s.withdrawReflectionSubmit)},
		{"GET /talks/{id}/profile", s.page(s.profilePage)},
		{"POST /talks/{id}/profile", s.form(s.profileSubmit)},
		{"POST /talks/{id}/profile/consent", s.form(s.consentSubmit)},
		{"POST /talks/{id}/profile/delete", s.form(s.profileDeleteSubmit)},
		{"GET /talks/{id}/settlement", s.page(s.settlementPage)},
		{"GET /talks/{id}/dance", s.page(s.dancePage)},
		{"GET /talks/{id}/captives", s.page(s.captivesPage)},
		{"POST /talks/{id}/captives/access", s.form(s.accessSubmit)},
		{"GET /talks/{id}/agreements/{agreement}", s.page(s.agreementPage)},
		{"GET /talks/{id}/meetings", s.page(s.meetingsPage)},
		{"GET /talks/{id}/reports", s.page(s.reportsPage)},
		{"GET /talks/{id}/deadlines", s.page(s.deadlinesPage)},
		{"GET /talks/{id}/timeline", s.page(s.timelinePage)},
	} {
		s.mux.HandleFunc(rt.pattern, rt.h)
		s.patterns = append(s.patterns, rt.pattern)
	}
}

// ServeHTTP applies cross-origin protection to every unsafe request and
// dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.securityHeaders(w, r)
	if !isStream(r) && s.WriteTimeout > 0 {
		// Every response but a stream is written within the timeout; a
		// client that does not read it is cut off.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.WriteTimeout))
	}
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		s.fail(w, r, parley.Errorf(parley.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	if !utf8.ValidString(r.URL.Path) {
		// Nothing parley names has such a name.
		writeProblem(w, r, http.StatusNotFound, parley.ENOTFOUND, "no such resource", "")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if h, pattern := s.mux.Handler(r); pattern == "" {
			// No route: answer in problem+json, keeping the mux's status
			// (404, or 405 with its Allow header).
			c := &captureWriter{header: http.Header{}}
			h.ServeHTTP(c, r)
			if allow := c.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			code, detail := parley.ENOTFOUND, "no such endpoint: "+r.Method+" "+r.URL.Path
			if c.status == http.StatusMethodNotAllowed {
				code, detail = parley.EINVALID, "method "+r.Method+" is not allowed here"
			}
			writeProblem(w, r, c.status, code, detail, "")
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// captureWriter records the status and headers a fallback handler sets.
type captureWriter struct {
	header http.Header
	status int
}

func (c *captureWriter) Header() http.Header         { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) { return len(b), nil }
func (c *captureWriter) WriteHeader(status int)      { c.status = status }

// Serve runs the server on ln until ctx is cancelled, then shuts down
// gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// No WriteTimeout: event streams stay open. Bodies are small (≤ 256 KiB),
	// so a slow sender gets ReadTimeout for a whole request.
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: s.ReadTimeout, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }, ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelDebug)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			hs.Close()
		}
		return nil
	}
}

const sessionCookie = "parley_session"

// user authenticates the request: a bearer token for programs, the
// session cookie for pages.
func (s *Server) user(r *http.Request) (*parley.User, error) {
	if tok, ok, err := bearer(r); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return s.Auth.Authenticate(r.Context(), tok, auth.KindToken)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.Auth.Authenticate(r.Context(), c.Value, auth.KindSession)
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
}

// bearer returns the request's bearer token, if it has an Authorization
// header.
func bearer(r *http.Request) (string, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false, nil
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", true, parley.Errorf(parley.EUNAUTHORIZED, "Authorization must be a Bearer token")
	}
	return strings.TrimSpace(tok), true, nil
}

// readOnlyWrites are the requests a read-only token may make that are not
// reads: revoking itself, and a witness posting its cosignature (which
// changes nothing in any talks).
var readOnlyWrites = map[string]bool{
	"DELETE /api/v1/tokens/current":    true,
	"POST /api/v1/ledger/cosignatures": true,
}

// viewWrites are the writes of a user's view state, which count against
// a limit of their own (limitView), not against the messages'.
var viewWrites = map[string]bool{
	"PUT /api/v1/me/language":                    true,
	"POST /api/v1/talks/{id}/rooms/{room}/read":  true,
	"PUT /api/v1/talks/{id}/rooms/{room}/notify": true,
}

// created is a handler's answer for something it created: 201 with a
// Location.
type created struct {
	location string
	body     any
}

// noContent is a handler's answer with no body: 204.
type noContent struct{}

// api wraps a handler that needs an authenticated user and returns a value
// to encode as JSON (200), a created (201), a noContent (204), nil when it
// wrote the response itself, or an error to map to a problem.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.user(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if write := r.Method != http.MethodGet && r.Method != http.MethodHead; write {
			if u.Grant.ReadOnly() && !readOnlyWrites[r.Pattern] {
				s.fail(w, r, parley.Errorf(parley.EFORBIDDEN, "this token is read-only"))
				return
			}
			limit := s.limitPost
			if viewWrites[r.Pattern] {
				limit = func(_ *http.Request, u *parley.User) error { return s.limitView(u) }
			}
			if err := limit(r, u); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		v, err := h(w, r, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch v := v.(type) {
		case nil:
		case created:
			w.Header().Set("Location", v.location)
			s.writeJSON(w, r, http.StatusCreated, v.body)
		case noContent:
			w.WriteHeader(http.StatusNoContent)
		default:
			s.writeJSON(w, r, http.StatusOK, v)
		}
	}
}
