package http

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"parley"
	"parley/auth"
	"parley/talks"
)

// A passkey ceremony's state travels from its first request to its second
// in a signed cookie, bound to its kind, so that any node can finish it.
const (
	ceremonyCookie = "parley_ceremony"
	ceremonyTTL    = 5 * time.Minute
)

// setCeremony keeps a ceremony in its cookie.
func (s *Server) setCeremony(w http.ResponseWriter, r *http.Request, kind string, c *auth.Ceremony) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	v, err := s.sign(r.Context(), "ceremony "+kind, base64.RawURLEncoding.EncodeToString(b))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ceremonyCookie, Value: v, Path: "/api/v1/", MaxAge: int(ceremonyTTL / time.Second),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
	return nil
}

// takeCeremony returns the ceremony of that kind the request carries, and
// clears it: a ceremony is finished once.
func (s *Server) takeCeremony(w http.ResponseWriter, r *http.Request, kind string) (*auth.Ceremony, error) {
	missing := parley.Errorf(parley.EINVALID, "no passkey ceremony in progress; start again")
	ck, err := r.Cookie(ceremonyCookie)
	if err != nil {
		return nil, missing
	}
	http.SetCookie(w, &http.Cookie{Name: ceremonyCookie, Value: "", Path: "/api/v1/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
	v, ok := s.verify(r.Context(), "ceremony "+kind, ck.Value)
	if !ok {
		return nil, missing
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, missing
	}
	var c auth.Ceremony
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, missing
	}
	return &c, nil
}

// PasskeyResponse carries a browser's answer to a passkey ceremony (the
// PublicKeyCredential as its toJSON gives it).
type PasskeyResponse struct {
	Credential jsontext.Value `json:"credential"`
}

// PasskeyRequest is the body of POST /api/v1/me/passkeys.
type PasskeyRequest struct {
	Name       string         `json:"name"`
	Credential jsontext.Value `json:"credential"`
}

// PasskeyList answers GET /api/v1/me/passkeys.
type PasskeyList struct {
	Passkeys []parley.Passkey `json:"passkeys"`
}

// limitSignIn applies the sign-in limit of the client's address.
func (s *Server) limitSignIn(r *http.Request) error {
	if !s.limits.allow("addr " + s.clientAddr(r)) {
		return parley.Errorf(parley.ERATELIMIT, "too many sign-in attempts; wait a little")
	}
	return nil
}

// apiPasskeyLoginOptions begins a passkey sign-in.
func (s *Server) apiPasskeyLoginOptions(w http.ResponseWriter, r *http.Request) {
	if err := s.limitSignIn(r); err != nil {
		s.fail(w, r, err)
		return
	}
	opts, c, err := s.Auth.BeginLogin()
	if err == nil {
		err = s.setCeremony(w, r, "login", c)
	}
	var raw jsontext.Value
	if err == nil {
		raw, err = options(opts)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, raw)
}

// options encodes a ceremony's options as the WebAuthn library defines
// them (encoding/json, whose omitempty the library's types are written
// for).
func options(v any) (jsontext.Value, error) {
	b, err := json.Marshal(v)
	return jsontext.Value(b), err
}

// apiPasskeyLogin finishes a passkey sign-in and opens a session.
func (s *Server) apiPasskeyLogin(w http.ResponseWriter, r *http.Request) {
	var req PasskeyResponse
	err := decode(w, r, &req)
	var c *auth.Ceremony
	if err == nil {
		c, err = s.takeCeremony(w, r, "login")
	}
	var secret string
	var u *parley.User
	if err == nil {
		secret, u, err = s.Auth.FinishLogin(r.Context(), c, req.Credential)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, secret)
	s.writeJSON(w, r, http.StatusOK, u)
}

func (s *Server) apiPasskeys(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	pks, err := s.Auth.Passkeys(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	return PasskeyList{Passkeys: pks}, nil
}

// unlimited refuses account changes to a limited token.
func unlimited(u *parley.User) error {
	if u.Grant.Limited() {
		return parley.Errorf(parley.EFORBIDDEN, "this token is limited; use a session or an unlimited token")
	}
	return nil
}

func (s *Server) apiPasskeyOptions(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := unlimited(u); err != nil {
		return nil, err
	}
	opts, c, err := s.Auth.BeginRegistration(r.Context(), u.ID, u.Name, u.DisplayName)
	if err != nil {
		return nil, err
	}
	if err := s.setCeremony(w, r, "register", c); err != nil {
		return nil, err
	}
	return options(opts)
}

func (s *Server) apiAddPasskey(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := unlimited(u); err != nil {
		return nil, err
	}
	var req PasskeyRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	c, err := s.takeCeremony(w, r, "register")
	if err != nil {
		return nil, err
	}
	pk, err := s.Auth.AddPasskey(r.Context(), u, c, req.Name, req.Credential)
	if err != nil {
		return nil, err
	}
	return created{"/api/v1/me/passkeys", pk}, nil
}

func (s *Server) apiRemovePasskey(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := unlimited(u); err != nil {
		return nil, err
	}
	if err := s.Auth.RemovePasskey(r.Context(), u, r.PathValue("passkey")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// InvitationRequest names an invitation by its secret: the link's
// fragment, sent in a body so that it stays out of URLs and logs.
type InvitationRequest struct {
	Token string `json:"token"`
}

// AcceptOptionsRequest is the body of POST /api/v1/invitations/options.
type AcceptOptionsRequest struct {
	Token       string `json:"token"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// AcceptRequest is the body of POST /api/v1/invitations/accept.
type AcceptRequest struct {
	Token       string         `json:"token"`
	PasskeyName string         `json:"passkey_name"`
	Credential  jsontext.Value `json:"credential"`
}

// anonymous wraps a handler for people not signed in yet (invitations),
// limited per address like sign-in.
func (s *Server) anonymous(h func(w http.ResponseWriter, r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.limitSignIn(r); err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := h(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if c, ok := v.(created); ok {
			w.Header().Set("Location", c.location)
			s.writeJSON(w, r, http.StatusCreated, c.body)
			return
		}
		s.writeJSON(w, r, http.StatusOK, v)
	}
}

func (s *Server) apiLookupInvitation(w http.ResponseWriter, r *http.Request) (any, error) {
	var req InvitationRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.LookupInvitation(r.Context(), req.Token)
}

func (s *Server) apiAcceptOptions(w http.ResponseWriter, r *http.Request) (any, error) {
	var req AcceptOptionsRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	na := talks.NewAccount{Name: strings.TrimSpace(req.Name), DisplayName: strings.TrimSpace(req.DisplayName)}
	if err := s.Talks.CheckAccount(r.Context(), req.Token, na); err != nil {
		return nil, err
	}
	if na.DisplayName == "" {
		na.DisplayName = na.Name
	}
	opts, c, err := s.Auth.BeginRegistration(r.Context(), parley.NewID("u_"), na.Name, na.DisplayName)
	if err != nil {
		return nil, err
	}
	c.Invitation = auth.HashSecret(req.Token)
	if err := s.setCeremony(w, r, "invite", c); err != nil {
		return nil, err
	}
	return options(opts)
}

func (s *Server) apiAcceptInvitation(w http.ResponseWriter, r *http.Request) (any, error) {
	var req AcceptRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	c, err := s.takeCeremony(w, r, "invite")
	if err != nil {
		return nil, err
	}
	if string(c.Invitation) != string(auth.HashSecret(req.Token)) {
		return nil, parley.Errorf(parley.EINVALID, "this passkey ceremony is for another invitation")
	}
	pk, err := s.Auth.FinishRegistration(c, req.PasskeyName, req.Credential)
	if err != nil {
		return nil, err
	}
	u, err := s.Talks.AcceptInvitation(r.Context(), req.Token, talks.NewAccount{ID: c.AccountID, Name: c.AccountName, DisplayName: c.Display}, pk)
	if err != nil {
		return nil, err
	}
	secret, err := s.Auth.StartSession(r.Context(), u)
	if err != nil {
		return nil, err
	}
	s.startSession(w, r, secret)
	return created{"/api/v1/users/" + url.PathEscape(u.ID), u}, nil
}

// InvitationCreated answers POST /api/v1/talks/{id}/invitations: the link
// holds the secret, shown this once.
type InvitationCreated struct {
	parley.Invitation
	Link string `json:"link"`
}

// InvitationList answers GET /api/v1/talks/{id}/invitations.
type InvitationList struct {
	Invitations []parley.Invitation `json:"invitations"`
}

// InviteLink is the link that accepts an invitation: the secret is in the
// fragment, which browsers never send to a server.
func InviteLink(base, secret string) string {
	return strings.TrimSuffix(base, "/") + "/invite#" + secret
}

// publicBase is the site's address for links: PublicURL, or what the
// request was made to.
func (s *Server) publicBase(r *http.Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || s.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewInvitation
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	inv, secret, err := s.Talks.Invite(r.Context(), u, id, req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(id, "/invitations"), InvitationCreated{Invitation: *inv, Link: InviteLink(s.publicBase(r), secret)}}, nil
}

func (s *Server) apiInvitations(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	invs, err := s.Talks.Invitations(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return InvitationList{Invitations: invs}, nil
}

func (s *Server) apiRevokeInvitation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := s.Talks.RevokeInvitation(r.Context(), u, r.PathValue("id"), r.PathValue("inv")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// Pages.

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "invite", pageData{})
}

// accountData is the data of the account page.
type accountData struct {
	Passkeys []parley.Passkey
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	pks, err := s.Auth.Passkeys(r.Context(), u.ID)
	return "account", accountData{Passkeys: pks}, err
}

func (s *Server) removePasskeySubmit(r *http.Request, u *parley.User) (string, string, error) {
	if err := s.Auth.RemovePasskey(r.Context(), u, r.PathValue("passkey")); err != nil {
		return "/account", "", err
	}
	return "/account", "passkey removed", nil
}

func (s *Server) signOutEverywhereSubmit(r *http.Request, u *parley.User) (string, string, error) {
	return "/login", "", s.Auth.SignOutEverywhere(r.Context(), u.ID)
}
