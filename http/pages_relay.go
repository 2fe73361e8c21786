package http

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"parley"
	"parley/talks"
)

// relayData is the data of the relay page: the message, the rooms it may
// go to, the choices (narrowest by default) and, after "Preview", the
// message exactly as its recipients will see it.
type relayData struct {
	*overview
	Source  *parley.Message
	Targets []relayTarget
	// The form's values.
	Target      string
	Mode        parley.RelayMode
	Attribution parley.Attribution
	Disclosure  parley.Disclosure
	Text        string
	// Disclosures are those the relay may have: the source's or narrower.
	Disclosures []parley.Disclosure
	// Preview is the relayed message as its recipients will see it,
	// rendered by the same template as a room's messages.
	Preview *parley.Message
	// Digest binds the preview to the values it showed.
	Digest string
	// Named lists the delegations and people an anonymous text names.
	Named []string
	// Held names the withdrawn party the relay will be held for.
	Held      string
	FormError string
	MaxBytes  int
	// PreviewView renders the preview without relay links.
	PreviewView *overview
}

// relayTarget is a room a message may be relayed to.
type relayTarget struct {
	Room string
	// Held says the room's party has withdrawn: the relay waits for it.
	Held bool
}

// relayForm loads the relay page's data for the message in the query or
// the form.
func (s *Server) relayForm(r *http.Request, u *parley.User, room, msgID string) (*relayData, error) {
	o, err := s.view(r, u)
	if err != nil {
		return nil, err
	}
	if !o.CanRelay {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an engaged mediator of live talks can relay messages")
	}
	src, err := s.Talks.Message(r.Context(), u, o.ID, room, msgID)
	if err != nil {
		return nil, err
	}
	if src.Disclosure == parley.MediatorOnly {
		return nil, parley.Errorf(parley.EFORBIDDEN, "the message is mediator-only and cannot be relayed")
	}
	d := &relayData{overview: o, Source: src, Mode: parley.Paraphrase, Attribution: parley.Anonymous, Text: src.Text, MaxBytes: parley.MaxMessageBytes}
	d.Section = "room:" + room
	d.PreviewView = &overview{View: o.View, Names: o.Names}
	for _, disc := range []parley.Disclosure{parley.MediatorOnly, parley.Relayable, parley.Public} {
		d.Disclosures = append(d.Disclosures, disc)
		if disc == src.Disclosure {
			break
		}
	}
	d.Disclosure = d.Disclosures[0]
	held := map[string]bool{}
	for _, del := range o.Delegations {
		if del.Kind == parley.KindParty && del.Presence == parley.PresenceWithdrawn {
			held[parley.CaucusRoom(del.Slug)] = true
		}
	}
	for _, rm := range o.Rooms {
		// Only rooms the relay can reach: writable, not the source, and
		// the observers' briefing only for public words.
		if !rm.Writable || rm.Name == room || rm.Name == parley.RoomBriefing && src.Disclosure != parley.Public {
			continue
		}
		d.Targets = append(d.Targets, relayTarget{Room: rm.Name, Held: held[rm.Name]})
	}
	return d, nil
}

func (s *Server) relayPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	q := r.URL.Query()
	d, err := s.relayForm(r, u, q.Get("room"), q.Get("message"))
	return "relay", d, err
}

// relayDigest binds a preview to what it showed.
func relayDigest(nr talks.NewRelay) string {
	h := sha256.Sum256([]byte(strings.Join([]string{nr.SourceRoom, nr.MessageID, nr.TargetRoom, string(nr.Mode), string(nr.Attribution), string(nr.Disclosure), nr.Text}, "\x00")))
	return hex.EncodeToString(h[:12])
}

