package http

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"parley"
	"parley/talks"
)

// roomData is the data of a room page and of its fragments.
type roomData struct {
	*overview
	Room parley.Room
	Page *talks.Page
	// State is the user's state of the room as the page was read: Read is
	// the marker before this visit, so that the page can show what is new.
	State parley.RoomState
	// FirstUnread is the RoomSeq of the first message new since the last
	// visit, 0 for none.
	FirstUnread int64
	// Older says the page shows older messages (?before=), not the newest.
	Older bool
	// The message form, as submitted, when the server refused it.
	Text       string
	Disclosure parley.Disclosure
	FormError  string
	// Disclosures are the choices of the message form.
	Disclosures []parley.Disclosure
	MaxBytes    int
	// Fragment renders only messages, for the page's script.
	Fragment bool
}

// room loads a room page's data: the newest messages, or those before
// ?before=.
func (s *Server) room(r *http.Request, u *parley.User) (*roomData, error) {
	before, hasBefore, err := intParam(r, "before")
	if err != nil {
		return nil, err
	}
	o, err := s.view(r, u)
	if err != nil {
		return nil, err
	}
	name := r.PathValue("room")
	d := &roomData{overview: o, Older: hasBefore && before > 0, MaxBytes: parley.MaxMessageBytes, Disclosure: parley.Relayable}
	d.Section = "room:" + name
	found := false
	for _, rm := range o.Rooms {
		if rm.Name == name {
			d.Room, found = rm, true
		}
	}
	if !found {
		return nil, parley.Errorf(parley.ENOTFOUND, "room not found")
	}
	for _, st := range o.States {
		if st.Room == name {
			d.State = st
		}
	}
	d.Disclosures = []parley.Disclosure{parley.MediatorOnly, parley.Relayable, parley.Public}
	switch {
	case name == parley.RoomBriefing || name == parley.RoomPlenary:
		d.Disclosures = []parley.Disclosure{parley.Relayable, parley.Public}
	}
	if d.Page, err = s.Talks.MessagesBefore(r.Context(), u, o.ID, name, before, 0); err != nil {
		return nil, err
	}
	for _, m := range d.Page.Messages {
		if m.RoomSeq > d.State.Read && m.Author != u.ID {
			d.FirstUnread = m.RoomSeq
			break
		}
	}
	return d, nil
}

func (s *Server) roomPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	d, err := s.room(r, u)
	if err != nil {
		return "", nil, err
	}
	// Opening the room at its newest messages reads them.
	if n := len(d.Page.Messages); n > 0 && !d.Older {
		if err := s.Talks.MarkRead(r.Context(), u, d.ID, d.Room.Name, d.Page.Messages[n-1].RoomSeq); err != nil {
			return "", nil, err
		}
		for i := range d.States {
			if d.States[i].Room == d.Room.Name {
				d.States[i].Unread = 0
			}
		}
	}
	return "room", d, nil
}

// roomFragment serves messages of a room as HTML list items, rendered by
// the same template as the page: ?after=N for those that arrived live,
// ?before=N for older ones (the X-Prev header then holds the next cursor).
// It reads through the same service call and rules as the page.
func (s *Server) roomFragment(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	after, hasAfter, err := intParam(r, "after")
	if err != nil {
		return "", nil, err
	}
	d, err := s.roomFor(r, u)
	if err != nil {
		return "", nil, err
	}
	if hasAfter {
		d.Page, err = s.Talks.Messages(r.Context(), u, d.ID, d.Room.Name, after, 0)
	} else {
		before, _, err2 := intParam(r, "before")
		if err2 != nil {
			return "", nil, err2
		}
		d.Page, err = s.Talks.MessagesBefore(r.Context(), u, d.ID, d.Room.Name, before, 0)
		if err == nil {
			w.Header().Set("X-Prev", d.Page.Prev)
		}
	}
	return "room", d, err
}

