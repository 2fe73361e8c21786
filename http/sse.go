package http

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json"

	"parley"
	"parley/talks"
)

// apiEvents streams the events the user may see as Server-Sent Events: it
// only formats what talks.Service.Stream yields. Each event's id is its
// ledger seq. A new connection starts at the present; one that resumes
// with Last-Event-ID (or ?last_event_id=) gets exactly what it missed, and
// ?from=SEQ asks for every event after SEQ (0: the whole history, read
// from the store in pages). ?talks=ID narrows the stream to one talks.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	after, err := streamStart(r)
	if err != nil {
		return nil, err
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
	// Writes are buffered by the response and reach the connection at
	// each flush, with a deadline: a client that stops reading is cut off
	// instead of holding the stream, and resumes with Last-Event-ID.
	flush := func() bool {
		deadline()
		return rc.Flush() == nil
	}
	io.WriteString(w, "retry: 2000\n\n")
	if !flush() {
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
			// Heartbeat: a session that was signed out or expired ends
			// its streams; the others get a comment to keep proxies open.
			if _, err := s.user(r); err != nil {
				return nil, nil
			}
			io.WriteString(w, ": ping\n\n")
		} else if s.frames.write(w, &d) != nil {
			return nil, nil
		}
		if d.Flush && !flush() {
			return nil, nil
		}
	}
	return nil, nil
}

// streamStart returns where a stream starts: after the Last-Event-ID
// header's seq, else after ?last_event_id= (for clients that cannot set
// headers), else after ?from=, else at the present.
func streamStart(r *http.Request) (int64, error) {
	q := r.URL.Query()
	for _, p := range []struct{ name, v string }{
		{"Last-Event-ID", r.Header.Get("Last-Event-ID")}, {"last_event_id", q.Get("last_event_id")}, {"from", q.Get("from")},
	} {
		if p.v == "" {
			continue
		}
		n, err := strconv.ParseInt(p.v, 10, 64)
		if err != nil || n < 0 {
			return 0, parley.Errorf(parley.EINVALID, "%s must be a non-negative integer", p.name)
		}
		return n, nil
	}
	return talks.FromNow, nil
}

// frameCache keeps the encoded data of recent events by seq: an event is
// the same for every user who may see it, so each is encoded once however
// many streams carry it.
type frameCache struct {
	slots [4096]atomic.Pointer[frame]
}

type frame struct {
	seq  int64
	data []byte
}

// write writes one delivery. A released event (held for a withdrawn party
// and shown now) goes without an id, so that the client's Last-Event-ID
// stays at the newest event it has seen.
func (c *frameCache) write(w io.Writer, d *talks.Delivery) error {
	slot := &c.slots[d.Seq%int64(len(c.slots))]
	f := slot.Load()
	if f == nil || f.seq != d.Seq {
		b, err := json.Marshal(&d.Event)
		if err != nil {
			return err
		}
		f = &frame{seq: d.Seq, data: b}
		slot.Store(f)
	}
	if !d.Released {
		io.WriteString(w, "id: "+strconv.FormatInt(d.Seq, 10)+"\n")
	}
	io.WriteString(w, "event: "+d.Kind+"\ndata: ")
	w.Write(f.data)
	_, err := io.WriteString(w, "\n\n")
	return err
}
