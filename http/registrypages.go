package http

import (
	"net/http"
	"net/url"

	"parley"
	"parley/talks"
)

// registryOverview is what the talks page shows of people and promises:
// who is held, what was promised, who met whom, who says what, how long
// is left, and the talks' history.
type registryOverview struct {
	Aggregates *talks.Aggregates
	Agreements []agreementSummary
	Meetings   []parley.Meeting
	Reports    []parley.ReportSubject
	Deadlines  []parley.Countdown
	Timeline   []parley.TimelineEntry
}

// agreementSummary is an agreement with its compliance today.
type agreementSummary struct {
	parley.Agreement
	Compliance *parley.Compliance
}

// registryOverview loads the talks page's sections for u. Each read goes
// through the service's rules, as the API's do.
func (s *Server) registryOverview(r *http.Request, u *parley.User, id string) (*registryOverview, error) {
	ctx := r.Context()
	ro := &registryOverview{}
	var err error
	if ro.Aggregates, err = s.Talks.CaptiveAggregates(ctx, u, id, ""); err != nil {
		return nil, err
	}
	as, err := s.Talks.Agreements(ctx, u, id)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		c, err := s.Talks.Compliance(ctx, u, id, a.ID, "")
		if err != nil {
			return nil, err
		}
		ro.Agreements = append(ro.Agreements, agreementSummary{Agreement: a, Compliance: c})
	}
	if ro.Meetings, err = s.Talks.Meetings(ctx, u, id); err != nil {
		return nil, err
	}
	if ro.Reports, err = s.Talks.Reports(ctx, u, id, ""); err != nil {
		return nil, err
	}
	if ro.Deadlines, err = s.Talks.Deadlines(ctx, u, id); err != nil {
		return nil, err
	}
	if ro.Timeline, err = s.Talks.Timeline(ctx, u, id); err != nil {
		return nil, err
	}
	return ro, nil
}

// memberView is the talks for a page of people and promises: like the
// talks page, for members only (an administrator who is not one reads
// none of it).
func (s *Server) memberView(r *http.Request, u *parley.User) (*overview, error) {
	o, err := s.view(r, u)
	if err != nil {
		return nil, err
	}
	if o.Mine == nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "talks not found")
	}
	return o, nil
}

// captivesData is the data of the captives page.
type captivesData struct {
	*overview
	Aggregates *talks.Aggregates
	// Captives are the individual records, for those who may read them.
	Captives []parley.Captive
	Access   []talks.AccessView
	Mediator bool
}

func (s *Server) captivesPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "captives"
	d := &captivesData{overview: o, Mediator: o.Mine.Kind == parley.KindMediator}
	if d.Aggregates, err = s.Talks.CaptiveAggregates(r.Context(), u, o.ID, parley.Date(r.URL.Query().Get("as_of"))); err != nil {
		return "", nil, err
	}
	if d.Aggregates.Records {
		if d.Captives, err = s.Talks.Captives(r.Context(), u, o.ID); err != nil {
			return "", nil, err
		}
	}
	d.Access, err = s.Talks.RecordAccess(r.Context(), u, o.ID)
	return "captives", d, err
}

func (s *Server) accessSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	_, err := s.Talks.SetRecordAccess(r.Context(), u, id, r.PostForm.Get("delegation"), r.PostForm.Get("records") == "true")
	return "/talks/" + url.PathEscape(id) + "/captives", tr(r).T("Record access changed."), err
}

// agreementData is the data of an agreement's page.
type agreementData struct {
	*overview
	Agreement     *parley.Agreement
	Compliance    *parley.Compliance
	Verifications []parley.Verification
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "overview"
	d := &agreementData{overview: o}
	aid := r.PathValue("agreement")
	if d.Agreement, err = s.Talks.Agreement(r.Context(), u, o.ID, aid); err != nil {
		return "", nil, err
	}
	if d.Compliance, err = s.Talks.Compliance(r.Context(), u, o.ID, aid, parley.Date(r.URL.Query().Get("as_of"))); err != nil {
		return "", nil, err
	}
	d.Verifications, err = s.Talks.Verifications(r.Context(), u, o.ID, aid)
	return "agreement", d, err
}

// listData is the data of the meetings, reports, deadlines and timeline
// pages.
type listData struct {
	*overview
	Meetings  []parley.Meeting
	Reports   []parley.ReportSubject
	Subject   string
	Deadlines []parley.Countdown
	Timeline  []parley.TimelineEntry
}

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "meetings"
	d := &listData{overview: o}
	d.Meetings, err = s.Talks.Meetings(r.Context(), u, o.ID)
	return "meetings", d, err
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "reports"
	d := &listData{overview: o, Subject: r.URL.Query().Get("subject")}
	d.Reports, err = s.Talks.Reports(r.Context(), u, o.ID, d.Subject)
	return "reports", d, err
}

func (s *Server) deadlinesPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "deadlines"
	d := &listData{overview: o}
	d.Deadlines, err = s.Talks.Deadlines(r.Context(), u, o.ID)
	return "deadlines", d, err
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "timeline"
	d := &listData{overview: o}
	d.Timeline, err = s.Talks.Timeline(r.Context(), u, o.ID)
	return "timeline", d, err
}
