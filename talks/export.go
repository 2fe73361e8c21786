package talks

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
	"parley/eventlog"
	"parley/textdoc"
)

// ExportText renders the agreed version of the text as a document that
// carries its SHA-256, the ledger indexes of the agreement and text events
// and the latest signed checkpoint, for mediators and parties. It is
// rendered from the ledger's events alone, exactly as the offline
// verifier renders it. Until a version is declared agreed there is
// nothing to export: nothing is agreed until everything is agreed.
func (s *Service) ExportText(ctx context.Context, actor *parley.User, talksID string, f textdoc.Format) ([]byte, error) {
	if f != textdoc.Markdown && f != textdoc.HTML {
		return nil, parley.Errorf(parley.EINVALID, "format must be markdown or html, not %q", f)
	}
	var doc []byte
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		ts, err := loadText(ctx, tx, sc)
		if err != nil {
			return err
		}
		var a *parley.Agreement
		for _, x := range ts.agreed {
			if a == nil || x.EventSeq > a.EventSeq {
				a = x
			}
		}
		if a == nil {
			return parley.Errorf(parley.ECONFLICT, "nothing is agreed until everything is agreed: no version of the text has been declared agreed")
		}
		v, err := ts.version(a.TextVersion)
		if err != nil {
			return err
		}
		les, err := tx.LedgerEntries(ctx, []int64{a.EventSeq, v.EventSeq})
		if err != nil {
			return err
		}
		cp, err := tx.LatestCheckpoint(ctx)
		if err != nil {
			return err
		}
		var agreement, text = les[0], les[1]
		if agreement.Event.Seq != a.EventSeq {
			agreement, text = text, agreement
		}
		d, err := textdoc.FromEvents(eventlog.Record(&agreement.Event), eventlog.Record(&text.Event), string(cp))
		if err != nil {
			return err
		}
		doc, err = textdoc.Render(d, f)
		return err
	})
	return doc, err
}

// checkTextVersion checks that the stored version of the text a
// text.version event recorded agrees with it, clause by clause.
func checkTextVersion(ctx context.Context, tx parley.Tx, e *parley.Event) error {
	var v parley.TextVersion
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return fmt.Errorf("text version event does not decode: %w", err)
	}
	vs, err := tx.TextVersions(ctx, e.Talks)
	if err != nil {
		return err
	}
	if v.Number < 1 || v.Number > len(vs) {
		return fmt.Errorf("version %d of the text recorded by this event is missing", v.Number)
	}
	got := &vs[v.Number-1]
	if got.EventSeq != e.Seq || got.Reason != v.Reason || got.Author != v.Author || !sameText(got, &v) {
		return fmt.Errorf("stored version %d of the text differs from the event that recorded it", v.Number)
	}
	return nil
}
