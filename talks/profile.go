package talks

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"parley"
	"parley/settle"
)

// NewProfile sets a party's preference profile from a profile file in any
// format the settlement engine reads (parley YAML or JSON, GeniusWeb, …).
// Format says how it was made ("builder" for the page's form); empty, it
// is detected.
type NewProfile struct {
	Source string `json:"source"`
	Format string `json:"format,omitempty"`
}

// ProfileView is a party's own profile, as only its members see it.
type ProfileView struct {
	HasProfile bool `json:"has_profile"`
	// Profile is the profile decoded; Source the same in parley's JSON
	// profile format, ready to be sent back.
	Profile *ProfileBody `json:"profile,omitempty"`
	Source  string       `json:"source,omitempty"`
	Format  string       `json:"format,omitempty"`
	// Consent is set while the party lets the mediators use its profile.
	Consent   bool      `json:"consent"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// Problem says why a stored profile does not fit the current domain.
	Problem string `json:"problem,omitempty"`
}

// ProfileBody is a profile: issue weights summing to 1, a score in [0,1]
// per option (or piecewise-linear points over a range), and the
// reservation value below which the party would rather not agree.
type ProfileBody struct {
	Name        string               `json:"name,omitempty"`
	Reservation float64              `json:"reservation"`
	Weights     map[string]float64   `json:"weights"`
	Scores      map[string]ScoreBody `json:"scores"`
}

// ScoreBody scores one issue: Options for discrete options (or a range
// scored value by value), Points as [value, score] corners for a range.
type ScoreBody struct {
	Options map[string]float64 `json:"options,omitempty"`
	Points  [][2]float64       `json:"points,omitempty"`
}

// profileBody decodes p for display.
func profileBody(p *settle.Profile) *ProfileBody {
	b := &ProfileBody{Name: p.Name, Reservation: p.Reservation, Weights: p.Weights, Scores: map[string]ScoreBody{}}
	for issue, s := range p.Scores {
		sb := ScoreBody{Options: s.Options}
		for _, pt := range s.Points {
			sb.Points = append(sb.Points, [2]float64{pt.X, pt.Score})
		}
		b.Scores[issue] = sb
	}
	return b
}

// checkOwnProfile is the rule of the profile resources: a party's own
// members only. Anyone else gets ENOTFOUND, exactly as for a profile
// that does not exist.
func (sc *scope) checkOwnProfile() error {
	if sc.kind() != parley.KindParty {
		return parley.Errorf(parley.ENOTFOUND, "profile not found")
	}
	return nil
}

// profileRow returns the party's profile row, or an empty one.
func profileRow(ctx context.Context, tx parley.Tx, sc *scope) (*parley.Profile, error) {
	row, err := tx.Profile(ctx, sc.talks.ID, sc.mine.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return &parley.Profile{TalksID: sc.talks.ID, Delegation: sc.mine.ID}, nil
	}
	return row, err
}

// profileView describes the party's profile row against the domain.
func profileView(d *settle.Domain, row *parley.Profile) *ProfileView {
	v := &ProfileView{HasProfile: row.Source != "", Consent: row.Consent, UpdatedBy: row.UpdatedBy, UpdatedAt: row.UpdatedAt}
	if !v.HasProfile {
		return v
	}
	v.Source, v.Format = row.Source, row.Format
	if d == nil {
		v.Problem = "the talks have no negotiation domain"
		return v
	}
	p, problem := parseProfile(d, row)
	if p == nil {
		v.Problem = strings.TrimPrefix(problem, "settle: ")
		return v
	}
	v.Profile = profileBody(p)
	return v
}

// Profile returns the actor's party's own profile and consent.
func (s *Service) Profile(ctx context.Context, actor *parley.User, talksID string) (*ProfileView, error) {
	var v *ProfileView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkOwnProfile(); err != nil {
			return err
		}
		row, err := profileRow(ctx, tx, sc)
		if err != nil {
			return err
		}
		d, _, err := loadDomain(ctx, tx, sc)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
		v = profileView(d, row)
		return nil
	})
	return v, err
}

// detectFormat names the format of a profile file.
func detectFormat(src string) string {
	t := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(t, "{") && strings.Contains(t, `"LinearAdditiveUtilitySpace"`):
		return "geniusweb"
	case strings.HasPrefix(t, "{"):
		return "json"
	case strings.HasPrefix(t, "<"):
		return "other"
	}
	return "yaml"
}

// changeProfile runs fn on the actor's party's profile row in a command and
// stores the row. The change is deliberately not a ledger event: the log's
// size is public, and an event nobody else can read would still tell the
// mediators, who read every other room, that the party touched its
// preferences. Nobody but the party may learn even that.
func (s *Service) changeProfile(ctx context.Context, actor *parley.User, talksID, action string, fn func(sc *scope, d *settle.Domain, row *parley.Profile) error) (*ProfileView, error) {
	var v *ProfileView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkOwnProfile(); err != nil {
			return err
		}
		row, err := profileRow(ctx, tx, sc)
		if err != nil {
			return err
		}
		d, _, err := loadDomain(ctx, tx, sc)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
		if err := fn(sc, d, row); err != nil {
			return err
		}
		row.UpdatedBy, row.UpdatedAt = actor.ID, s.now()
		if err := tx.PutProfile(ctx, row); err != nil {
			return err
		}
		v = profileView(d, row)
		return nil
	})
	return v, err
}

// PutProfile sets the actor's party's profile. A party may do so while it
// has withdrawn (its office stays open), not once the talks are over.
func (s *Service) PutProfile(ctx context.Context, actor *parley.User, talksID string, np NewProfile) (*ProfileView, error) {
	if np.Format == "" {
		np.Format = detectFormat(np.Source)
	}
	if !slices.Contains(parley.ProfileFormats, np.Format) {
		return nil, parley.Errorf(parley.EINVALID, "format must be one of %s, not %q", strings.Join(parley.ProfileFormats, ", "), np.Format)
	}
	if len(np.Source) > parley.MaxDomainBytes {
		return nil, parley.Errorf(parley.ETOOLARGE, "the profile is %d bytes, the limit is %d", len(np.Source), parley.MaxDomainBytes)
	}
	if err := parley.CheckText("source", np.Source, parley.MaxDomainBytes); err != nil {
		return nil, err
	}
	return s.changeProfile(ctx, actor, talksID, "set", func(sc *scope, d *settle.Domain, row *parley.Profile) error {
		if err := sc.talks.CheckTerminal(); err != nil {
			return err
		}
		if d == nil {
			return parley.Errorf(parley.ECONFLICT, "the talks have no negotiation domain yet; a mediator sets it first")
		}
		p, err := settle.ReadProfile("profile", []byte(np.Source), d)
		if err != nil {
			return parley.Errorf(parley.EINVALID, "%s", strings.TrimPrefix(err.Error(), "settle: "))
		}
		var buf bytes.Buffer
		if err := settle.WriteProfile(&buf, p, d, settle.JSON); err != nil {
			return err
		}
		row.Source, row.Format = buf.String(), np.Format
		return nil
	})
}

// DeleteProfile removes the actor's party's profile from the server; its
// consent, given or not, stays as it is.
func (s *Service) DeleteProfile(ctx context.Context, actor *parley.User, talksID string) error {
	_, err := s.changeProfile(ctx, actor, talksID, "deleted", func(sc *scope, d *settle.Domain, row *parley.Profile) error {
		if row.Source == "" {
			return parley.Errorf(parley.ENOTFOUND, "your delegation has no profile")
		}
		row.Source, row.Format = "", ""
		return nil
	})
	return err
}

// SetConsent gives or withdraws the mediators' use of the actor's party's
// profile. Withdrawal takes effect at once and is allowed in every state
// of the talks; giving consent, only while they are live.
func (s *Service) SetConsent(ctx context.Context, actor *parley.User, talksID string, consent bool) (*ProfileView, error) {
	action := "consent"
	if !consent {
		action = "withdraw-consent"
	}
	return s.changeProfile(ctx, actor, talksID, action, func(sc *scope, d *settle.Domain, row *parley.Profile) error {
		if consent {
			if err := sc.talks.CheckTerminal(); err != nil {
				return err
			}
		}
		row.Consent = consent
		return nil
	})
}
