package parley

import "time"

// Limits on what a request may carry. Every layer uses these names; none
// repeats the numbers.
const (
	// MaxMessageBytes is the largest message text accepted.
	MaxMessageBytes = 64 << 10
	// MaxTitleBytes bounds titles: of talks, and of members within a delegation.
	MaxTitleBytes = 200
	// MaxNameBytes bounds display names of people and delegations.
	MaxNameBytes = 200
	// MaxReasonBytes bounds the reason given for a change of status or presence.
	MaxReasonBytes = 2000
	// MaxQueryBytes bounds a search query.
	MaxQueryBytes = 200
	// MaxPageSize is the largest page a listing returns.
	MaxPageSize = 200
	// DefaultPageSize is the page size when a listing asks for none.
	DefaultPageSize = 50
	// MinPasswordChars is the shortest password accepted.
	MinPasswordChars = 10
	// MaxPasswordBytes is the longest password accepted.
	MaxPasswordBytes = 1024
	// MaxSlugBytes bounds slugs and login names.
	MaxSlugBytes = 40
)

// Limits of people and promises (captives, implementation, meetings,
// reports, deadlines).
const (
	// MaxNationalities bounds a captive's nationalities.
	MaxNationalities = 4
	// MaxImportRows bounds the rows of one CSV import of captives.
	MaxImportRows = 10000
	// MaxImportBytes bounds the size of one CSV import of captives.
	MaxImportBytes = 4 << 20
	// MaxPhases bounds an agreement's phases.
	MaxPhases = 20
	// MaxPhaseDays bounds a phase's length in days.
	MaxPhaseDays = 3660
	// MaxQuantity bounds the quantity of an obligation.
	MaxQuantity = 1000000
	// MaxParticipants bounds a meeting's participants and its audience.
	MaxParticipants = 50
	// MaxContradicts bounds the reports one report contradicts.
	MaxContradicts = 20
	// MaxAlerts bounds a deadline's alerts.
	MaxAlerts = 10
	// MaxAlertDays bounds an alert's lead time in days.
	MaxAlertDays = 366
)

// CheckLimit validates a listing's page size: 0 asks for the default, and
// anything negative or above MaxPageSize is refused.
func CheckLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultPageSize, nil
	case limit < 0 || limit > MaxPageSize:
		return 0, Errorf(EINVALID, "limit must be between 1 and %d", MaxPageSize)
	}
	return limit, nil
}

// CheckTime validates a required time given by a user: it must fall in the
// years 1 to 9999 in UTC, the years every layer can write.
func CheckTime(field string, t time.Time) error {
	if t.IsZero() {
		return Errorf(EINVALID, "%s is required", field)
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return Errorf(EINVALID, "%s must fall in the years 1 to 9999 (UTC), not %d", field, y)
	}
	return nil
}
