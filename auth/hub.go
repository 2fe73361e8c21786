package auth

import "sync"

// Hub tells open event streams, at once, that the credentials they were
// opened with were revoked. It is in-process: on a deployment of several
// nodes, removals and disabled accounts reach the other nodes' streams as
// events of the log, and a revoked token's stream elsewhere ends at its
// next heartbeat, when its credential is checked again.
type Hub struct {
	mu   sync.Mutex
	subs map[*watch]struct{}
}

type watch struct {
	user, credential string
	ch               chan struct{}
}

// NewHub returns a hub with no watchers.
func NewHub() *Hub { return &Hub{subs: map[*watch]struct{}{}} }

// Watch returns a channel closed when the user's credential (or all of
// the user's credentials) is revoked, and a function to stop watching.
func (h *Hub) Watch(user, credential string) (<-chan struct{}, func()) {
	w := &watch{user: user, credential: credential, ch: make(chan struct{})}
	h.mu.Lock()
	h.subs[w] = struct{}{}
	h.mu.Unlock()
	return w.ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[w]; ok {
			delete(h.subs, w)
			close(w.ch)
		}
	}
}

// Revoke ends the watchers of one credential of the user, or of all of
// them when credential is "".
func (h *Hub) Revoke(user, credential string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.subs {
		if w.user == user && (credential == "" || w.credential == credential) {
			delete(h.subs, w)
			close(w.ch)
		}
	}
}
