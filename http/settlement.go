package http

import (
	"net/http"
	"net/url"

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

// ReflectionList answers GET /api/v1/talks/{id}/reflections.
type ReflectionList struct {
	Reflections []talks.ReflectionView `json:"reflections"`
}

func (s *Server) apiReflections(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	rs, err := s.Talks.Reflections(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return ReflectionList{Reflections: rs}, nil
}

func (s *Server) apiReflection(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Reflection(r.Context(), u, r.PathValue("id"), r.PathValue("rid"))
}

func (s *Server) apiReflect(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewReflection
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	v, err := s.Talks.Reflect(r.Context(), u, id, req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(id, "/reflections/"+url.PathEscape(v.ID)), v}, nil
}

func (s *Server) apiAnswerReflection(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.ReflectionAnswer
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.AnswerReflection(r.Context(), u, r.PathValue("id"), r.PathValue("rid"), req)
}

func (s *Server) apiWithdrawReflection(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	if err := s.Talks.WithdrawReflection(r.Context(), u, r.PathValue("id"), r.PathValue("rid")); err != nil {
		return nil, err
	}
	return noContent{}, nil
}
