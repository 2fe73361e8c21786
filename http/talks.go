package http

import (
	"net/http"
	"net/url"
	"strconv"

	"parley"
	"parley/talks"
)

func (s *Server) apiListTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ts, err := s.Talks.List(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return TalksList{Talks: ts}, nil
}

func (s *Server) apiCreateTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req CreateTalksRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	v, err := s.Talks.CreateTalks(r.Context(), u, req.Title)
	if err != nil {
		return nil, err
	}
	return created{talksPath(v.ID, ""), v}, nil
}

// talksPath is the API path of a talks' resource.
func talksPath(id, rest string) string { return "/api/v1/talks/" + url.PathEscape(id) + rest }

func (s *Server) apiGetTalks(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Get(r.Context(), u, r.PathValue("id"))
}

func (s *Server) apiTalksStatus(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req ChangeRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.SetStatus(r.Context(), u, r.PathValue("id"), talks.StatusAction(req.Action), req.Reason)
}

func (s *Server) apiPlenary(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req PlenaryRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if req.Open == nil {
		return nil, parley.Errorf(parley.EINVALID, "open (true or false) is required")
	}
	return s.Talks.SetPlenary(r.Context(), u, r.PathValue("id"), *req.Open)
}

func (s *Server) apiListDelegations(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	v, err := s.Talks.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return DelegationList{Delegations: v.Delegations, Members: v.Members}, nil
}

func (s *Server) apiGetDelegation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	d, ms, err := s.Talks.Delegation(r.Context(), u, r.PathValue("id"), r.PathValue("del"))
	if err != nil {
		return nil, err
	}
	return DelegationView{Delegation: *d, Members: ms}, nil
}

func (s *Server) apiAddDelegation(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewDelegation
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	d, err := s.Talks.AddDelegation(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(d.TalksID, "/delegations/"+url.PathEscape(d.Slug)), d}, nil
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewMember
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	m, err := s.Talks.AddMember(r.Context(), u, id, r.PathValue("del"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(id, "/delegations/"+url.PathEscape(m.DelegationID)), m}, nil
}

func (s *Server) apiPresence(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req ChangeRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.ChangePresence(r.Context(), u, r.PathValue("id"), r.PathValue("del"), talks.PresenceAction(req.Action), req.Reason)
}

func (s *Server) apiRooms(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	rooms, err := s.Talks.Rooms(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return RoomList{Rooms: rooms}, nil
}

func (s *Server) apiMessages(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	after, _, err := intParam(r, "after")
	if err != nil {
		return nil, err
	}
	limit, _, err := intParam(r, "limit")
	if err != nil {
		return nil, err
	}
	// ?before= pages backwards: the newest messages before a room_seq
	// (before=0: the newest of all).
	if before, ok, err := intParam(r, "before"); err != nil || ok {
		if err != nil {
			return nil, err
		}
		if after > 0 {
			return nil, parley.Errorf(parley.EINVALID, "after and before cannot be combined")
		}
		return s.Talks.MessagesBefore(r.Context(), u, r.PathValue("id"), r.PathValue("room"), before, int(limit))
	}
	return s.Talks.Messages(r.Context(), u, r.PathValue("id"), r.PathValue("room"), after, int(limit))
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewMessage
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	m, err := s.Talks.Post(r.Context(), u, r.PathValue("id"), r.PathValue("room"), req)
	if err != nil {
		return nil, err
	}
	return created{messagePath(m), m}, nil
}

// messagePath is the API path of a message.
func messagePath(m *parley.Message) string {
	return talksPath(m.TalksID, "/rooms/"+url.PathEscape(m.Room)+"/messages/"+url.PathEscape(m.ID))
}

func (s *Server) apiMessage(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Message(r.Context(), u, r.PathValue("id"), r.PathValue("room"), r.PathValue("msg"))
}

func (s *Server) apiRelay(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewRelay
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	m, err := s.Talks.Relay(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{messagePath(m), m}, nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	limit, _, err := intParam(r, "limit")
	if err != nil {
		return nil, err
	}
	ms, err := s.Talks.Search(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("q"), int(limit))
	if err != nil {
		return nil, err
	}
	gs, err := s.Talks.SearchMeetings(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("q"), int(limit))
	if err != nil {
		return nil, err
	}
	return SearchResults{Messages: ms, Meetings: gs}, nil
}

// intParam parses an optional non-negative integer query parameter; it
// reports whether the parameter was given (an empty one is not).
func intParam(r *http.Request, name string) (int64, bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, true, parley.Errorf(parley.EINVALID, "%s must be a non-negative integer", name)
	}
	return n, true, nil
}
