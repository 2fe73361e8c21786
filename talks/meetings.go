package talks

import (
	"context"
	"slices"
	"sort"
	"strings"

	"parley"
)

// NewParticipant is someone who took part in a meeting: a member of the
// talks (User), or an outside person by name and title.
type NewParticipant struct {
	// User is the login name or id of a member of the talks.
	User  string `json:"user"`
	Name  string `json:"name"`
	Title string `json:"title"`
}

// NewMeeting is a meeting to record.
type NewMeeting struct {
	Kind          parley.MeetingKind   `json:"kind"`
	Title         string               `json:"title"`
	Place         string               `json:"place"`
	HeldOn        parley.Date          `json:"held_on"`
	HeldPrecision parley.DatePrecision `json:"held_precision"`
	Participants  []NewParticipant     `json:"participants"`
	Summary       string               `json:"summary"`
	Outcome       string               `json:"outcome"`
	// Audience names (by slug or id) the delegations that may see the
	// meeting; the recorder's own is always one of them.
	Audience []string `json:"audience"`
}

// checkRecordMeeting is the rule for recording meetings: members of an
// engaged party or of a mediator delegation, in live talks. Observers read
// the briefing and record nothing.
func (sc *scope) checkRecordMeeting() error {
	if sc.mine == nil {
		return parley.Errorf(parley.EFORBIDDEN, "only members of the talks record meetings")
	}
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	switch d := sc.mine; {
	case d.Kind == parley.KindObserver:
		return parley.Errorf(parley.EFORBIDDEN, "observers read the briefing but do not record meetings")
	case d.Kind == parley.KindParty && d.Presence == parley.PresenceWithdrawn:
		return parley.Errorf(parley.ECONFLICT, "%s has withdrawn from the talks; re-engage to record meetings", d.Name)
	}
	return nil
}