// roomFor loads the talks and checks the room for a fragment or a form.
func (s *Server) roomFor(r *http.Request, u *parley.User) (*roomData, error) {
	o, err := s.view(r, u)
	if err != nil {
		return nil, err
	}
	d := &roomData{overview: o, MaxBytes: parley.MaxMessageBytes, Fragment: true}
	for _, rm := range o.Rooms {
		if rm.Name == r.PathValue("room") {
			d.Room = rm
			return d, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "room not found")
}

// fragment wraps a handler whose answer is a piece of a page: the
// template's "fragment" block, with errors as plain text and their status.
func (s *Server) fragment(h func(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.pageUser(r)
		if err != nil {
			http.Error(w, "sign in required", http.StatusUnauthorized)
			return
		}
		r = withLocale(r, s.locale(r, u))
		name, data, err := h(w, r, u)
		if err != nil {
			s.fragmentError(w, r, err)
			return
		}
		s.renderFragment(w, r, http.StatusOK, name, data)
	}
}

func (s *Server) fragmentError(w http.ResponseWriter, r *http.Request, err error) {
	msg := parley.ErrorMessage(err)
	if parley.ErrorCode(err) == parley.EINTERNAL {
		id := requestID()
		s.Log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		msg += " (" + tr(r).T("request %s", id) + ")"
	}
	if parley.Retryable(err) {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(statusOf[parley.ErrorCode(err)])
	w.Write([]byte(msg))
}

func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.tmpl[tr(r).Code][name].ExecuteTemplate(&buf, "fragment", data); err != nil {
		s.fragmentError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fetched reports whether a form was sent by the page's script, which
// wants a fragment or a plain-text error rather than a redirect.
func fetched(r *http.Request) bool { return r.Header.Get("X-Parley-Fetch") == "1" }

// formText reads a text field as the server counts it: line breaks as
// the browser typed them (one byte each), not as a form sends them.
func formText(r *http.Request, name string) string {
	return strings.ReplaceAll(r.PostForm.Get(name), "\r\n", "\n")
}

// postSubmit posts a message. Sent by the page's script it answers with the
// new message rendered as on the page; without the script it returns to
// the room, or renders the room again with the text kept and the server's
// message next to the form.
func (s *Server) postSubmit(w http.ResponseWriter, r *http.Request) {
	u, err := s.pageUser(r)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	r = withLocale(r, s.locale(r, u))
	if err := s.limitPost(r, u); err != nil {
		if fetched(r) {
			s.fragmentError(w, r, err)
		} else {
			s.renderError(w, r, u, err)
		}
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		err = formError(err)
		if fetched(r) {
			s.fragmentError(w, r, err)
		} else {
			s.renderError(w, r, u, err)
		}
		return
	}
	id, room := r.PathValue("id"), r.PathValue("room")
	nm := talks.NewMessage{Text: formText(r, "text"), Disclosure: parley.Disclosure(r.PostForm.Get("disclosure"))}
	m, err := s.Talks.Post(r.Context(), u, id, room, nm)
	if err == nil {
		// One's own message is read.
		err = s.Talks.MarkRead(r.Context(), u, id, room, m.RoomSeq)
	}
	if err != nil {
		if fetched(r) || parley.ErrorCode(err) == parley.EINTERNAL {
			if fetched(r) {
				s.fragmentError(w, r, err)
			} else {
				s.renderError(w, r, u, err)
			}
			return
		}
		d, lerr := s.room(r, u)
		if lerr != nil {
			s.renderError(w, r, u, err)
			return
		}
		d.Text, d.Disclosure, d.FormError = nm.Text, nm.Disclosure, parley.ErrorMessage(err)
		pd := pageData{User: u, Data: d, L: tr(r), Live: d.live()}
		pd.Live.LastEvent, _ = s.Talks.LastSeq(r.Context())
		s.render(w, r, statusOf[parley.ErrorCode(err)], "room", pd)
		return
	}
	if !fetched(r) {
		http.Redirect(w, r, "/talks/"+url.PathEscape(id)+"/rooms/"+url.PathEscape(room)+"#"+m.ID, http.StatusSeeOther)
		return
	}
	d, err := s.roomFor(r, u)
	if err != nil {
		s.fragmentError(w, r, err)
		return
	}
	d.Page = &talks.Page{Messages: []parley.Message{*m}}
	w.Header().Set("X-Seq", strconv.FormatInt(m.RoomSeq, 10))
	s.renderFragment(w, r, http.StatusCreated, "room", d)
}

// notifySubmit turns desktop notifications of a room on or off.
func (s *Server) notifySubmit(r *http.Request, u *parley.User) (string, string, error) {
	id, room := r.PathValue("id"), r.PathValue("room")
	on := r.PostForm.Get("notify") == "on"
	if err := s.Talks.SetNotify(r.Context(), u, id, room, on); err != nil {
		return "", "", err
	}
	msg := tr(r).T("Notifications of this room are off.")
	if on {
		msg = tr(r).T("Notifications of this room are on: this browser will tell you of new messages while parley is open.")
	}
	return "/talks/" + url.PathEscape(id) + "/rooms/" + url.PathEscape(room), msg, nil
}
