package parley

import (
	"time"
	"unicode/utf8"
)

// Date is a calendar day written "2006-01-02", without a time of day or a
// zone; "" means not known. Dates in this form sort as text.
type Date string

// dateLayout is how a Date is written.
const dateLayout = "2006-01-02"

// DateOf returns the day t falls on, in UTC.
func DateOf(t time.Time) Date { return Date(t.UTC().Format(dateLayout)) }

// Valid reports whether d is a well-formed calendar day (not "").
func (d Date) Valid() bool {
	t, err := time.Parse(dateLayout, string(d))
	return err == nil && t.Format(dateLayout) == string(d)
}

// Time returns midnight UTC of d; the zero time for "" or a malformed date.
func (d Date) Time() time.Time {
	t, err := time.Parse(dateLayout, string(d))
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	if !d.Valid() {
		return d
	}
	return DateOf(d.Time().AddDate(0, 0, n))
}

// DaysBetween returns the number of days from a to b (negative when b is
// before a): captured 2023-10-07, 425 days on 2024-12-05.
func DaysBetween(a, b Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// MonthStart returns the first day of d's month.
func (d Date) MonthStart() Date {
	if !d.Valid() {
		return d
	}
	return d[:8] + "01"
}

// CheckDate validates a date field; required says whether "" is refused.
func CheckDate(field string, d Date, required bool) error {
	if d == "" {
		if required {
			return Errorf(EINVALID, "%s is required (YYYY-MM-DD)", field)
		}
		return nil
	}
	if !d.Valid() {
		return Errorf(EINVALID, "%s must be a date written YYYY-MM-DD, not %q", field, truncate(string(d), 40))
	}
	return nil
}

// DatePrecision says how exactly a date is known.
type DatePrecision string

// Date precisions. With month precision only a date's year and month are
// meant; with unknown there is no date.
const (
	PrecisionDay     DatePrecision = "day"
	PrecisionMonth   DatePrecision = "month"
	PrecisionUnknown DatePrecision = "unknown"
)

// Valid reports whether p is a known precision.
func (p DatePrecision) Valid() bool {
	return p == PrecisionDay || p == PrecisionMonth || p == PrecisionUnknown
}

// checkPrecise validates a date with its precision and normalises it: a
// month-precise date becomes the first of its month, an unknown one "".
func checkPrecise(field string, d *Date, p *DatePrecision) error {
	if *p == "" {
		*p = PrecisionDay
		if *d == "" {
			*p = PrecisionUnknown
		}
	}
	if !p.Valid() {
		return Errorf(EINVALID, "%s_precision must be day, month or unknown, not %q", field, truncate(string(*p), 40))
	}
	if *p == PrecisionUnknown {
		if *d != "" {
			return Errorf(EINVALID, "%s must be empty when its precision is unknown", field)
		}
		return nil
	}
	if *p == PrecisionMonth && len(*d) == len("2006-01") {
		*d += "-01"
	}
	if err := CheckDate(field, *d, true); err != nil {
		return err
	}
	if *p == PrecisionMonth {
		*d = d.MonthStart()
	}
	return nil
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
