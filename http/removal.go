package http

import (
	"net/http"

	"parley"
)

// apiRemoveMember takes a member out of a delegation (204); an optional
// body gives the reason.
func (s *Server) apiRemoveMember(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req ReasonRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return nil, err
		}
	}
	if err := s.Talks.RemoveMember(r.Context(), u, r.PathValue("id"), r.PathValue("del"), r.PathValue("user"), req.Reason); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// apiRemoveDelegation takes a whole delegation out of the talks and
// answers the delegation, now removed.
func (s *Server) apiRemoveDelegation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req ReasonRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.RemoveDelegation(r.Context(), u, r.PathValue("id"), r.PathValue("del"), req.Reason)
}
