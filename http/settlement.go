package http

import (
	"net/http"

	"parley"
	"parley/talks"
)

func (s *Server) apiProfile(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Profile(r.Context(), u, r.PathValue("id"))
}

func (s *Server) apiPutProfile(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewProfile
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.PutProfile(r.Context(), u, r.PathValue("id"), req)
}

func (s *Server) apiDeleteProfile(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := s.Talks.DeleteProfile(r.Context(), u, r.PathValue("id")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Server) apiGiveConsent(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.SetConsent(r.Context(), u, r.PathValue("id"), true)
}

func (s *Server) apiWithdrawConsent(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if _, err := s.Talks.SetConsent(r.Context(), u, r.PathValue("id"), false); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Server) apiSettlement(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Settlement(r.Context(), u, r.PathValue("id"))
}

func (s *Server) apiImprove(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	p := r.URL.Query().Get("proposal")
	if p == "" {
		return nil, parley.Errorf(parley.EINVALID, "proposal (a message id) is required")
	}
	return s.Talks.Improve(r.Context(), u, r.PathValue("id"), p)
}

func (s *Server) apiDance(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Dance(r.Context(), u, r.PathValue("id"))
}
