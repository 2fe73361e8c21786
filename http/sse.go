package http

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-json-experiment/json"

	"parley"
	"parley/talks"
)

// apiEvents streams the events the user may see as Server-Sent Events: it
// only formats what talks.Service.Stream yields. Each event's id is its
// ledger seq; a client reconnecting with Last-Event-ID (or ?last_event_id=)
// gets exactly what it missed. ?talks=ID narrows the stream to one talks.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	var after int64
	if last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return nil, parley.Errorf(parley.EINVALID, "Last-Event-ID must be a non-negative integer")
		}
		after = n
	}
	closeStream, err := s.openStream(r, u)
	if err != nil {
		return nil, err
	}
	defer closeStream()
	rc := http.NewResponseController(w)
	// A client that stops reading is cut off: each write must get through
	// within StreamWriteTimeout.
	deadline := func() {
		if s.StreamWriteTimeout > 0 {
			rc.SetWriteDeadline(time.Now().Add(s.StreamWriteTimeout))
		}
	}
	deadline()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	if rc.Flush() != nil {
		return nil, nil
	}
	opts := talks.StreamOptions{After: after, Talks: r.URL.Query().Get("talks"), Idle: s.HeartbeatEvery}
	for d, err := range s.Talks.Stream(r.Context(), u, opts) {
		deadline()
		if err != nil {
			if r.Context().Err() == nil {
				s.Log.Warn("event stream ended", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			return nil, nil
		}
		if d.Seq == 0 {
			// Idle: a session that was signed out or expired ends its
			// streams; the others get a comment to keep proxies open.
			if _, err := s.user(r); err != nil {
				return nil, nil
			}
			fmt.Fprint(w, ": ping\n\n")
		} else if writeEvent(w, &d) != nil {
			return nil, nil
		}
		if rc.Flush() != nil {
			return nil, nil
		}
	}
	return nil, nil
}

// writeEvent writes one delivery. A released event (held for a withdrawn
// party and shown now) goes without an id, so that the client's
// Last-Event-ID stays at the newest event it has seen.
func writeEvent(w http.ResponseWriter, d *talks.Delivery) error {
	b, err := json.Marshal(&d.Event)
	if err != nil {
		return err
	}
	if !d.Released {
		fmt.Fprintf(w, "id: %d\n", d.Seq)
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", d.Kind, b)
	return err
}