// participants resolves a meeting's participants: members by their user,
// outside people by name.
func (sc *scope) participants(nps []NewParticipant) ([]parley.Participant, error) {
	out := []parley.Participant{}
	seen := map[string]bool{}
	for _, np := range nps {
		p := parley.Participant{Name: strings.TrimSpace(np.Name), Title: strings.TrimSpace(np.Title)}
		if ref := strings.TrimSpace(np.User); ref != "" {
			var m *parley.Member
			for i := range sc.members {
				if x := &sc.members[i]; x.UserName == ref || x.UserID == ref {
					m = x
				}
			}
			if m == nil {
				return nil, parley.Errorf(parley.EINVALID, "participant %q is not a member of these talks; name outside people with name and title", truncateText(ref, 50))
			}
			if seen[m.UserID] {
				return nil, parley.Errorf(parley.EINVALID, "%s is named twice", m.DisplayName)
			}
			seen[m.UserID] = true
			p.UserID, p.Delegation, p.Name = m.UserID, m.DelegationID, m.DisplayName
			if p.Title == "" {
				p.Title = m.Title
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// audience resolves a meeting's audience and checks that the recorder
// reaches every delegation in it: never wider than the recorder's rooms.
func (sc *scope) audience(refs []string) ([]string, error) {
	ids := []string{sc.mine.ID}
	for _, ref := range refs {
		d, err := sc.delegation(strings.TrimSpace(ref))
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "audience: %q is not a delegation of these talks", truncateText(ref, 50))
		}
		if !sc.reaches(d) {
			return nil, parley.Errorf(parley.EFORBIDDEN, "you cannot show %s a meeting: no room you can write in now is theirs to read", d.Name)
		}
		ids = append(ids, d.ID)
	}
	sort.Strings(ids)
	return slices.Compact(ids), nil
}

// briefsObservers reports whether a meeting is a briefing whose audience
// includes observers: its summary goes into the briefing room.
func (sc *scope) briefsObservers(m *parley.Meeting) bool {
	if m.Kind != parley.Briefing {
		return false
	}
	for _, id := range m.Audience {
		if d, err := sc.delegation(id); err == nil && d.Kind == parley.KindObserver {
			return true
		}
	}
	return false
}

// RecordMeeting records who met whom, where and when, for the audience the
// recorder chooses among those its rooms reach. A briefing to observers
// also posts its summary into the briefing room.
func (s *Service) RecordMeeting(ctx context.Context, actor *parley.User, talksID string, nm NewMeeting) (*parley.Meeting, error) {
	if len(nm.Participants) > parley.MaxParticipants || len(nm.Audience) > parley.MaxParticipants {
		return nil, parley.Errorf(parley.EINVALID, "at most %d participants and %d delegations in the audience", parley.MaxParticipants, parley.MaxParticipants)
	}
	m := &parley.Meeting{ID: parley.NewID("g_"), TalksID: talksID, Kind: nm.Kind, Title: strings.TrimSpace(nm.Title), Place: strings.TrimSpace(nm.Place),
		HeldOn: nm.HeldOn, HeldPrecision: nm.HeldPrecision, Summary: strings.TrimSpace(nm.Summary), Outcome: strings.TrimSpace(nm.Outcome), RecordedBy: actor.ID}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRecordMeeting(); err != nil {
			return err
		}
		var err error
		if m.Participants, err = sc.participants(nm.Participants); err != nil {
			return err
		}
		if m.Audience, err = sc.audience(nm.Audience); err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		m.RecordedAt = s.now()
		var brief *parley.Message
		if sc.briefsObservers(m) {
			if err := sc.checkWrite(parley.RoomBriefing); err != nil {
				return err
			}
			brief = &parley.Message{ID: parley.NewID("m_"), TalksID: talksID, Room: parley.RoomBriefing, Author: actor.ID, AuthorName: actor.DisplayName,
				Delegation: sc.mine.ID, Disclosure: parley.Public, Text: m.Summary, CreatedAt: m.RecordedAt}
			if err := brief.Validate(); err != nil {
				return err
			}
			m.BriefingMessage = brief.ID
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, parley.MeetingRoom(m.ID), parley.EventMeetingRecorded, m)
		if err != nil {
			return err
		}
		m.EventSeq = e.Seq
		if err := tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		if brief != nil {
			return s.record(ctx, tx, actor, brief)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// visibleMeetings lists the talks' meetings the user's delegation is in
// the audience of.
func visibleMeetings(ctx context.Context, tx parley.Tx, sc *scope) ([]parley.Meeting, error) {
	if err := sc.checkMember("talks"); err != nil {
		return nil, err
	}
	all, err := tx.Meetings(ctx, sc.talks.ID)
	if err != nil {
		return nil, err
	}
	out := []parley.Meeting{}
	for _, m := range all {
		if sc.seesMeeting(m.ID) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Meetings lists the meetings the actor's delegation may see, by date.
func (s *Service) Meetings(ctx context.Context, actor *parley.User, talksID string) ([]parley.Meeting, error) {
	var out []parley.Meeting
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var err error
		out, err = visibleMeetings(ctx, tx, sc)
		return err
	})
	return out, err
}

// Meeting returns one meeting; to those outside its audience it does not
// exist.
func (s *Service) Meeting(ctx context.Context, actor *parley.User, talksID, id string) (*parley.Meeting, error) {
	ms, err := s.Meetings(ctx, actor, talksID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i], nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "meeting not found")
}

// SearchMeetings finds the meetings the actor may see whose title, place,
// summary, outcome or participants contain q (case-insensitively), newest
// first; limit 0 asks for the default page size.
func (s *Service) SearchMeetings(ctx context.Context, actor *parley.User, talksID, q string, limit int) ([]parley.Meeting, error) {
	q, limit, err := checkSearch(q, limit)
	if err != nil {
		return nil, err
	}
	ms, err := s.Meetings(ctx, actor, talksID)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(q)
	out := []parley.Meeting{}
	for i := len(ms) - 1; i >= 0 && len(out) < limit; i-- {
		m := ms[i]
		text := []string{m.Title, m.Place, m.Summary, m.Outcome}
		for _, p := range m.Participants {
			text = append(text, p.Name, p.Title)
		}
		if strings.Contains(strings.ToLower(strings.Join(text, "\n")), q) {
			out = append(out, m)
		}
	}
	return out, nil
}
