package http

import (
	"net/http"
	"net/url"
	"time"

	"parley"
	"parley/auth"
	"parley/talks"
)

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.login(w, r, req.Name, req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, u)
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return u, nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.tokenList(r, u.ID)
}

func (s *Server) tokenList(r *http.Request, userID string) (any, error) {
	ss, err := s.Auth.Tokens(r.Context(), userID)
	if err != nil {
		return nil, err
	}
	out := TokenList{Tokens: make([]Token, len(ss))}
	for i := range ss {
		out.Tokens[i] = tokenOf(&ss[i])
	}
	return out, nil
}

func (s *Server) apiGetToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ss, err := s.Auth.Tokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	for i := range ss {
		if ss[i].ID == r.PathValue("tok") {
			return tokenOf(&ss[i]), nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "token not found")
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req TokenRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return nil, err
		}
	}
	if req.ExpiresIn < 0 {
		return nil, parley.Errorf(parley.EINVALID, "expires_in must be a positive number of seconds")
	}
	secret, sess, err := s.Auth.NewToken(r.Context(), u, auth.TokenOptions{Name: req.Name, Access: req.Access, Talks: req.Talks,
		TTL: time.Duration(min(req.ExpiresIn, int64(auth.MaxTokenTTL/time.Second)+1)) * time.Second})
	if err != nil {
		return nil, err
	}
	return created{"/api/v1/tokens/" + sess.ID, TokenCreated{Token: tokenOf(sess), Secret: secret}}, nil
}

// apiRevokeCurrentToken revokes the bearer token the request was made with.
func (s *Server) apiRevokeCurrentToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	tok, ok, _ := bearer(r)
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "only a bearer token can be revoked here; sign out to end a session")
	}
	if err := s.Auth.Logout(r.Context(), tok); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := s.Auth.RevokeToken(r.Context(), u.ID, r.PathValue("tok")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// accountOf resolves the {user} of an account path: an administrator
// reaches every account, anyone else only their own; any other is 404.
func (s *Server) accountOf(r *http.Request, u *parley.User) (*parley.User, error) {
	if u.Grant.Limited() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "this token is limited; use a session or an unlimited token")
	}
	return s.Talks.User(r.Context(), u, r.PathValue("user"))
}

func (s *Server) apiUserTokens(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	target, err := s.accountOf(r, u)
	if err != nil {
		return nil, err
	}
	return s.tokenList(r, target.ID)
}

func (s *Server) apiRevokeUserToken(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	target, err := s.accountOf(r, u)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.RevokeToken(r.Context(), target.ID, r.PathValue("tok")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// apiSignOutUser ends every session and token of an account: the user's
// own, or any account's for an administrator.
func (s *Server) apiSignOutUser(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	target, err := s.accountOf(r, u)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.SignOutEverywhere(r.Context(), target.ID); err != nil {
		return nil, err
	}
	if target.ID == u.ID {
		s.clearCookie(w, sessionCookie)
	}
	return noContent{}, nil
}

// apiSignOutEverywhere ends every session and token of the caller.
func (s *Server) apiSignOutEverywhere(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := s.Auth.SignOutEverywhere(r.Context(), u.ID); err != nil {
		return nil, err
	}
	s.clearCookie(w, sessionCookie)
	return noContent{}, nil
}

func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req DisableRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if req.Disabled == nil {
		return nil, parley.Errorf(parley.EINVALID, "disabled (true or false) is required")
	}
	return s.Talks.SetDisabled(r.Context(), u, r.PathValue("user"), *req.Disabled)
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req PasswordRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if u.Grant.Limited() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "this token is limited; use a session or an unlimited token")
	}
	keep := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		keep = c.Value
	}
	if err := s.Auth.ChangePassword(r.Context(), u, req.Current, req.New, keep); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	us, err := s.Talks.Users(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return UserList{Users: us}, nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if !u.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can create users")
	}
	var req talks.NewUser
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	nu, err := s.Talks.CreateUser(r.Context(), u, req)
	if err != nil {
		return nil, err
	}
	return created{"/api/v1/users/" + url.PathEscape(nu.ID), nu}, nil
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.User(r.Context(), u, r.PathValue("user"))
}
