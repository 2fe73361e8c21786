package parley

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// CaptiveStatus is what is known of a person held.
type CaptiveStatus string

// Captive statuses. Released ends a captivity.
const (
	CaptiveAlive    CaptiveStatus = "alive"
	CaptiveDeceased CaptiveStatus = "deceased"
	CaptiveUnknown  CaptiveStatus = "unknown"
	CaptiveReleased CaptiveStatus = "released"
)

// Valid reports whether s is a known status.
func (s CaptiveStatus) Valid() bool {
	return s == CaptiveAlive || s == CaptiveDeceased || s == CaptiveUnknown || s == CaptiveReleased
}

// Confidence says how firmly a status is known.
type Confidence string

// Confidences, from firmest.
const (
	Confirmed  Confidence = "confirmed"
	Believed   Confidence = "believed"
	Unverified Confidence = "unverified"
)

// Valid reports whether c is a known confidence.
func (c Confidence) Valid() bool { return c == Confirmed || c == Believed || c == Unverified }

// CaptiveCategories are the categories a captive may be counted in.
var CaptiveCategories = []string{"civilian", "soldier", "woman", "man", "child", "elderly", "sick", "wounded"}

// captiveRefRE is a captive's reference: letters, digits, dot, dash, underscore.
var captiveRefRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// reservedRefs are path words of the captives API that cannot be references.
var reservedRefs = []string{"aggregates", "import", "export", "access"}

// nationalityRE is an ISO 3166-1 alpha-2 country code.
var nationalityRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Captive is the record of one person held, with the history of their
// status. Days in captivity are derived on reading, never stored.
type Captive struct {
	ID      string `json:"id"`
	TalksID string `json:"talks_id"`
	// Ref identifies the person in the talks; names are optional.
	Ref  string `json:"ref"`
	Name string `json:"name,omitempty"`
	// Holder is the id of the delegation holding the person.
	Holder string `json:"holder"`
	// Nationalities are ISO 3166-1 alpha-2 codes, e.g. US, IL.
	Nationalities     []string      `json:"nationalities"`
	CapturedOn        Date          `json:"captured_on,omitempty"`
	CapturedPrecision DatePrecision `json:"captured_precision"`
	CapturedPlace     string        `json:"captured_place,omitempty"`
	Categories        []string      `json:"categories"`
	// Status is the latest entry of History.
	Status CaptiveStatusChange `json:"status"`
	// History lists every status, oldest first.
	History []CaptiveStatusChange `json:"history"`
	// DaysInCaptivity is derived for the day of reading; absent when the
	// capture date is unknown.
	DaysInCaptivity *int      `json:"days_in_captivity,omitempty"`
	RecordedBy      string    `json:"recorded_by"`
	RecordedAt      time.Time `json:"recorded_at"`
	EventSeq        int64     `json:"event_seq"`
}

