package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/talks"
)

// apiEvents streams the events the user may see as Server-Sent Events.
// Each event's id is its ledger sequence number; a client reconnecting with
// Last-Event-ID (or ?last_event_id=) gets exactly what it missed.
// ?talks=ID narrows the stream to one talks.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	rc := http.NewResponseController(w)
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	var cursor int64
	if last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return nil, parley.Errorf(parley.EINVALID, "Last-Event-ID must be a non-negative integer")
		}
		cursor = n
	}
	only := r.URL.Query().Get("talks")
	ctx := r.Context()

	sub, stop := s.Bus.Subscribe()
	defer func() { stop() }()
	f := s.Talks.NewFilter(u)

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")

	// send writes one delivery. A released event (held for a withdrawn party
	// and shown now) goes without an id, so that the client's Last-Event-ID
	// stays at the newest event it has seen.
	send := func(d *talks.Delivery) error {
		if only != "" && d.Talks != only {
			return nil
		}
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
	// catchUp sends every visible event after cursor from the store.
	catchUp := func() error {
		for {
			evs, cur, err := s.Talks.Deliveries(ctx, f, cursor, 500)
			if err != nil {
				return err
			}
			for i := range evs {
				if err := send(&evs[i]); err != nil {
					return err
				}
			}
			cursor = cur
			if len(evs) < 500 {
				return rc.Flush()
			}
		}
	}
	if err := catchUp(); err != nil {
		return s.streamEnd(r, err)
	}
	tick := time.NewTicker(s.HeartbeatEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-tick.C:
			// A session that was signed out or expired ends its streams.
			if _, err := s.user(r); err != nil {
				return nil, nil
			}
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil, nil
			}
			if err := rc.Flush(); err != nil {
				return nil, nil
			}
		case e, ok := <-sub:
			if !ok {
				// Cut off for lagging: subscribe again and catch up from the store.
				sub, stop = s.Bus.Subscribe()
				if err := catchUp(); err != nil {
					return s.streamEnd(r, err)
				}
				continue
			}
			if e.Seq <= cursor {
				continue
			}
			if e.Seq > cursor+1 {
				if err := catchUp(); err != nil {
					return s.streamEnd(r, err)
				}
				continue
			}
			ds, err := s.Talks.Deliver(ctx, f, &e)
			if err != nil {
				return s.streamEnd(r, err)
			}
			cursor = e.Seq
			for i := range ds {
				if err := send(&ds[i]); err != nil {
					return nil, nil
				}
			}
			if len(ds) > 0 {
				if err := rc.Flush(); err != nil {
					return nil, nil
				}
			}
		}
	}
}

// streamEnd logs why a stream stopped; the response has begun, so nothing
// more can be sent.
func (s *Server) streamEnd(r *http.Request, err error) (any, error) {
	if r.Context().Err() == nil {
		s.Log.Warn("event stream ended", "err", err)
	}
	return nil, nil
}
