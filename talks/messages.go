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

// checkDisclosure validates d for room: mediator-only words belong where
// only their author's side and the mediators can read them.
func checkDisclosure(d parley.Disclosure, room string) error {
	if !d.Valid() {
		return parley.Errorf(parley.EINVALID, "disclosure must be mediator-only, relayable or public, not %q", d)
	}
	if d == parley.MediatorOnly && room != parley.RoomMediators && !strings.HasPrefix(room, parley.CaucusPrefix) {
		return parley.Errorf(parley.EINVALID, "mediator-only messages belong in a caucus or the mediators room, not %s", room)
	}
	return nil
}

// Post adds a message to a room the actor may write in.
func (s *Service) Post(ctx context.Context, actor *parley.User, talksID, room string, nm NewMessage) (*parley.Message, error) {
	if nm.Disclosure == "" {
		nm.Disclosure = parley.Relayable
	}
	if err := parley.CheckText("text", nm.Text, parley.MaxMessageBytes); err != nil {
		return nil, err
	}
	var m *parley.Message
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkWrite(room); err != nil {
			return err
		}
		if err := checkDisclosure(nm.Disclosure, room); err != nil {
			return err
		}
		m = &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: room, Author: actor.ID, AuthorName: actor.DisplayName,
			Delegation: sc.mine.ID, Disclosure: nm.Disclosure, Text: nm.Text, CreatedAt: s.now()}
		return s.record(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// record stores m and appends its event in m's room. The event carries the
// message as the room's readers see it; for a relay, the link to the source
// goes into a separate event in the mediators room.
func (s *Service) record(ctx context.Context, tx parley.Tx, actor *parley.User, m *parley.Message) error {
	size, err := tx.LedgerSize(ctx)
	if err != nil {
		return err
	}
	m.EventSeq = size + 1
	if err := tx.InsertMessage(ctx, m); err != nil {
		return err
	}
	e, err := s.emit(ctx, tx, actor.ID, m.TalksID, m.Room, parley.EventMessagePosted, redact(m, false))
	if err != nil {
		return err
	}
	if e.Seq != m.EventSeq {
		return parley.Errorf(parley.EINTERNAL, "event sequence moved during the transaction")
	}
	if m.Relay != nil {
		_, err = s.emit(ctx, tx, actor.ID, m.TalksID, parley.RoomMediators, parley.EventRelayRecorded, map[string]any{
			"message": m.ID, "room": m.Room, "mode": m.Relay.Mode, "attribution": m.Relay.Attribution,
			"source_room": m.Relay.SourceRoom, "source_message": m.Relay.SourceMessage,
			"source_author": m.Relay.SourceAuthor, "source_delegation": m.Relay.SourceDelegation,
		})
	}
	return err
}

// redact returns the message as a reader sees it. Only mediators see where
// a relay came from; recipients of an anonymous relay do not see who said it.
func redact(m *parley.Message, mediator bool) *parley.Message {
	if m.Relay == nil || mediator {
		return m
	}
	c := *m
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
	if nr.Mode != parley.Verbatim && nr.Mode != parley.Paraphrase {
		return nil, parley.Errorf(parley.EINVALID, "mode must be verbatim or paraphrase, not %q", nr.Mode)
	}
	if nr.Attribution != parley.Attributed && nr.Attribution != parley.Anonymous {
		return nil, parley.Errorf(parley.EINVALID, "attribution must be attributed or anonymous, not %q", nr.Attribution)
	}
	if nr.Mode == parley.Paraphrase {
		if err := parley.CheckText("text", nr.Text, parley.MaxMessageBytes); err != nil {
			return nil, err
		}
	} else if nr.Text != "" {
		return nil, parley.Errorf(parley.EINVALID, "a verbatim relay takes no text; use mode paraphrase to reword")
	}
	if nr.Disclosure != "" && !nr.Disclosure.Valid() {
		return nil, parley.Errorf(parley.EINVALID, "disclosure must be mediator-only, relayable or public, not %q", nr.Disclosure)
	}
	var m *parley.Message
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if !sc.isMediator() {
			return parley.Errorf(parley.EFORBIDDEN, "only a mediator can relay messages")
		}
		if sc.mine.Presence != parley.PresenceEngaged {
			return parley.Errorf(parley.ECONFLICT, "%s has suspended its mediation; resume it to relay", sc.mine.Name)
		}
		if err := sc.checkRead(nr.SourceRoom); err != nil {
			return err
		}
		src, err := tx.Message(ctx, talksID, nr.MessageID)
		if err != nil || src.Room != nr.SourceRoom {
			return parley.Errorf(parley.ENOTFOUND, "message not found in %s", nr.SourceRoom)
		}
		if err := sc.checkWrite(nr.TargetRoom); err != nil {
			return err
		}
		if nr.TargetRoom == nr.SourceRoom {
			return parley.Errorf(parley.EINVALID, "source and target room are the same")
		}
		if src.Disclosure == parley.MediatorOnly {
			return parley.Errorf(parley.EFORBIDDEN, "the message is mediator-only and cannot be relayed")
		}
		disc := src.Disclosure
		if nr.Disclosure != "" {
			if disclosureRank[nr.Disclosure] > disclosureRank[src.Disclosure] {
				return parley.Errorf(parley.EINVALID, "a relay may narrow the disclosure (%s) but not widen it to %s", src.Disclosure, nr.Disclosure)
			}
			disc = nr.Disclosure
		}
		if nr.TargetRoom == parley.RoomBriefing && disc != parley.Public {
			return parley.Errorf(parley.EFORBIDDEN, "only public messages can be relayed to observers in the briefing")
		}
		if err := checkDisclosure(disc, nr.TargetRoom); err != nil {
			return err
		}
		origin := src.Delegation
		if src.Relay != nil {
			origin = src.Relay.SourceDelegation
			// Like disclosure, attribution only narrows: words passed on
			// anonymously are never attributed further down the line.
			if src.Relay.Attribution == parley.Anonymous && nr.Attribution == parley.Attributed {
				return parley.Errorf(parley.EFORBIDDEN, "the message was relayed anonymously and cannot be relayed with attribution")
			}
		}
		text := src.Text
		if nr.Mode == parley.Paraphrase {
			text = nr.Text
		}
		m = &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: nr.TargetRoom, Author: actor.ID, AuthorName: actor.DisplayName,
			Delegation: sc.mine.ID, Disclosure: disc, Text: text, CreatedAt: s.now(),
			Relay: &parley.Relay{Mode: nr.Mode, Attribution: nr.Attribution,
				SourceRoom: src.Room, SourceMessage: src.ID, SourceAuthor: src.Author, SourceDelegation: origin}}
		if nr.Attribution == parley.Attributed {
			m.Relay.From = origin
			if d, err := sc.delegation(origin); err == nil {
				m.Relay.FromName = d.Name
			}
		}
		return s.record(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	return redact(m, true), nil
}

// Page is one page of a room's messages.
type Page struct {
	Messages []parley.Message `json:"messages"`
	// Next is the cursor for the following page, "" at the end.
	Next string `json:"next"`
	// Held counts messages kept for a withdrawn party until it re-engages.
	Held int `json:"held,omitempty"`
}

// Messages lists a room's messages after a room sequence number.
func (s *Service) Messages(ctx context.Context, actor *parley.User, talksID, room string, after int64, limit int) (*Page, error) {
	if after < 0 {
		return nil, parley.Errorf(parley.EINVALID, "after must not be negative")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var p Page
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRead(room); err != nil {
			return err
		}
		held := sc.heldBack(room)
		ms, err := tx.Messages(ctx, talksID, room, after, held, limit+1)
		if err != nil {
			return err
		}
		if len(ms) > limit {
			ms = ms[:limit]
			p.Next = itoa(ms[limit-1].Seq)
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
		if err != nil || got.Room != room {
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

// Search finds messages containing q in the rooms the actor may read.
func (s *Service) Search(ctx context.Context, actor *parley.User, talksID, q string, limit int) ([]parley.Message, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, parley.Errorf(parley.EINVALID, "q is required")
	}
	if len(q) > 200 {
		return nil, parley.Errorf(parley.ETOOLARGE, "q is over 200 bytes")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []parley.Message
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
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
