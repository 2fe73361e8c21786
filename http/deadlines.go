package http

import (
	"net/http"
	"net/url"

	"parley"
	"parley/talks"
)

// DeadlineList answers GET /api/v1/talks/{id}/deadlines.
type DeadlineList struct {
	Deadlines []parley.Countdown `json:"deadlines"`
}

// TimelineList answers GET /api/v1/talks/{id}/timeline.
type TimelineList struct {
	Timeline []parley.TimelineEntry `json:"timeline"`
}

func (s *Server) apiDeadlines(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ds, err := s.Talks.Deadlines(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return DeadlineList{Deadlines: ds}, nil
}

func (s *Server) apiDeadline(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ds, err := s.Talks.Deadlines(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.ID == r.PathValue("deadline") {
			return d, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "deadline not found")
}

func (s *Server) apiSetDeadline(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewDeadline
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	d, err := s.Talks.SetDeadline(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(d.TalksID, "/deadlines/"+url.PathEscape(d.ID)), d}, nil
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	tl, err := s.Talks.Timeline(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return TimelineList{Timeline: tl}, nil
}
