package parley

import (
	"sort"
	"time"
)

// Report is a sourced claim about the talks, graded on the NATO Admiralty
// scale: the reliability of the source (A completely reliable … E
// unreliable, F cannot be judged) and the credibility of the information
// (1 confirmed … 5 improbable, 6 cannot be judged).
type Report struct {
	ID      string `json:"id"`
	TalksID string `json:"talks_id"`
	// Subject groups reports about the same thing (a slug, e.g. progress).
	Subject string `json:"subject"`
	Claim   string `json:"claim"`
	// Source describes who made the claim ("a U.S. official").
	Source      string `json:"source"`
	Outlet      string `json:"outlet,omitempty"`
	PublishedOn Date   `json:"published_on"`
	Reliability string `json:"reliability"`
	Credibility int    `json:"credibility"`
	// Contradicts lists the ids of earlier reports on the same subject this
	// one disagrees with.
	Contradicts []string  `json:"contradicts"`
	RecordedBy  string    `json:"recorded_by"`
	RecordedAt  time.Time `json:"recorded_at"`
	EventSeq    int64     `json:"event_seq"`
}

// Grade is the report's Admiralty grade, e.g. "B2".
func (r *Report) Grade() string { return r.Reliability + string(rune('0'+r.Credibility)) }

// Validate checks the report's fields.
func (r *Report) Validate() error {
	if !ValidSlug(r.Subject) {
		return Errorf(EINVALID, "subject %q must be 1-%d lowercase letters, digits or dashes", truncate(r.Subject, 50), MaxSlugBytes)
	}
	if err := CheckText("claim", r.Claim, MaxReasonBytes); err != nil {
		return err
	}
	if err := CheckText("source", r.Source, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckOptional("outlet", r.Outlet, MaxTitleBytes); err != nil {
		return err
	}
	if err := CheckDate("published_on", r.PublishedOn, true); err != nil {
		return err
	}
	if len(r.Reliability) != 1 || r.Reliability[0] < 'A' || r.Reliability[0] > 'F' {
		return Errorf(EINVALID, "reliability must be a letter A (completely reliable) to F (cannot be judged), not %q", truncate(r.Reliability, 10))
	}
	if r.Credibility < 1 || r.Credibility > 6 {
		return Errorf(EINVALID, "credibility must be 1 (confirmed) to 6 (cannot be judged)")
	}
	if len(r.Contradicts) > MaxContradicts {
		return Errorf(EINVALID, "a report contradicts at most %d others", MaxContradicts)
	}
	if r.Contradicts == nil {
		r.Contradicts = []string{}
	}
	r.Contradicts = sortedSet(r.Contradicts)
	return nil
}

// ReportSubject is the reports on one subject, oldest first, with the
// pairs that contradict each other.
type ReportSubject struct {
	Subject string   `json:"subject"`
	Reports []Report `json:"reports"`
	// Conflicts pairs contradicting reports, to show side by side.
	Conflicts []ReportConflict `json:"conflicts"`
}

// ReportConflict is two reports on the same subject that disagree.
type ReportConflict struct {
	A Report `json:"a"`
	B Report `json:"b"`
}

// GroupReports groups reports by subject (subjects in alphabetical order,
// reports by publication date) and pairs those that contradict each other.
func GroupReports(rs []Report) []ReportSubject {
	by := map[string]*ReportSubject{}
	byID := map[string]Report{}
	for _, r := range rs {
		byID[r.ID] = r
		g := by[r.Subject]
		if g == nil {
			g = &ReportSubject{Subject: r.Subject, Reports: []Report{}, Conflicts: []ReportConflict{}}
			by[r.Subject] = g
		}
		g.Reports = append(g.Reports, r)
	}
	out := make([]ReportSubject, 0, len(by))
	for _, g := range by {
		sort.SliceStable(g.Reports, func(i, j int) bool { return g.Reports[i].PublishedOn < g.Reports[j].PublishedOn })
		for _, r := range g.Reports {
			for _, id := range r.Contradicts {
				if other, ok := byID[id]; ok && other.Subject == r.Subject {
					g.Conflicts = append(g.Conflicts, ReportConflict{A: other, B: r})
				}
			}
		}
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Subject < out[j].Subject })
	return out
}
