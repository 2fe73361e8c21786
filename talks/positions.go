package talks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley"
)

// NewPosition is a party's position on one clause of the current version.
type NewPosition struct {
	Clause  string        `json:"clause"`
	Stance  parley.Stance `json:"stance"`
	Comment string        `json:"comment,omitempty"`
	// Wording is the party's proposed wording of the clause.
	Wording string `json:"wording,omitempty"`
}

// NewPositions records a party's positions on clauses of the current
// version; Version must name it, so that a position is never recorded on
// wording the party has not seen.
type NewPositions struct {
	Version   int           `json:"version"`
	Positions []NewPosition `json:"positions"`
}

// PartyRef names a party in a positions matrix.
type PartyRef struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// PositionsView is the clause × party matrix of one version: all parties
// for a mediator, only the reader's own party for a party.
type PositionsView struct {
	Version int        `json:"version"`
	Latest  int        `json:"latest"`
	Status  string     `json:"status"`
	Parties []PartyRef `json:"parties"`
	// Clauses hold the positions applying to each clause, by delegation id.
	Clauses []ClausePositions `json:"clauses"`
}

// ClausePositions is one row of a PositionsView.
type ClausePositions struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
	Agreed bool   `json:"agreed"`
	Since  int    `json:"since"`
	// Positions maps a delegation id to its position; a party without a
	// position on the clause is absent.
	Positions map[string]PositionView `json:"positions"`
}

