package storetest

import (
	"time"

	"parley"
	"parley/eventlog"
)

// testEventsOfKind: the talks' events of one kind, and only those, in order.
func testEventsOfKind(e *env) {
	e.update(func(tx parley.Tx) error {
		for i, c := range []struct{ talks, kind string }{
			{"t_1", "a"}, {"t_2", "a"}, {"t_1", "b"}, {"t_1", "a"}, {"t_2", "b"}, {"t_1", "a"},
		} {
			ev := &parley.Event{Time: time.Date(2024, 12, 5, 9, i, 0, 0, time.UTC), Kind: c.kind, Talks: c.talks, Data: []byte(`{}`)}
			if err := eventlog.Append(e.ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	e.view(func(tx parley.Tx) error {
		got, err := tx.EventsOfKind(e.ctx, "t_1", "a")
		if err != nil {
			return err
		}
		var seqs []int64
		for _, ev := range got {
			if ev.Talks != "t_1" || ev.Kind != "a" {
				e.t.Errorf("EventsOfKind(t_1, a) returned %+v", ev)
			}
			seqs = append(seqs, ev.Seq)
		}
		if len(seqs) != 3 || seqs[0] != 1 || seqs[1] != 4 || seqs[2] != 6 {
			e.t.Errorf("EventsOfKind(t_1, a): seqs %v, want [1 4 6]", seqs)
		}
		none, err := tx.EventsOfKind(e.ctx, "t_3", "a")
		if err != nil || none == nil || len(none) != 0 {
			e.t.Errorf("EventsOfKind of talks with none: %v %v", none, err)
		}
		return nil
	})
}
