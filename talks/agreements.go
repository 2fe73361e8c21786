package talks

import (
	"context"

	"parley"
)

// recordAgreement stores a and appends its talks-wide event, in tx. The
// caller has checked who may record it.
func (s *Service) recordAgreement(ctx context.Context, tx parley.Tx, actor *parley.User, a *parley.Agreement) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.RecordedBy = actor.ID
	e, err := s.emit(ctx, tx, actor.ID, a.TalksID, "", parley.EventAgreementMade, a)
	if err != nil {
		return err
	}
	a.EventSeq = e.Seq
	return tx.CreateAgreement(ctx, a)
}

// Agreements lists the talks' agreements; every member sees them.
func (s *Service) Agreements(ctx context.Context, actor *parley.User, talksID string) ([]parley.Agreement, error) {
	var out []parley.Agreement
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if sc.mine == nil {
			return parley.Errorf(parley.ENOTFOUND, "talks not found")
		}
		var err error
		out, err = tx.Agreements(ctx, talksID)
		return err
	})
	return out, err
}

// Agreement returns one agreement of the talks.
func (s *Service) Agreement(ctx context.Context, actor *parley.User, talksID, id string) (*parley.Agreement, error) {
	var a *parley.Agreement
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if sc.mine == nil {
			return parley.Errorf(parley.ENOTFOUND, "agreement not found")
		}
		var err error
		a, err = tx.Agreement(ctx, talksID, id)
		return err
	})
	return a, err
}
