package talks

import (
	"context"
	"strings"

	"parley"
)

// NewMessage is a message to post.
type NewMessage struct {
	Text       string            `json:"text"`
	Disclosure parley.Disclosure `json:"disclosure"`
}

// Post adds a message to a room the actor may write in.
func (s *Service) Post(ctx context.Context, actor *parley.User, talksID, room string, nm NewMessage) (*parley.Message, error) {
	if nm.Disclosure == "" {
		nm.Disclosure = parley.Relayable
	}
	m := &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: room, Author: actor.ID, AuthorName: actor.DisplayName,
		Disclosure: nm.Disclosure, Text: nm.Text}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkWrite(room); err != nil {
			return err
		}
		m.Delegation, m.CreatedAt = sc.mine.ID, s.now()
		return s.record(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// record numbers m in its room, appends its event in m's room and stores
// it with that event's sequence number. The event carries the message as
// the room's readers see it; for a relay, the link to the source goes into
// a separate event in the mediators room.
func (s *Service) record(ctx context.Context, tx parley.Tx, actor *parley.User, m *parley.Message) error {
	last, err := tx.LastRoomSeq(ctx, m.TalksID, m.Room)
	if err != nil {
		return err
	}
	m.RoomSeq = last + 1
	view := redact(m, false)
	view.EventSeq = 0 // the event's own seq; not known before it is appended
	e, err := s.emit(ctx, tx, actor.ID, m.TalksID, m.Room, parley.EventMessagePosted, view)
	if err != nil {
		return err
	}
	m.EventSeq = e.Seq
	if err := tx.InsertMessage(ctx, m); err != nil {
		return err
	}
	if r := m.Relay; r != nil {
		_, err = s.emit(ctx, tx, actor.ID, m.TalksID, parley.RoomMediators, parley.EventRelayRecorded, parley.RelayRecorded{
			Message: m.ID, Room: m.Room, Mode: r.Mode, Attribution: r.Attribution,
			SourceRoom: r.SourceRoom, SourceMessage: r.SourceMessage, SourceAuthor: r.SourceAuthor, SourceDelegation: r.SourceDelegation,
		})
	}
	return err
}

// redact returns the message as a reader sees it. Only mediators see where
// a relay came from; recipients of an anonymous relay do not see who said it.
func redact(m *parley.Message, mediator bool) *parley.Message {
	c := *m
	if m.Relay == nil || mediator {
		return &c
	}
	r := *m.Relay
	r.SourceRoom, r.SourceMessage, r.SourceAuthor, r.SourceDelegation = "", "", "", ""
	if r.Attribution == parley.Anonymous {
		r.From, r.FromName = "", ""
	}
	c.Relay = &r
	return &c
}

// NewRelay asks a mediator to pass a message from one room to another.
type NewRelay struct {
	SourceRoom  string             `json:"source_room"`
	MessageID   string             `json:"message_id"`
	TargetRoom  string             `json:"target_room"`
	Mode        parley.RelayMode   `json:"mode"`
	Attribution parley.Attribution `json:"attribution"`
	// Text is the new wording, required for a paraphrase and refused for a
	// verbatim relay.
	Text string `json:"text,omitempty"`
	// Disclosure of the relayed copy; it may narrow the source's, never widen it.
	Disclosure parley.Disclosure `json:"disclosure,omitempty"`
}

var disclosureRank = map[parley.Disclosure]int{parley.MediatorOnly: 0, parley.Relayable: 1, parley.Public: 2}

// Relay passes a message on: only an engaged mediator can, never a
// mediator-only message, and into the briefing only public ones.
func (s *Service) Relay(ctx context.Context, actor *parley.User, talksID string, nr NewRelay) (*parley.Message, error) {
	if err := nr.check(); err != nil {
		return nil, err
	}
	var m *parley.Message
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var err error
		if m, err = s.relayed(ctx, tx, sc, actor, talksID, nr); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	return redact(m, true), nil
}

// PreviewRelay checks a relay by the same rules as Relay, without recording
// it, and returns the message as its recipients would see it.
func (s *Service) PreviewRelay(ctx context.Context, actor *parley.User, talksID string, nr NewRelay) (*parley.Message, error) {
	if err := nr.check(); err != nil {
		return nil, err
	}
	var m *parley.Message
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var err error
		m, err = s.relayed(ctx, tx, sc, actor, talksID, nr)
		return err
	})
	if err != nil {
		return nil, err
	}
	return redact(m, false), nil
}

