package http

import (
	"net/http"

	"parley"
)

func (s *Server) apiAgreements(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	as, err := s.Talks.Agreements(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return AgreementList{Agreements: as}, nil
}

func (s *Server) apiAgreement(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Agreement(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"))
}
