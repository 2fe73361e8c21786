package talks

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// timelineKinds are the events the talks' history shows.
var timelineKinds = []string{parley.EventTalksCreated, parley.EventTalksStatus, parley.EventPresenceChanged}

// Timeline is the talks' history: every change of their status and of each
// delegation's presence (suspended, resumed, withdrawn, re-engaged), with
// reasons and who did it, oldest first. It is derived from the ledger's
// events through the same filter as the event stream, so that it shows
// what the actor could see of each change.
func (s *Service) Timeline(ctx context.Context, actor *parley.User, talksID string) ([]parley.TimelineEntry, error) {
	var evs []parley.Event
	names := map[string]string{}
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkMember("talks"); err != nil {
			return err
		}
		for _, d := range sc.delegations {
			names[d.ID] = d.Name
		}
		for _, m := range sc.members {
			names[m.UserID] = m.DisplayName
		}
		var err error
		if evs, err = tx.TalksEvents(ctx, talksID, timelineKinds); err != nil {
			return err
		}
		for _, e := range evs {
			if _, ok := names[e.Actor]; !ok && e.Actor != "" {
				u, err := tx.UserByID(ctx, e.Actor)
				if err != nil {
					return err
				}
				names[e.Actor] = u.DisplayName
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := s.NewFilter(actor)
	out := []parley.TimelineEntry{}
	for i := range evs {
		e := &evs[i]
		ok, err := f.Visible(ctx, e)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		te := parley.TimelineEntry{Seq: e.Seq, Time: e.Time, Kind: e.Kind, By: e.Actor, ByName: names[e.Actor]}
		switch e.Kind {
		case parley.EventTalksCreated:
			te.Action, te.State = "open", string(parley.TalksActive)
		case parley.EventTalksStatus:
			var d parley.StatusChanged
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return nil, fmt.Errorf("talks: timeline: event %d: %w", e.Seq, err)
			}
			te.Action, te.State, te.Reason = d.Action, string(d.Status), d.Reason
		case parley.EventPresenceChanged:
			var d parley.PresenceChanged
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return nil, fmt.Errorf("talks: timeline: event %d: %w", e.Seq, err)
			}
			te.Action, te.State, te.Reason, te.Delegation, te.DelegationName = d.Action, string(d.Presence), d.Reason, d.Delegation, names[d.Delegation]
		}
		out = append(out, te)
	}
	return out, nil
}
