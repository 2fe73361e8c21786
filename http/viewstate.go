package http

import (
	"net/http"

	"parley"
)

// LanguageSetting is the body and answer of PUT /api/v1/me/language.
type LanguageSetting struct {
	// Language is "en", "ar", "he", or "" to follow the browser.
	Language string `json:"language"`
}

// ReadMarker is the body of POST .../rooms/{room}/read: the RoomSeq of the
// newest message the user has seen.
type ReadMarker struct {
	Seq int64 `json:"seq"`
}

// NotifySetting is the body and answer of PUT .../rooms/{room}/notify.
type NotifySetting struct {
	Notify bool `json:"notify"`
}

// RoomStateList answers GET /api/v1/talks/{id}/unread.
type RoomStateList struct {
	Rooms []parley.RoomState `json:"rooms"`
}

func (s *Server) apiLanguage(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	lang, err := s.Talks.Language(r.Context(), u)
	return LanguageSetting{Language: lang}, err
}

func (s *Server) apiSetLanguage(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req LanguageSetting
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return req, s.Talks.SetLanguage(r.Context(), u, req.Language)
}

func (s *Server) apiUnread(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	rs, err := s.Talks.RoomStates(r.Context(), u, r.PathValue("id"))
	return RoomStateList{Rooms: rs}, err
}

func (s *Server) apiMarkRead(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req ReadMarker
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if err := s.Talks.MarkRead(r.Context(), u, r.PathValue("id"), r.PathValue("room"), req.Seq); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Server) apiSetNotify(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req NotifySetting
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return req, s.Talks.SetNotify(r.Context(), u, r.PathValue("id"), r.PathValue("room"), req.Notify)
}
