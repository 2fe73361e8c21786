package parley

import (
	"strings"
	"time"
)

// MeetingKind says what a meeting was.
type MeetingKind string

// Meeting kinds.
const (
	NegotiationRound MeetingKind = "negotiation-round"
	Briefing         MeetingKind = "briefing"
	Consultation     MeetingKind = "consultation"
)

// Valid reports whether k is a known kind.
func (k MeetingKind) Valid() bool {
	return k == NegotiationRound || k == Briefing || k == Consultation
}

// MeetingRoomPrefix starts the name of the pseudo-room a meeting's events
// belong to: only the meeting's audience reads it.
const MeetingRoomPrefix = "meeting:"

// MeetingRoom returns the pseudo-room of meeting id.
func MeetingRoom(id string) string { return MeetingRoomPrefix + id }

// Participant is someone who took part in a meeting: a member of a
// delegation (UserID set), or an outside person named with a title.
type Participant struct {
	UserID string `json:"user_id,omitempty"`
	Name   string `json:"name"`
	Title  string `json:"title,omitempty"`
	// Delegation is the member's delegation id; "" for outside people.
	Delegation string `json:"delegation,omitempty"`
}

// Meeting records who met whom, where, when, and what came of it. Only its
// audience (delegations chosen by the recorder) sees it.
type Meeting struct {
	ID      string      `json:"id"`
	TalksID string      `json:"talks_id"`
	Kind    MeetingKind `json:"kind"`
	Title   string      `json:"title"`
	// Place is where it was held; "" when not reported.
	Place         string        `json:"place,omitempty"`
	HeldOn        Date          `json:"held_on,omitempty"`
	HeldPrecision DatePrecision `json:"held_precision"`
	Participants  []Participant `json:"participants"`
	Summary       string        `json:"summary"`
	Outcome       string        `json:"outcome,omitempty"`
	// Audience lists the ids of the delegations that may see the meeting.
	Audience []string `json:"audience"`
	// BriefingMessage is the id of the message a briefing to observers
	// posted in the briefing room.
	BriefingMessage string    `json:"briefing_message,omitempty"`
	RecordedBy      string    `json:"recorded_by"`
	RecordedAt      time.Time `json:"recorded_at"`
	EventSeq        int64     `json:"event_seq"`
}

// Validate checks the meeting's own fields; participants and audience are
// checked against the talks by the service.
func (m *Meeting) Validate() error {
	if !m.Kind.Valid() {
		return Errorf(EINVALID, "kind must be negotiation-round, briefing or consultation, not %q", truncate(string(m.Kind), 40))
	}
	if err := CheckText("title", m.Title, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckOptional("place", m.Place, MaxTitleBytes); err != nil {
		return err
	}
	if err := checkPrecise("held_on", &m.HeldOn, &m.HeldPrecision); err != nil {
		return err
	}
	if err := CheckText("summary", m.Summary, MaxMessageBytes); err != nil {
		return err
	}
	if err := CheckOptional("outcome", m.Outcome, MaxReasonBytes); err != nil {
		return err
	}
	if len(m.Participants) < 2 || len(m.Participants) > MaxParticipants {
		return Errorf(EINVALID, "a meeting has between 2 and %d participants", MaxParticipants)
	}
	for _, p := range m.Participants {
		if p.UserID == "" {
			if err := CheckText("participant name", p.Name, MaxNameBytes); err != nil {
				return err
			}
		}
		if err := CheckOptional("participant title", p.Title, MaxTitleBytes); err != nil {
			return err
		}
	}
	if len(m.Audience) > MaxParticipants {
		return Errorf(EINVALID, "at most %d delegations in the audience", MaxParticipants)
	}
	for _, a := range m.Audience {
		if strings.TrimSpace(a) == "" {
			return Errorf(EINVALID, "audience lists an empty delegation")
		}
	}
	return nil
}
