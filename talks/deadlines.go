package talks

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"parley"
)

// NewDeadline is a deadline to set.
type NewDeadline struct {
	Title string    `json:"title"`
	DueAt time.Time `json:"due_at"`
	// SetBy names who set it (not necessarily a member of the talks).
	SetBy  string `json:"set_by"`
	Reason string `json:"reason"`
	// AlertDays are the alerts' lead times in days; omitted, 30, 7 and 1.
	AlertDays []int `json:"alert_days"`
}

// AlertGrace is how long after its time an alert still counts as on time;
// one fired later says it is late (the server was down or busy then).
const AlertGrace = 10 * time.Minute

// SetDeadline records a date that matters to the talks; engaged mediators
// set them, every member sees them and their countdown.
func (s *Service) SetDeadline(ctx context.Context, actor *parley.User, talksID string, nd NewDeadline) (*parley.Countdown, error) {
	d := &parley.Deadline{ID: parley.NewID("l_"), TalksID: talksID, Title: strings.TrimSpace(nd.Title), DueAt: nd.DueAt.UTC(), SetBy: strings.TrimSpace(nd.SetBy),
		Reason: strings.TrimSpace(nd.Reason), AlertDays: nd.AlertDays, RecordedBy: actor.ID}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMediator("set deadlines"); err != nil {
			return err
		}
		d.RecordedAt = s.now()
		if !d.DueAt.After(d.RecordedAt) {
			return parley.Errorf(parley.EINVALID, "due_at has passed already")
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventDeadlineSet, d)
		if err != nil {
			return err
		}
		d.EventSeq = e.Seq
		return tx.CreateDeadline(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return countdown(d, nil, s.now()), nil
}

// countdown is a deadline with its days left and the alerts that fired.
func countdown(d *parley.Deadline, alerts []parley.DeadlineAlert, now time.Time) *parley.Countdown {
	c := &parley.Countdown{Deadline: *d, DaysLeft: d.DaysLeft(now), Passed: !now.Before(d.DueAt), Alerts: []parley.DeadlineAlert{}}
	for _, a := range alerts {
		if a.DeadlineID == d.ID {
			c.Alerts = append(c.Alerts, a)
		}
	}
	return c
}

// Deadlines lists the talks' deadlines with their countdown, soonest
// first; every member sees them.
func (s *Service) Deadlines(ctx context.Context, actor *parley.User, talksID string) ([]parley.Countdown, error) {
	out := []parley.Countdown{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("talks"); err != nil {
			return err
		}
		ds, err := tx.Deadlines(ctx, talksID)
		if err != nil {
			return err
		}
		as, err := tx.DeadlineAlerts(ctx, talksID)
		if err != nil {
			return err
		}
		now := s.now()
		for i := range ds {
			out = append(out, *countdown(&ds[i], as, now))
		}
		return nil
	})
	return out, err
}

