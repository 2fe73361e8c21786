package http

import (
	"net/http"
	"net/url"

	"parley"
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
	ss, err := s.Auth.Tokens(r.Context(), u)
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
	ss, err := s.Auth.Tokens(r.Context(), u)
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
	secret, sess, err := s.Auth.IssueToken(r.Context(), u, req.Name)
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
	if err := s.Auth.RevokeToken(r.Context(), u, r.PathValue("tok")); err != nil {
		return nil, err
	}
	return noContent{}, nil
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
