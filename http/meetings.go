package http

import (
	"net/http"
	"net/url"

	"parley"
	"parley/talks"
)

// MeetingList answers GET /api/v1/talks/{id}/meetings.
type MeetingList struct {
	Meetings []parley.Meeting `json:"meetings"`
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ms, err := s.Talks.Meetings(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return MeetingList{Meetings: ms}, nil
}

func (s *Server) apiMeeting(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Meeting(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"))
}

func (s *Server) apiRecordMeeting(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewMeeting
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	m, err := s.Talks.RecordMeeting(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(m.TalksID, "/meetings/"+url.PathEscape(m.ID)), m}, nil
}
