package talks

import (
	"context"
	"strings"

	"parley"
)

// NewReport is a sourced claim to record.
type NewReport struct {
	Subject     string      `json:"subject"`
	Claim       string      `json:"claim"`
	Source      string      `json:"source"`
	Outlet      string      `json:"outlet"`
	PublishedOn parley.Date `json:"published_on"`
	Reliability string      `json:"reliability"`
	Credibility int         `json:"credibility"`
	// Contradicts lists the ids of reports on the same subject this one
	// disagrees with.
	Contradicts []string `json:"contradicts"`
}

// RecordReport records a sourced claim about the talks, graded on the
// Admiralty scale; engaged mediators record them, every member reads them.
func (s *Service) RecordReport(ctx context.Context, actor *parley.User, talksID string, nr NewReport) (*parley.Report, error) {
	r := &parley.Report{ID: parley.NewID("r_"), TalksID: talksID, Subject: strings.TrimSpace(nr.Subject), Claim: strings.TrimSpace(nr.Claim),
		Source: strings.TrimSpace(nr.Source), Outlet: strings.TrimSpace(nr.Outlet), PublishedOn: nr.PublishedOn,
		Reliability: strings.ToUpper(strings.TrimSpace(nr.Reliability)), Credibility: nr.Credibility, Contradicts: append([]string{}, nr.Contradicts...), RecordedBy: actor.ID}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMediator("record reports"); err != nil {
			return err
		}
		if r.PublishedOn > s.today() {
			return parley.Errorf(parley.EINVALID, "published_on %s is in the future", r.PublishedOn)
		}
		if len(r.Contradicts) > 0 {
			all, err := tx.Reports(ctx, talksID)
			if err != nil {
				return err
			}
			subject := map[string]string{}
			for _, x := range all {
				subject[x.ID] = x.Subject
			}
			for _, id := range r.Contradicts {
				switch sub, ok := subject[id]; {
				case !ok:
					return parley.Errorf(parley.EINVALID, "contradicts: %q is not a report of these talks", truncateText(id, 50))
				case sub != r.Subject:
					return parley.Errorf(parley.EINVALID, "contradicts: report %s is about %s, not %s", id, sub, r.Subject)
				}
			}
		}
		r.RecordedAt = s.now()
		e, err := s.emit(ctx, tx, actor.ID, talksID, "", parley.EventReportRecorded, r)
		if err != nil {
			return err
		}
		r.EventSeq = e.Seq
		return tx.CreateReport(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Reports lists the talks' reports grouped by subject, contradicting
// claims paired; subject narrows them to one subject ("" for all).
func (s *Service) Reports(ctx context.Context, actor *parley.User, talksID, subject string) ([]parley.ReportSubject, error) {
	if subject != "" && !parley.ValidSlug(subject) {
		return nil, parley.Errorf(parley.EINVALID, "subject must be 1-%d lowercase letters, digits or dashes", parley.MaxSlugBytes)
	}
	var out []parley.ReportSubject
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("talks"); err != nil {
			return err
		}
		all, err := tx.Reports(ctx, talksID)
		if err != nil {
			return err
		}
		out = []parley.ReportSubject{}
		for _, g := range parley.GroupReports(all) {
			if subject == "" || g.Subject == subject {
				out = append(out, g)
			}
		}
		return nil
	})
	return out, err
}

// Report returns one report of the talks.
func (s *Service) Report(ctx context.Context, actor *parley.User, talksID, id string) (*parley.Report, error) {
	gs, err := s.Reports(ctx, actor, talksID, "")
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		for i := range g.Reports {
			if g.Reports[i].ID == id {
				return &g.Reports[i], nil
			}
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "report not found")
}