// relayed builds the relayed copy of a message, checking every rule of a
// relay in the actor's scope.
func (s *Service) relayed(ctx context.Context, tx parley.Tx, sc *scope, actor *parley.User, talksID string, nr NewRelay) (*parley.Message, error) {
	if err := sc.checkMediator("relay messages"); err != nil {
		return nil, err
	}
	if err := sc.checkRead(nr.SourceRoom); err != nil {
		return nil, err
	}
	src, err := tx.Message(ctx, talksID, nr.MessageID)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && src.Room != nr.SourceRoom {
		return nil, parley.Errorf(parley.ENOTFOUND, "message not found in %s", nr.SourceRoom)
	}
	if err != nil {
		return nil, err
	}
	if err := sc.checkWrite(nr.TargetRoom); err != nil {
		return nil, err
	}
	if nr.TargetRoom == nr.SourceRoom {
		return nil, parley.Errorf(parley.EINVALID, "source and target room are the same")
	}
	if src.Disclosure == parley.MediatorOnly {
		return nil, parley.Errorf(parley.EFORBIDDEN, "the message is mediator-only and cannot be relayed")
	}
	disc := src.Disclosure
	if nr.Disclosure != "" {
		if disclosureRank[nr.Disclosure] > disclosureRank[src.Disclosure] {
			return nil, parley.Errorf(parley.EINVALID, "a relay may narrow the disclosure (%s) but not widen it to %s", src.Disclosure, nr.Disclosure)
		}
		disc = nr.Disclosure
	}
	if nr.TargetRoom == parley.RoomBriefing && disc != parley.Public {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only public messages can be relayed to observers in the briefing")
	}
	origin := src.Delegation
	if src.Relay != nil {
		origin = src.Relay.SourceDelegation
		// Like disclosure, attribution only narrows: words passed on
		// anonymously are never attributed further down the line.
		if src.Relay.Attribution == parley.Anonymous && nr.Attribution == parley.Attributed {
			return nil, parley.Errorf(parley.EFORBIDDEN, "the message was relayed anonymously and cannot be relayed with attribution")
		}
	}
	text := src.Text
	// A relayed proposal keeps its structure; a paraphrase rewords
	// the author's note, so the note is not passed on with it.
	prop := src.Proposal.Clone()
	if nr.Mode == parley.Paraphrase {
		text = nr.Text
		if prop != nil {
			prop.Note = ""
		}
	}
	m := &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: nr.TargetRoom, Author: actor.ID, AuthorName: actor.DisplayName,
		Delegation: sc.mine.ID, Disclosure: disc, Text: text, CreatedAt: s.now(), Proposal: prop,
		Relay: &parley.Relay{Mode: nr.Mode, Attribution: nr.Attribution,
			SourceRoom: src.Room, SourceMessage: src.ID, SourceAuthor: src.Author, SourceDelegation: origin}}
	if nr.Attribution == parley.Attributed {
		m.Relay.From = origin
		if d, err := sc.delegation(origin); err == nil {
			m.Relay.FromName = d.Name
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// check validates the relay's own fields.
func (nr *NewRelay) check() error {
	if !nr.Mode.Valid() {
		return parley.Errorf(parley.EINVALID, "mode must be verbatim or paraphrase, not %q", nr.Mode)
	}
	if !nr.Attribution.Valid() {
		return parley.Errorf(parley.EINVALID, "attribution must be attributed or anonymous, not %q", nr.Attribution)
	}
	if nr.Mode == parley.Paraphrase {
		if err := parley.CheckText("text", nr.Text, parley.MaxMessageBytes); err != nil {
			return err
		}
	} else if nr.Text != "" {
		return parley.Errorf(parley.EINVALID, "a verbatim relay takes no text; use mode paraphrase to reword")
	}
	if nr.Disclosure != "" && !nr.Disclosure.Valid() {
		return parley.Errorf(parley.EINVALID, "disclosure must be mediator-only, relayable or public, not %q", nr.Disclosure)
	}
	return nil
}

// Page is one page of a room's messages.
type Page struct {
	Messages []parley.Message `json:"messages"`
	// Next is the cursor (a room_seq) for the following page, "" at the end.
	Next string `json:"next"`
	// Prev is the cursor (a room_seq) for the page before, when the page
	// was asked for with before; "" at the room's start.
	Prev string `json:"prev,omitempty"`
	// Held counts messages kept for a withdrawn party until it re-engages.
	Held int `json:"held"`
}

// Messages lists a room's messages after a room sequence number; limit 0
// asks for the default page size.
func (s *Service) Messages(ctx context.Context, actor *parley.User, talksID, room string, after int64, limit int) (*Page, error) {
	if after < 0 {
		return nil, parley.Errorf(parley.EINVALID, "after must not be negative")
	}
	return s.roomPage(ctx, actor, talksID, room, limit, func(tx parley.Tx, held int64, n int) ([]parley.Message, error) {
		return tx.Messages(ctx, talksID, room, after, held, n)
	}, func(p *Page, ms []parley.Message, limit int) []parley.Message {
		ms = ms[:limit]
		p.Next = itoa(ms[limit-1].RoomSeq)
		return ms
	})
}

// roomPage reads one page of a room's messages for the actor, oldest
// first: read fetches up to n messages (one more than the page, to know
// whether there are more), and trim cuts a full read to limit and sets the
// page's cursor. Messages are redacted for the reader, and Held counts what
// is kept back for a withdrawn party.
func (s *Service) roomPage(ctx context.Context, actor *parley.User, talksID, room string, limit int,
	read func(tx parley.Tx, held int64, n int) ([]parley.Message, error), trim func(p *Page, ms []parley.Message, limit int) []parley.Message) (*Page, error) {
	limit, err := parley.CheckLimit(limit)
	if err != nil {
		return nil, err
	}
	p := Page{Messages: []parley.Message{}}
	err = s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRead(room); err != nil {
			return err
		}
		held := sc.heldBack(room)
		ms, err := read(tx, held, limit+1)
		if err != nil {
			return err
		}
		if len(ms) > limit {
			ms = trim(&p, ms, limit)
		}
		for i := range ms {
			ms[i] = *redact(&ms[i], sc.isMediator())
		}
		p.Messages = ms
		if held > 0 {
			p.Held, err = tx.CountMessagesAfter(ctx, talksID, room, held)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Message returns one message of a room the actor may read.
func (s *Service) Message(ctx context.Context, actor *parley.User, talksID, room, id string) (*parley.Message, error) {
	var m *parley.Message
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRead(room); err != nil {
			return err
		}
		got, err := tx.Message(ctx, talksID, id)
		if err != nil {
			return err
		}
		if got.Room != room {
			return parley.Errorf(parley.ENOTFOUND, "message not found")
		}
		if held := sc.heldBack(room); held > 0 && got.EventSeq > held {
			return parley.Errorf(parley.ENOTFOUND, "message not found")
		}
		m = redact(got, sc.isMediator())
		return nil
	})
	return m, err
}

// checkSearch checks a search: q trimmed, not empty and not too long, and
// the page size (0: the default).
func checkSearch(q string, limit int) (string, int, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", 0, parley.Errorf(parley.EINVALID, "q is required")
	}
	if err := parley.CheckOptional("q", q, parley.MaxQueryBytes); err != nil {
		return "", 0, err
	}
	limit, err := parley.CheckLimit(limit)
	return q, limit, err
}

// Search finds messages containing q in the rooms the actor may read,
// newest first; limit 0 asks for the default page size.
func (s *Service) Search(ctx context.Context, actor *parley.User, talksID, q string, limit int) ([]parley.Message, error) {
	q, limit, err := checkSearch(q, limit)
	if err != nil {
		return nil, err
	}
	out := []parley.Message{}
	err = s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var rooms []string
		hidden := map[string]int64{}
		for _, r := range sc.rooms() {
			rooms = append(rooms, r.Name)
			if h := sc.heldBack(r.Name); h > 0 {
				hidden[r.Name] = h
			}
		}
		ms, err := tx.SearchMessages(ctx, talksID, rooms, hidden, q, limit)
		if err != nil {
			return err
		}
		for i := range ms {
			ms[i] = *redact(&ms[i], sc.isMediator())
		}
		out = ms
		return nil
	})
	return out, err
}
