package parley

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// TalksStatus is the lifecycle state of a negotiation track.
type TalksStatus string

// Talks statuses. Concluded and collapsed are terminal.
const (
	TalksActive    TalksStatus = "active"
	TalksSuspended TalksStatus = "suspended"
	TalksConcluded TalksStatus = "concluded"
	TalksCollapsed TalksStatus = "collapsed"
)

// Talks is one negotiation track.
type Talks struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Status       TalksStatus `json:"status"`
	StatusReason string      `json:"status_reason,omitempty"`
	StatusBy     string      `json:"status_by,omitempty"`
	StatusAt     time.Time   `json:"status_at"`
	PlenaryOpen  bool        `json:"plenary_open"`
	CreatedAt    time.Time   `json:"created_at"`
	CreatedBy    string      `json:"created_by"`
}

// Valid reports whether s is a known status.
func (s TalksStatus) Valid() bool {
	return s == TalksActive || s == TalksSuspended || s == TalksConcluded || s == TalksCollapsed
}

// Validate checks the talks' fields.
func (t *Talks) Validate() error {
	if err := CheckText("title", t.Title, MaxTitleBytes); err != nil {
		return err
	}
	if !t.Status.Valid() {
		return Errorf(EINVALID, "status %q is not one of active, suspended, concluded, collapsed", t.Status)
	}
	return CheckOptional("status_reason", t.StatusReason, MaxReasonBytes)
}

// CheckTerminal refuses any change to concluded or collapsed talks: they
// are read-only.
func (t *Talks) CheckTerminal() error {
	if t.Terminal() {
		return Errorf(ECONFLICT, "the talks are %s and can no longer change", t.Status)
	}
	return nil
}

// Terminal reports whether the talks can no longer change.
func (t *Talks) Terminal() bool {
	return t.Status == TalksConcluded || t.Status == TalksCollapsed
}

// DelegationKind says what part a delegation plays in the talks.
type DelegationKind string

// Delegation kinds.
const (
	KindParty    DelegationKind = "party"
	KindMediator DelegationKind = "mediator"
	KindObserver DelegationKind = "observer"
)

// Valid reports whether k is a known kind.
func (k DelegationKind) Valid() bool {
	return k == KindParty || k == KindMediator || k == KindObserver
}

// Presence says whether a delegation is taking part right now.
type Presence string

// Presence values. Withdrawn applies to parties, suspended to mediators.
const (
	PresenceEngaged   Presence = "engaged"
	PresenceWithdrawn Presence = "withdrawn"
	PresenceSuspended Presence = "suspended"
)

// Delegation is one side in the talks.
type Delegation struct {
	ID       string         `json:"id"`
	TalksID  string         `json:"talks_id"`
	Slug     string         `json:"slug"`
	Name     string         `json:"name"`
	Kind     DelegationKind `json:"kind"`
	Presence Presence       `json:"presence"`
	// PresenceReason is why the delegation withdrew or suspended.
	PresenceReason string    `json:"presence_reason,omitempty"`
	PresenceBy     string    `json:"presence_by,omitempty"`
	PresenceAt     time.Time `json:"presence_at"`
	// PresenceSeq is the event sequence number of the last presence change;
	// messages to a withdrawn party's caucus after it are held back.
	PresenceSeq int64 `json:"-"`
}

// Validate checks the delegation's name, slug and kind.
func (d *Delegation) Validate() error {
	if err := CheckText("name", d.Name, MaxNameBytes); err != nil {
		return err
	}
	if !d.Kind.Valid() {
		return Errorf(EINVALID, "kind must be party, mediator or observer, not %q", d.Kind)
	}
	if !ValidSlug(d.Slug) {
		return Errorf(EINVALID, "slug %q must be 1-%d lowercase letters, digits or dashes", d.Slug, MaxSlugBytes)
	}
	return CheckOptional("presence_reason", d.PresenceReason, MaxReasonBytes)
}

// CheckEngaged refuses what a mediator that has suspended its mediation may
// not do: relay, manage the talks, or post outside the mediators room.
func (d *Delegation) CheckEngaged() error {
	if d.Kind == KindMediator && d.Presence == PresenceSuspended {
		return Errorf(ECONFLICT, "%s has suspended its mediation; resume it first", d.Name)
	}
	return nil
}

// MemberRole is a person's role within a delegation.
type MemberRole string

// Member roles.
const (
	RoleHead       MemberRole = "head"
	RoleNegotiator MemberRole = "negotiator"
	RoleStaff      MemberRole = "staff"
)

// Valid reports whether r is a known role.
func (r MemberRole) Valid() bool {
	return r == RoleHead || r == RoleNegotiator || r == RoleStaff
}

// Member places a user in a delegation.
type Member struct {
	DelegationID string     `json:"delegation_id"`
	UserID       string     `json:"user_id"`
	UserName     string     `json:"user_name"`
	DisplayName  string     `json:"display_name"`
	Role         MemberRole `json:"role"`
	Title        string     `json:"title,omitempty"`
}

// Validate checks the member's role and title.
func (m *Member) Validate() error {
	if !m.Role.Valid() {
		return Errorf(EINVALID, "role must be head, negotiator or staff, not %q", m.Role)
	}
	return CheckOptional("title", m.Title, MaxTitleBytes)
}

// Room names that are not caucuses.
const (
	RoomMediators = "mediators"
	RoomBriefing  = "briefing"
	RoomPlenary   = "plenary"
	// CaucusPrefix starts the name of each party's caucus room.
	CaucusPrefix = "caucus:"
)

// CaucusRoom returns the name of the caucus room of the party with slug.
func CaucusRoom(slug string) string { return CaucusPrefix + slug }

// Room describes a confidential space in the talks.
type Room struct {
	Name string `json:"name"`
	// Party is the delegation id whose caucus this is, or "".
	Party string `json:"party,omitempty"`
	// Open is false only for a closed plenary.
	Open bool `json:"open"`
	// Writable says whether the viewer may post here now.
	Writable bool `json:"writable"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ValidSlug reports whether s can name a delegation in URLs and room names.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Slugify derives a slug from a display name.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > MaxSlugBytes {
		s = strings.TrimSuffix(s[:MaxSlugBytes], "-")
	}
	return s
}

// CheckText validates a required, bounded free-text field.
func CheckText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "%s is required", field)
	}
	return CheckOptional(field, s, max)
}

// CheckOptional validates an optional, bounded free-text field.
func CheckOptional(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return Errorf(EINVALID, "%s contains a NUL character", field)
	}
	if len(s) > max {
		return Errorf(ETOOLARGE, "%s is %d bytes, the limit is %d", field, len(s), max)
	}
	return nil
}
