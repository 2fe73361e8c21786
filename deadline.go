package parley

import (
	"slices"
	"sort"
	"time"
)

// DefaultAlertDays are the lead times, in days, of a deadline's alerts
// when none are given.
var DefaultAlertDays = []int{30, 7, 1}

// Deadline is a date that matters to the talks, with who set it and why.
// Alerts fire at its lead times, each exactly once.
type Deadline struct {
	ID      string    `json:"id"`
	TalksID string    `json:"talks_id"`
	Title   string    `json:"title"`
	DueAt   time.Time `json:"due_at"`
	// SetBy names who set the deadline (not necessarily a member).
	SetBy  string `json:"set_by"`
	Reason string `json:"reason,omitempty"`
	// AlertDays are the lead times of the alerts, in days before DueAt,
	// largest first; 0 alerts at the deadline itself.
	AlertDays  []int     `json:"alert_days"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	EventSeq   int64     `json:"event_seq"`
}

// Validate checks the deadline's fields and orders its alert days.
func (d *Deadline) Validate() error {
	if err := CheckText("title", d.Title, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckTime("due_at", d.DueAt); err != nil {
		return err
	}
	if err := CheckText("set_by", d.SetBy, MaxNameBytes); err != nil {
		return err
	}
	if err := CheckOptional("reason", d.Reason, MaxReasonBytes); err != nil {
		return err
	}
	if d.AlertDays == nil {
		d.AlertDays = slices.Clone(DefaultAlertDays)
	}
	if len(d.AlertDays) > MaxAlerts {
		return Errorf(EINVALID, "at most %d alerts", MaxAlerts)
	}
	for _, n := range d.AlertDays {
		if n < 0 || n > MaxAlertDays {
			return Errorf(EINVALID, "alert days must be between 0 and %d", MaxAlertDays)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(d.AlertDays)))
	d.AlertDays = slices.Compact(d.AlertDays)
	return nil
}

// AlertAt is when the alert lead days before the deadline is due.
func (d *Deadline) AlertAt(lead int) time.Time { return d.DueAt.AddDate(0, 0, -lead) }

// DaysLeft is the number of whole days from now to the deadline, negative
// once it has passed.
func (d *Deadline) DaysLeft(now time.Time) int {
	return DaysBetween(DateOf(now), DateOf(d.DueAt))
}

// DeadlineAlert is an alert of a deadline that fired (or was superseded by
// a later one that fired at the same time, after the server was down).
type DeadlineAlert struct {
	DeadlineID string    `json:"deadline"`
	TalksID    string    `json:"talks_id"`
	Title      string    `json:"title"`
	DueAt      time.Time `json:"due_at"`
	LeadDays   int       `json:"lead_days"`
	FireAt     time.Time `json:"fire_at"`
	FiredAt    time.Time `json:"fired_at"`
	// Late is set when the alert fired after its time (the server was
	// down or busy then).
	Late bool `json:"late"`
	// Superseded marks an alert that was not sent because a later alert
	// of the same deadline was due too.
	Superseded bool  `json:"superseded,omitempty"`
	EventSeq   int64 `json:"event_seq,omitempty"`
}

// Countdown is a deadline as the talks page shows it.
type Countdown struct {
	Deadline
	DaysLeft int             `json:"days_left"`
	Passed   bool            `json:"passed"`
	Alerts   []DeadlineAlert `json:"alerts"`
}
