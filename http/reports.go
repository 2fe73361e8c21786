package http

import (
	"net/http"
	"net/url"

	"parley"
	"parley/talks"
)

// ReportList answers GET /api/v1/talks/{id}/reports: reports grouped by
// subject, with the contradicting pairs of each.
type ReportList struct {
	Subjects []parley.ReportSubject `json:"subjects"`
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	gs, err := s.Talks.Reports(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("subject"))
	if err != nil {
		return nil, err
	}
	return ReportList{Subjects: gs}, nil
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Report(r.Context(), u, r.PathValue("id"), r.PathValue("report"))
}

func (s *Server) apiRecordReport(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewReport
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	rep, err := s.Talks.RecordReport(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(rep.TalksID, "/reports/"+url.PathEscape(rep.ID)), rep}, nil
}