// CaptiveStatusChange is one entry of a captive's status history.
type CaptiveStatusChange struct {
	// N numbers a captive's statuses from 1.
	N          int           `json:"n"`
	Status     CaptiveStatus `json:"status"`
	Confidence Confidence    `json:"confidence"`
	// Source says where the status comes from ("ICRC visit", "a U.S. official").
	Source string `json:"source"`
	// Date is the date of the information.
	Date Date `json:"date"`
	// Since is when the status took effect: the day of release (required
	// for released) or of death (when known).
	Since Date `json:"since,omitempty"`
	// Obligation links a release to the agreement obligation that required it.
	Obligation string    `json:"obligation,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	EventSeq   int64     `json:"event_seq"`
}

// Effective is the day from which the status holds: Since when given,
// otherwise the date of the information.
func (s *CaptiveStatusChange) Effective() Date {
	if s.Since != "" {
		return s.Since
	}
	return s.Date
}

// ValidCaptiveRef reports whether ref can name a captive.
func ValidCaptiveRef(ref string) bool {
	return captiveRefRE.MatchString(ref) && !slices.Contains(reservedRefs, strings.ToLower(ref))
}

// Validate checks the captive's fields and normalises its lists (sorted,
// without repeats) and capture date (by its precision). The initial status
// is checked by the caller with CheckStatus.
func (c *Captive) Validate() error {
	if !ValidCaptiveRef(c.Ref) {
		return Errorf(EINVALID, "ref %q must be 1-40 letters, digits, dots, dashes or underscores (and not %s)", truncate(c.Ref, 50), strings.Join(reservedRefs, ", "))
	}
	if err := CheckOptional("name", c.Name, MaxNameBytes); err != nil {
		return err
	}
	if strings.TrimSpace(c.Holder) == "" {
		return Errorf(EINVALID, "holder is required")
	}
	if len(c.Nationalities) == 0 {
		return Errorf(EINVALID, "at least one nationality is required (ISO 3166 code, e.g. US)")
	}
	if len(c.Nationalities) > MaxNationalities {
		return Errorf(EINVALID, "at most %d nationalities", MaxNationalities)
	}
	for i, n := range c.Nationalities {
		n = strings.ToUpper(strings.TrimSpace(n))
		if !nationalityRE.MatchString(n) {
			return Errorf(EINVALID, "nationality %q must be a two-letter ISO 3166 code, e.g. US", truncate(n, 20))
		}
		c.Nationalities[i] = n
	}
	c.Nationalities = sortedSet(c.Nationalities)
	if err := checkPrecise("captured_on", &c.CapturedOn, &c.CapturedPrecision); err != nil {
		return err
	}
	if err := CheckOptional("captured_place", c.CapturedPlace, MaxTitleBytes); err != nil {
		return err
	}
	return c.checkCategories()
}

// checkCategories validates and normalises the categories.
func (c *Captive) checkCategories() error {
	if c.Categories == nil {
		c.Categories = []string{}
	}
	if len(c.Categories) > len(CaptiveCategories) {
		return Errorf(EINVALID, "at most %d categories", len(CaptiveCategories))
	}
	for i, cat := range c.Categories {
		cat = strings.ToLower(strings.TrimSpace(cat))
		if !slices.Contains(CaptiveCategories, cat) {
			return Errorf(EINVALID, "category %q must be one of %s", truncate(cat, 40), strings.Join(CaptiveCategories, ", "))
		}
		c.Categories[i] = cat
	}
	c.Categories = sortedSet(c.Categories)
	return nil
}

// sortedSet sorts xs and drops repeats.
func sortedSet(xs []string) []string {
	sort.Strings(xs)
	return slices.Compact(xs)
}

// captureStart is the first day the captive may have been held: the
// capture date, or the first of its month; "" when unknown.
func (c *Captive) captureStart() Date {
	if c.CapturedPrecision == PrecisionUnknown {
		return ""
	}
	return c.CapturedOn
}

// CheckStatus validates a status change for this captive: its fields, and
// its dates against the capture (no release, death or report before the
// capture) and today (nothing in the future). A released captive's record
// is closed.
func (c *Captive) CheckStatus(s *CaptiveStatusChange, today Date) error {
	if !s.Status.Valid() {
		return Errorf(EINVALID, "status must be alive, deceased, unknown or released, not %q", truncate(string(s.Status), 40))
	}
	if !s.Confidence.Valid() {
		return Errorf(EINVALID, "confidence must be confirmed, believed or unverified, not %q", truncate(string(s.Confidence), 40))
	}
	if err := CheckText("source", s.Source, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckDate("status date", s.Date, true); err != nil {
		return err
	}
	if err := CheckDate("since", s.Since, s.Status == CaptiveReleased); err != nil {
		return err
	}
	switch {
	case s.Since != "" && s.Status != CaptiveReleased && s.Status != CaptiveDeceased:
		return Errorf(EINVALID, "since (the day of release or death) applies only to released or deceased")
	case s.Obligation != "" && s.Status != CaptiveReleased:
		return Errorf(EINVALID, "only a release can be linked to an obligation")
	case s.Since > s.Date:
		return Errorf(EINVALID, "since (%s) cannot be after the date of the information (%s)", s.Since, s.Date)
	case s.Date > today:
		return Errorf(EINVALID, "the status date %s is in the future", s.Date)
	}
	if start := c.captureStart(); start != "" {
		if s.Since != "" && s.Since < start {
			what := "death"
			if s.Status == CaptiveReleased {
				what = "release"
			}
			return Errorf(EINVALID, "no %s before capture: %s is before %s", what, s.Since, start)
		}
		if s.Date < start {
			return Errorf(EINVALID, "the status date %s is before the capture on %s", s.Date, start)
		}
	}
	if l := c.Latest(); l != nil && l.Status == CaptiveReleased {
		return Errorf(ECONFLICT, "%s was released; the record is closed", c.Ref)
	}
	return nil
}

// Latest returns the status that holds now, by effective date; nil for a
// captive without a status.
func (c *Captive) Latest() *CaptiveStatusChange { return c.StatusOn("9999-12-31") }

// StatusOn returns the status that held on day d: a release that took
// effect by d (it ends the captivity, whatever was reported later), or else
// the latest status by effective date (then by order of recording) that
// took effect by d; nil if none did.
func (c *Captive) StatusOn(d Date) *CaptiveStatusChange {
	var best *CaptiveStatusChange
	for i := range c.History {
		s := &c.History[i]
		if s.Effective() > d {
			continue
		}
		if s.Status == CaptiveReleased {
			return s
		}
		if best == nil || s.Effective() >= best.Effective() {
			best = s
		}
	}
	return best
}

// HeldOn reports whether the person was held on day d: captured by then
// (or at an unknown date) and not released.
func (c *Captive) HeldOn(d Date) bool {
	if start := c.captureStart(); start != "" && start > d {
		return false
	}
	s := c.StatusOn(d)
	return s == nil || s.Status != CaptiveReleased
}

// DaysOn returns the days in captivity counted on day d, and false when
// the capture date is unknown. The count stops at release, and at death
// when its date is known.
func (c *Captive) DaysOn(d Date) (int, bool) {
	start := c.captureStart()
	if start == "" {
		return 0, false
	}
	if d < start {
		return 0, true
	}
	end := d
	if s := c.StatusOn(d); s != nil && s.Since != "" && (s.Status == CaptiveReleased || s.Status == CaptiveDeceased) {
		end = s.Since
	}
	return DaysBetween(start, end), true
}

// Confidences counts captives of one status by how firmly it is known.
type Confidences struct {
	Total      int `json:"total"`
	Confirmed  int `json:"confirmed"`
	Believed   int `json:"believed"`
	Unverified int `json:"unverified"`
}

func (c *Confidences) add(conf Confidence) {
	c.Total++
	switch conf {
	case Confirmed:
		c.Confirmed++
	case Believed:
		c.Believed++
	default:
		c.Unverified++
	}
}

// CaptiveGroup counts the captives sharing one value of a dimension (a
// holder, a nationality, a category) on a day: "7 American, 3 believed
// alive" is the group US with held 7 and alive.believed 3.
type CaptiveGroup struct {
	Key string `json:"key"`
	// Held counts those still held: alive, deceased or of unknown status.
	Held     int         `json:"held"`
	Alive    Confidences `json:"alive"`
	Deceased Confidences `json:"deceased"`
	Unknown  Confidences `json:"unknown"`
	Released int         `json:"released"`
	// MaxDays is the longest captivity among those held, in days.
	MaxDays int `json:"max_days"`
}

func (g *CaptiveGroup) add(c *Captive, d Date) {
	s := c.StatusOn(d)
	status, conf := CaptiveUnknown, Unverified
	if s != nil {
		status, conf = s.Status, s.Confidence
	}
	switch status {
	case CaptiveReleased:
		g.Released++
		return
	case CaptiveAlive:
		g.Alive.add(conf)
	case CaptiveDeceased:
		g.Deceased.add(conf)
	default:
		g.Unknown.add(conf)
	}
	g.Held++
	if days, ok := c.DaysOn(d); ok && days > g.MaxDays {
		g.MaxDays = days
	}
}

// CaptiveAggregates are the registry's figures on one day, computed from
// the records: what every member of the talks may see.
type CaptiveAggregates struct {
	AsOf Date `json:"as_of"`
	// All counts every captive captured by that day.
	All           CaptiveGroup   `json:"all"`
	ByHolder      []CaptiveGroup `json:"by_holder"`
	ByNationality []CaptiveGroup `json:"by_nationality"`
	ByCategory    []CaptiveGroup `json:"by_category"`
}

// TallyCaptives computes the aggregates of cs on day d. A person with two
// nationalities counts in both; holder keys are delegation ids. Groups are
// ordered by the number held, largest first, then by key.
func TallyCaptives(cs []Captive, d Date) CaptiveAggregates {
	a := CaptiveAggregates{AsOf: d, All: CaptiveGroup{Key: "all"}}
	holders, nats, cats := map[string]*CaptiveGroup{}, map[string]*CaptiveGroup{}, map[string]*CaptiveGroup{}
	group := func(m map[string]*CaptiveGroup, k string) *CaptiveGroup {
		if m[k] == nil {
			m[k] = &CaptiveGroup{Key: k}
		}
		return m[k]
	}
	for i := range cs {
		c := &cs[i]
		if start := c.captureStart(); start != "" && start > d {
			continue
		}
		a.All.add(c, d)
		group(holders, c.Holder).add(c, d)
		for _, n := range c.Nationalities {
			group(nats, n).add(c, d)
		}
		for _, k := range c.Categories {
			group(cats, k).add(c, d)
		}
	}
	a.ByHolder, a.ByNationality, a.ByCategory = sortGroups(holders), sortGroups(nats), sortGroups(cats)
	return a
}

func sortGroups(m map[string]*CaptiveGroup) []CaptiveGroup {
	out := make([]CaptiveGroup, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Held != out[j].Held {
			return out[i].Held > out[j].Held
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// RecordAccess says whether a delegation may read individual captive
// records; without it, a delegation sees the aggregates only. Mediators
// always may.
type RecordAccess struct {
	TalksID    string    `json:"talks_id"`
	Delegation string    `json:"delegation"`
	Records    bool      `json:"records"`
	SetBy      string    `json:"set_by"`
	SetAt      time.Time `json:"set_at"`
	EventSeq   int64     `json:"event_seq"`
}