// relaySubmit previews a relay (step=preview) or sends it (step=send).
// Sending needs a preview of exactly the values sent; otherwise, and on any
// refusal, the page comes back with the values kept. After sending, the
// mediator stays in the source room.
func (s *Server) relaySubmit(w http.ResponseWriter, r *http.Request) {
	u, err := s.pageUser(r)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	l := s.locale(r, u)
	r = withLocale(r, l)
	if err := s.limitPost(r, u); err != nil {
		s.renderError(w, r, u, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, u, formError(err))
		return
	}
	f := r.PostForm
	d, err := s.relayForm(r, u, f.Get("source_room"), f.Get("message_id"))
	if err != nil {
		s.renderError(w, r, u, err)
		return
	}
	d.Target, d.Mode, d.Attribution, d.Disclosure, d.Text = f.Get("target_room"), parley.RelayMode(f.Get("mode")), parley.Attribution(f.Get("attribution")), parley.Disclosure(f.Get("disclosure")), formText(r, "text")
	nr := talks.NewRelay{SourceRoom: d.Source.Room, MessageID: d.Source.ID, TargetRoom: d.Target, Mode: d.Mode, Attribution: d.Attribution, Disclosure: d.Disclosure}
	status := http.StatusOK
	switch {
	case d.Target == "":
		d.FormError = l.T("Choose the room the message goes to.")
	case d.Mode == parley.Verbatim && strings.TrimSpace(d.Text) != strings.TrimSpace(d.Source.Text):
		// Never drop words typed by the mediator without saying so.
		d.FormError = l.T("You changed the wording but chose verbatim. Choose “paraphrase” to send your wording, or restore the original text.")
	default:
		if d.Mode == parley.Paraphrase {
			nr.Text = d.Text
		}
		preview, err := s.Talks.PreviewRelay(r.Context(), u, d.ID, nr)
		if err != nil {
			if parley.ErrorCode(err) == parley.EINTERNAL {
				s.renderError(w, r, u, err)
				return
			}
			d.FormError, status = parley.ErrorMessage(err), statusOf[parley.ErrorCode(err)]
			break
		}
		digest := relayDigest(nr)
		if f.Get("step") == "send" && f.Get("digest") == digest {
			m, err := s.Talks.Relay(r.Context(), u, d.ID, nr)
			if err != nil {
				if parley.ErrorCode(err) == parley.EINTERNAL {
					s.renderError(w, r, u, err)
					return
				}
				d.FormError, status = parley.ErrorMessage(err), statusOf[parley.ErrorCode(err)]
				break
			}
			s.flash(w, r, flashOK, l.T("Relayed to %s.", roomLabel(l, m.Room, d.Names)))
			http.Redirect(w, r, "/talks/"+url.PathEscape(d.ID)+"/rooms/"+url.PathEscape(d.Source.Room)+"#"+d.Source.ID, http.StatusSeeOther)
			return
		}
		if f.Get("step") == "send" {
			d.FormError = l.T("The relay changed since its preview: check the preview below and send again.")
		}
		d.Preview, d.Digest = preview, digest
		if d.Attribution == parley.Anonymous {
			d.Named = namedIn(d.overview, preview.Text)
		}
		for _, t := range d.Targets {
			if t.Room == d.Target && t.Held {
				d.Held = d.Names[t.Room]
			}
		}
	}
	s.render(w, r, status, "relay", pageData{User: u, Data: d, L: l})
}

// namedIn lists the delegations and members whose names appear in text:
// words relayed anonymously that still say who spoke.
func namedIn(o *overview, text string) []string {
	lower := strings.ToLower(text)
	var out []string
	seen := map[string]bool{}
	has := func(name string) bool {
		n := strings.ToLower(strings.TrimSpace(name))
		if len([]rune(n)) < 3 {
			return false
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], n)
			if j < 0 {
				return false
			}
			j += i
			before, after := j == 0 || !isWordRune(lastRune(lower[:j])), j+len(n) == len(lower) || !isWordRune([]rune(lower[j+len(n):])[0])
			if before && after {
				return true
			}
			i = j + 1
		}
	}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, d := range o.Delegations {
		if has(d.Name) || has(d.Slug) {
			add(d.Name)
		}
	}
	for _, m := range o.Members {
		words := strings.Fields(m.DisplayName)
		if has(m.DisplayName) || has(m.UserName) || len(words) > 1 && len([]rune(words[len(words)-1])) >= 4 && has(words[len(words)-1]) {
			add(m.DisplayName)
		}
	}
	return out
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