// PositionView is a position in the matrix.
type PositionView struct {
	Stance  parley.Stance `json:"stance"`
	Comment string        `json:"comment"`
	Wording string        `json:"wording"`
	// Recorded is the version it was recorded on; Carried is set when that
	// is an earlier version whose wording of the clause is unchanged.
	Recorded   int       `json:"recorded"`
	Carried    bool      `json:"carried"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	EventSeq   int64     `json:"event_seq"`
}

// matrix builds the positions view of version n for the given parties.
func (ts *textState) matrix(n int, parties []parley.Delegation) (*PositionsView, error) {
	tv, err := ts.view(n)
	if err != nil {
		return nil, err
	}
	app := ts.applying(tv.Version)
	pv := &PositionsView{Version: tv.Version, Latest: tv.Latest, Status: tv.Status, Parties: []PartyRef{}, Clauses: []ClausePositions{}}
	for _, d := range parties {
		pv.Parties = append(pv.Parties, PartyRef{ID: d.ID, Slug: d.Slug, Name: d.Name})
	}
	for _, c := range tv.Clauses {
		row := ClausePositions{ID: c.ID, Number: c.Number, Title: c.Title, Agreed: c.Agreed, Since: c.Since, Positions: map[string]PositionView{}}
		for _, d := range parties {
			if p := app[c.ID][d.ID]; p != nil {
				row.Positions[d.ID] = PositionView{Stance: p.Stance, Comment: p.Comment, Wording: p.Wording, Recorded: p.Version,
					Carried: p.Version < tv.Version, RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt, EventSeq: p.EventSeq}
			}
		}
		pv.Clauses = append(pv.Clauses, row)
	}
	return pv, nil
}

// positionsFor returns the parties whose positions the reader may see:
// every party for a mediator, its own for a party.
func (sc *scope) positionsFor() []parley.Delegation {
	if sc.isMediator() {
		return sc.parties()
	}
	return []parley.Delegation{*sc.mine}
}

// Positions returns the positions on version n of the text (0: the
// current one): the whole clause × party matrix for a mediator, only its
// own positions for a party.
func (s *Service) Positions(ctx context.Context, actor *parley.User, talksID string, n int) (*PositionsView, error) {
	var pv *PositionsView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		pv, err = ts.matrix(n, sc.positionsFor())
		return err
	})
	return pv, err
}

// checkPositions is the rule for recording positions: a party's member,
// while the party is engaged and the talks are live.
func (sc *scope) checkPositions() error {
	if sc.kind() != parley.KindParty {
		return parley.Errorf(parley.EFORBIDDEN, "only a party records positions on the text")
	}
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	if d := sc.mine; d.Presence == parley.PresenceWithdrawn {
		return parley.Errorf(parley.ECONFLICT, "%s has withdrawn from the talks; re-engage to record positions", d.Name)
	}
	return nil
}

// RecordPositions records the actor's party's positions on clauses of the
// current version, in one event in its caucus (which only the party and
// the mediators read), and returns the party's positions.
func (s *Service) RecordPositions(ctx context.Context, actor *parley.User, talksID string, np NewPositions) (*PositionsView, error) {
	if len(np.Positions) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "positions are required")
	}
	if len(np.Positions) > parley.MaxClauses {
		return nil, parley.Errorf(parley.ETOOLARGE, "%d positions, the limit is %d", len(np.Positions), parley.MaxClauses)
	}
	var pv *PositionsView
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		if err := sc.checkPositions(); err != nil {
			return err
		}
		v, err := ts.version(0)
		if err != nil {
			return err
		}
		if np.Version != v.Number {
			return parley.Errorf(parley.ECONFLICT, "positions are recorded on the current version, %d, not %d", v.Number, np.Version)
		}
		now := s.now()
		rec := parley.PositionsRecorded{Version: v.Number, Delegation: sc.mine.ID}
		var ps []parley.Position
		seen := map[string]bool{}
		for i, in := range np.Positions {
			c := v.Clause(in.Clause)
			if c == nil {
				return parley.Errorf(parley.EINVALID, "positions[%d]: %q is not a clause of version %d", i, in.Clause, v.Number)
			}
			if seen[c.ID] {
				return parley.Errorf(parley.EINVALID, "positions[%d]: clause %d is given twice", i, c.Number)
			}
			seen[c.ID] = true
			p := parley.Position{TalksID: talksID, Version: v.Number, ClauseID: c.ID, Delegation: sc.mine.ID, Stance: in.Stance,
				Comment: strings.TrimSpace(parley.NormalizeText(in.Comment)), Wording: strings.TrimSpace(parley.NormalizeText(in.Wording)),
				RecordedBy: actor.ID, RecordedAt: now}
			if err := p.Validate(); err != nil {
				return fmt.Errorf("positions[%d]: %w", i, err)
			}
			ps = append(ps, p)
			rec.Positions = append(rec.Positions, parley.PositionRecord{Clause: c.ID, Number: c.Number, ClauseSHA256: c.Digest(),
				Stance: p.Stance, Comment: p.Comment, Wording: p.Wording})
		}
		e, err := s.emit(ctx, tx, actor.ID, talksID, parley.CaucusRoom(sc.mine.Slug), parley.EventPositions, rec)
		if err != nil {
			return err
		}
		for i := range ps {
			ps[i].EventSeq = e.Seq
			if err := tx.UpsertPosition(ctx, &ps[i]); err != nil {
				return err
			}
		}
		if ts.positions, err = tx.Positions(ctx, talksID, ""); err != nil {
			return err
		}
		pv, err = ts.matrix(v.Number, sc.positionsFor())
		return err
	})
	return pv, err
}

// AgreeText asks a mediator to declare a version of the text agreed.
type AgreeText struct {
	// Version is the version to declare agreed; 0 means the current one.
	Version int                   `json:"version,omitempty"`
	Stage   parley.AgreementStage `json:"stage,omitempty"`
	// Title defaults to the talks' title.
	Title   string `json:"title,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// AgreeText declares a version of the text agreed: only an engaged
// mediator of active talks may, and only when every party accepts every
// clause of that version — nothing is agreed until everything is agreed.
// The talks are then concluded, with an Agreement that points to the
// version.
func (s *Service) AgreeText(ctx context.Context, actor *parley.User, talksID string, req AgreeText) (*parley.Agreement, error) {
	if req.Stage == "" {
		req.Stage = parley.StageFramework
	}
	var a *parley.Agreement
	err := s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		if err := sc.checkMediator("declare the text agreed"); err != nil {
			return err
		}
		t := sc.talks
		if t.Status != parley.TalksActive {
			return parley.Errorf(parley.ECONFLICT, "the talks are %s; only active talks can conclude", t.Status)
		}
		v, err := ts.version(req.Version)
		if err != nil {
			return err
		}
		// Only the current version: parties criticise the current draft, so
		// an older one's acceptances may have been taken back since.
		if cur, err := ts.version(0); err != nil || cur.Number != v.Number {
			return parley.Errorf(parley.ECONFLICT, "only the current version of the text can be declared agreed, not version %d", v.Number)
		}
		if open := ts.unagreed(v.Number); len(open) > 0 {
			nums := make([]string, len(open))
			for i, n := range open {
				nums[i] = itoa(int64(n))
			}
			return parley.Errorf(parley.ECONFLICT, "nothing is agreed until everything is agreed: clause(s) %s of version %d are not accepted by every party",
				strings.Join(nums, ", "), v.Number)
		}
		title := strings.TrimSpace(req.Title)
		if title == "" {
			title = t.Title
		}
		now := s.now()
		a = &parley.Agreement{ID: parley.NewID("a_"), TalksID: talksID, Title: title, Stage: req.Stage, TextVersion: v.Number,
			Summary: strings.TrimSpace(req.Summary), AgreedAt: now}
		if err := s.recordAgreement(ctx, tx, actor, a); err != nil {
			return err
		}
		reason := fmt.Sprintf("version %d of the text agreed", v.Number)
		t.Status, t.StatusReason, t.StatusBy, t.StatusAt, t.PlenaryOpen = parley.TalksConcluded, reason, actor.ID, now, false
		if err := tx.UpdateTalks(ctx, t); err != nil {
			return err
		}
		_, err = s.emit(ctx, tx, actor.ID, talksID, "", parley.EventTalksStatus, parley.StatusChanged{Status: t.Status, Action: string(ActionConclude), Reason: reason})
		return err
	})
	return a, err
}
