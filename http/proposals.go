package http

import (
	"net/http"

	"parley"
	"parley/talks"
)

// ProposalList answers GET /api/v1/talks/{id}/proposals.
type ProposalList struct {
	Proposals []talks.ProposalView `json:"proposals"`
}

func (s *Server) apiDomain(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Domain(r.Context(), u, r.PathValue("id"))
}

func (s *Server) apiSetDomain(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewDomain
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.SetDomain(r.Context(), u, r.PathValue("id"), req)
}

func (s *Server) apiProposals(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ps, err := s.Talks.Proposals(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return ProposalList{Proposals: ps}, nil
}

func (s *Server) apiPropose(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewProposal
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	m, err := s.Talks.Propose(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{messagePath(m), m}, nil
}