// dueAlerts returns the lead times of d's alerts that are due at now and
// have not fired, largest first. An alert whose time had passed when the
// deadline was set never fires.
func dueAlerts(d *parley.Deadline, fired map[int]bool, now time.Time) []int {
	var out []int
	for _, lead := range d.AlertDays {
		at := d.AlertAt(lead)
		if !fired[lead] && !at.After(now) && !at.Before(d.RecordedAt) {
			out = append(out, lead)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// FireAlerts fires every deadline alert that is due and has not fired,
// through the command path: an event on the talks' stream and a message in
// the mediators room, each exactly once. When several alerts of a deadline
// are due at once (the server was down), only the nearest fires, late, and
// the others are recorded as superseded. Alerts of concluded or collapsed
// talks do not fire. It returns the alerts fired.
func (s *Service) FireAlerts(ctx context.Context) ([]parley.DeadlineAlert, error) {
	var ds []parley.Deadline
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		ds, err = tx.Deadlines(ctx, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []parley.DeadlineAlert
	for i := range ds {
		if a, err := s.fireDeadline(ctx, &ds[i]); err != nil {
			return out, err
		} else if a != nil {
			out = append(out, *a)
		}
	}
	return out, nil
}

// fireDeadline fires the alert of d that is due, if any, in one
// transaction that first reads which alerts fired: writers hold the log's
// write lock, so two nodes never both fire it, and the alerts' primary key
// would refuse the second anyway.
func (s *Service) fireDeadline(ctx context.Context, d *parley.Deadline) (*parley.DeadlineAlert, error) {
	now := s.now()
	if len(dueAlerts(d, nil, now)) == 0 {
		return nil, nil
	}
	var fired *parley.DeadlineAlert
	err := s.update(ctx, func(tx parley.Tx) error {
		fired = nil
		t, err := tx.Talks(ctx, d.TalksID)
		if err != nil || t.Terminal() {
			return err
		}
		as, err := tx.DeadlineAlerts(ctx, d.TalksID)
		if err != nil {
			return err
		}
		done := map[int]bool{}
		for _, a := range as {
			if a.DeadlineID == d.ID {
				done[a.LeadDays] = true
			}
		}
		due := dueAlerts(d, done, now)
		if len(due) == 0 {
			return nil
		}
		for _, lead := range due[:len(due)-1] {
			sup := &parley.DeadlineAlert{DeadlineID: d.ID, TalksID: d.TalksID, Title: d.Title, DueAt: d.DueAt, LeadDays: lead, FireAt: d.AlertAt(lead), FiredAt: now, Late: true, Superseded: true}
			if err := tx.InsertDeadlineAlert(ctx, sup); err != nil {
				return err
			}
		}
		lead := due[len(due)-1]
		a := &parley.DeadlineAlert{DeadlineID: d.ID, TalksID: d.TalksID, Title: d.Title, DueAt: d.DueAt, LeadDays: lead, FireAt: d.AlertAt(lead), FiredAt: now}
		a.Late = now.Sub(a.FireAt) > AlertGrace
		e, err := s.emit(ctx, tx, "", d.TalksID, "", parley.EventDeadlineAlert, a)
		if err != nil {
			return err
		}
		a.EventSeq = e.Seq
		if err := tx.InsertDeadlineAlert(ctx, a); err != nil {
			return err
		}
		m := &parley.Message{ID: parley.NewID("m_"), TalksID: d.TalksID, Room: parley.RoomMediators, Disclosure: parley.MediatorOnly,
			Text: alertText(d, a, now), CreatedAt: now}
		if err := s.record(ctx, tx, &parley.User{}, m); err != nil {
			return err
		}
		fired = a
		return nil
	})
	return fired, err
}

// alertText is the mediators' message of an alert.
func alertText(d *parley.Deadline, a *parley.DeadlineAlert, now time.Time) string {
	var b strings.Builder
	left := d.DaysLeft(now)
	switch {
	case !now.Before(d.DueAt):
		fmt.Fprintf(&b, "Deadline reached: %s (%s).", d.Title, d.DueAt.Format("2 Jan 2006 15:04 UTC"))
	case left == 1:
		fmt.Fprintf(&b, "Deadline alert: %s is in 1 day (%s).", d.Title, d.DueAt.Format("2 Jan 2006 15:04 UTC"))
	default:
		fmt.Fprintf(&b, "Deadline alert: %s is in %d days (%s).", d.Title, left, d.DueAt.Format("2 Jan 2006 15:04 UTC"))
	}
	fmt.Fprintf(&b, " Set by %s", d.SetBy)
	if d.Reason != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimRight(d.Reason, "."))
	}
	b.WriteString(".")
	if a.Late {
		fmt.Fprintf(&b, " This alert fires late: it was due on %s (%d days before the deadline), when the server was not running.", a.FireAt.Format("2 Jan 2006 15:04 UTC"), a.LeadDays)
	}
	return b.String()
}

// RunAlerts fires due deadline alerts now and then every interval until
// ctx is done, by the service clock; parley serve runs it. Errors are
// logged and retried at the next tick.
func (s *Service) RunAlerts(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		fired, err := s.FireAlerts(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("deadline alerts", "err", err)
		}
		for _, a := range fired {
			log.Info("deadline alert fired", "talks", a.TalksID, "deadline", a.DeadlineID, "lead_days", a.LeadDays, "late", a.Late)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
