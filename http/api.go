package http

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"parley"
	"parley/auth"
	"parley/talks"
)

// ipLimiter limits login attempts per client address.
type ipLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

func newIPLimiter(every rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return l.allowKey("addr " + host)
}

// maxLimiters bounds the limiter table; past it, limiters that are full
// again (idle long enough) are dropped first.
const maxLimiters = 10000

func (l *ipLimiter) allowKey(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxLimiters {
			for k, v := range l.m {
				if v.Tokens() >= float64(l.burst) {
					delete(l.m, k)
				}
			}
		}
		if len(l.m) >= maxLimiters {
			// Every tracked key is still throttled: refuse new ones rather
			// than forgetting who is throttled.
			return false
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[key] = lim
	}
	return lim.Allow()
}

// login checks credentials under the rate limit and sets the session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request, name, password string) (*parley.User, error) {
	// Limit attempts per client address and per account, so that neither
	// one address nor many addresses against one account can guess freely.
	if !s.limiter.allow(r) || !s.limiter.allowKey("user "+name) {
		return nil, parley.Errorf(parley.ERATELIMIT, "too many sign-in attempts; wait a little")
	}
	token, u, err := s.Auth.Login(r.Context(), name, password)
	if err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(auth.SessionTTL)})
	return u, nil
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.login(w, r, req.Name, req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return u, nil
}

func (s *Server) apiToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	tok, err := s.Auth.IssueToken(r.Context(), u.Name)
	if err != nil {
		return nil, err
	}
	return map[string]string{"token": tok}, nil
}

// apiRevokeToken revokes the bearer token the request was made with.
func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "only a bearer token can be revoked here; sign out to end a session")
	}
	if err := s.Auth.Logout(r.Context(), strings.TrimSpace(tok)); err != nil {
		return nil, err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil, nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if !u.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can create users")
	}
	var req auth.NewUser
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Auth.CreateUser(r.Context(), u.ID, req)
}

func (s *Server) apiListTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ts, err := s.Talks.List(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"talks": ts}, nil
}

func (s *Server) apiCreateTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req struct {
		Title string `json:"title"`
	}
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.CreateTalks(r.Context(), u, req.Title)
}

func (s *Server) apiGetTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Get(r.Context(), u, r.PathValue("id"))
}

// reasoned is the body of a status or presence change.
type reasoned struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

func (s *Server) apiTalksStatus(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req reasoned
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.SetStatus(r.Context(), u, r.PathValue("id"), talks.StatusAction(req.Action), req.Reason)
}

func (s *Server) apiPlenary(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req struct {
		Open *bool `json:"open"`
	}
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if req.Open == nil {
		return nil, parley.Errorf(parley.EINVALID, "open (true or false) is required")
	}
	return s.Talks.SetPlenary(r.Context(), u, r.PathValue("id"), *req.Open)
}

func (s *Server) apiListDelegations(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	v, err := s.Talks.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"delegations": v.Delegations, "members": v.Members}, nil
}

func (s *Server) apiAddDelegation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewDelegation
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.AddDelegation(r.Context(), u, r.PathValue("id"), req)
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewMember
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.AddMember(r.Context(), u, r.PathValue("id"), r.PathValue("del"), req)
}

func (s *Server) apiPresence(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req reasoned
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.ChangePresence(r.Context(), u, r.PathValue("id"), r.PathValue("del"), talks.PresenceAction(req.Action), req.Reason)
}

func (s *Server) apiRooms(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	rooms, err := s.Talks.Rooms(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"rooms": rooms}, nil
}

// intParam parses an optional non-negative integer query parameter.
func intParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, parley.Errorf(parley.EINVALID, "%s must be a non-negative integer", name)
	}
	return n, nil
}

func (s *Server) apiMessages(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	after, err := intParam(r, "after")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit")
	if err != nil {
		return nil, err
	}
	if limit > 200 {
		return nil, parley.Errorf(parley.EINVALID, "limit must be at most 200")
	}
	return s.Talks.Messages(r.Context(), u, r.PathValue("id"), r.PathValue("room"), after, int(limit))
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewMessage
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.Post(r.Context(), u, r.PathValue("id"), r.PathValue("room"), req)
}

func (s *Server) apiMessage(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Message(r.Context(), u, r.PathValue("id"), r.PathValue("room"), r.PathValue("msg"))
}

func (s *Server) apiRelay(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewRelay
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.Relay(r.Context(), u, r.PathValue("id"), req)
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ms, err := s.Talks.Search(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("q"), 50)
	if err != nil {
		return nil, err
	}
	return map[string]any{"messages": ms}, nil
}
