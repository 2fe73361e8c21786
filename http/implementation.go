package http

import (
	"net/http"
	"net/url"
	"strconv"

	"parley"
	"parley/talks"
)

// PhaseList answers GET /api/v1/talks/{id}/agreements/{agreement}/phases.
type PhaseList struct {
	Phases []talks.PhaseView `json:"phases"`
}

// ObligationList answers GET /api/v1/talks/{id}/agreements/{agreement}/obligations.
type ObligationList struct {
	AsOf        parley.Date               `json:"as_of"`
	Obligations []parley.ObligationStatus `json:"obligations"`
}

// VerificationList answers GET /api/v1/talks/{id}/agreements/{agreement}/verifications.
type VerificationList struct {
	Verifications []parley.Verification `json:"verifications"`
}

func agreementPath(talksID, agreementID, rest string) string {
	return talksPath(talksID, "/agreements/"+url.PathEscape(agreementID)+rest)
}

func (s *Server) apiRecordAgreement(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewAgreement
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	a, err := s.Talks.RecordAgreement(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{agreementPath(a.TalksID, a.ID, ""), a}, nil
}

func (s *Server) apiPhases(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ps, err := s.Talks.Phases(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"))
	if err != nil {
		return nil, err
	}
	return PhaseList{Phases: ps}, nil
}

func (s *Server) apiPhase(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ps, err := s.Talks.Phases(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"))
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if strconv.Itoa(p.Number) == r.PathValue("n") {
			return p, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "phase not found")
}

func (s *Server) apiAddPhase(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewPhase
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	p, err := s.Talks.AddPhase(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), req)
	if err != nil {
		return nil, err
	}
	return created{agreementPath(p.TalksID, p.AgreementID, "/phases/"+strconv.Itoa(p.Number)), p}, nil
}

func (s *Server) apiObligations(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	c, err := s.Talks.Compliance(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), parley.Date(r.URL.Query().Get("as_of")))
	if err != nil {
		return nil, err
	}
	return ObligationList{AsOf: c.AsOf, Obligations: c.Obligations}, nil
}

func (s *Server) apiObligation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Obligation(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), r.PathValue("obligation"))
}

func (s *Server) apiAddObligation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewObligation
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	o, err := s.Talks.AddObligation(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), req)
	if err != nil {
		return nil, err
	}
	return created{agreementPath(o.TalksID, o.AgreementID, "/obligations/"+url.PathEscape(o.ID)), o}, nil
}

func (s *Server) apiVerifications(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	vs, err := s.Talks.Verifications(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"))
	if err != nil {
		return nil, err
	}
	return VerificationList{Verifications: vs}, nil
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewVerification
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	v, err := s.Talks.Verify(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), req)
	if err != nil {
		return nil, err
	}
	return created{agreementPath(v.TalksID, v.AgreementID, "/obligations/"+url.PathEscape(v.ObligationID)), v}, nil
}

func (s *Server) apiCompliance(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Compliance(r.Context(), u, r.PathValue("id"), r.PathValue("agreement"), parley.Date(r.URL.Query().Get("as_of")))
}
